import { useDatasets } from './stores/datasets';
import { useEnvironments } from './stores/environments';
import { useJobs } from './stores/jobs';
import { useModels } from './stores/models';
import { useServices } from './stores/services';
import { useRuns } from './stores/runs';
import { useUi } from './stores/ui';
import { client } from './transport/client';

/** The one place where core events become store actions (terminal output goes straight to xterm, not here). */
export function wireCoreEvents(): () => void {
  const offs = [
    client.on('job.updated', (job) => {
      useJobs.getState().upsert(job);
      if (job.state !== 'running') {
        void useEnvironments.getState().refresh();
        void useEnvironments.getState().reloadVersions();
      }
    }),
    client.on('run.updated', (run) => useRuns.getState().upsert(run)),
    client.on('models.changed', ({ name }) => {
      void useModels.getState().refresh();
      if (useModels.getState().selected === name) void useModels.getState().reloadVersions();
    }),
    client.on('datasets.changed', ({ name }) => {
      void useDatasets.getState().refresh();
      if (useDatasets.getState().selected === name) void useDatasets.getState().reloadVersions();
    }),
    client.on('services.changed', (service) => useServices.getState().upsert(service)),
    client.on('environments.changed', ({ name }) => {
      void useEnvironments.getState().refresh();
      if (useEnvironments.getState().selected === name) void useEnvironments.getState().reloadVersions();
    }),
    // Events sent while the transport was down are gone: every list asks again when it is back.
    useUi.subscribe((s, prev) => {
      if (s.connected && !prev.connected) refreshAll();
    }),
  ];
  return () => offs.forEach((off) => off());
}

function refreshAll(): void {
  void useJobs
    .getState()
    .refresh()
    .catch(() => undefined);
  void useEnvironments.getState().refresh();
  void useEnvironments.getState().reloadVersions();
  void useModels.getState().refresh();
  void useModels.getState().reloadVersions();
  void useDatasets.getState().refresh();
  void useDatasets.getState().reloadVersions();
  void useServices.getState().refresh();
  void useRuns.getState().refresh();
}
