import { useState } from 'react';
import { type ServiceRecord, serving } from '../../../shared/api/serviceTypes';
import { BenchtopError } from '../../../shared/errors';
import { useServices } from '../../stores/services';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { ModelPicker } from './ModelPicker';
import { EnvironmentPicker } from './EnvironmentPicker';
import { ServiceLog } from './ServiceLog';
import { TestConsole } from './TestConsole';
import { ExportBundleButton } from '../bundles/ExportBundle';

const fail = (err: unknown) => useUi.getState().showError(err);

function UpdateForm({ service, onDone }: { service: ServiceRecord; onDone(): void }) {
  const [models, setModels] = useState<string[]>(service.models);
  const [environment, setEnvironment] = useState(service.environment);
  const [workers, setWorkers] = useState(service.workers);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await client.services.update({ name: service.name, models, environment, workers });
      useUi.getState().notify(`Updated ${service.name}.`);
      onDone();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="form"
      aria-label="Update service"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <ModelPicker value={models} onChange={setModels} />
      <EnvironmentPicker value={environment} onChange={setEnvironment} />
      <label>
        Workers
        <input type="number" min={1} max={64} value={workers} onChange={(e) => setWorkers(Number(e.target.value))} />
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={busy || models.length === 0}>
          {busy ? 'Updating…' : 'Update and restart'}
        </button>
        <button type="button" onClick={onDone} disabled={busy}>
          Close
        </button>
      </div>
    </form>
  );
}

export function ServiceDetail({ name }: { name: string }) {
  const service = useServices((s) => s.list?.find((x) => x.name === name));
  const [updating, setUpdating] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  if (!service) return <div className="muted pad">Loading {name}...</div>;
  const act = async (what: string, fn: () => Promise<void>) => {
    setBusy(what);
    try {
      await fn();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  };
  const reload = () =>
    act('reload', async () => {
      const result = await client.services.reload({ name });
      if (result.reloaded) useUi.getState().notify(`Reloaded ${name}.`);
      else
        fail(
          new BenchtopError(
            'BUILD_FAILED',
            'The reloaded entry script could not start; the service still serves the previous one.',
            result.message,
          ),
        );
    });
  const remove = () =>
    act('delete', async () => {
      await client.services.delete({ name });
      useUi.getState().notify(`Deleted ${name}; port ${service.port} is free.`);
      useServices.getState().select(null);
    });
  return (
    <article className="detail" aria-label={`Service ${name}`}>
      <header className="detail-header">
        <h2>{name}</h2>
        <span className={`state ${service.state}`} data-testid="service-state">
          {service.state}
        </span>
        <span className="spacer" />
        <button
          type="button"
          onClick={() => void reload()}
          disabled={!serving(service.state) || !service.entryScript || busy !== null}
          title={
            service.entryScript
              ? 'Copy score.py and the source folder again; no environment rebuild'
              : 'No-code deployments have no entry script'
          }
        >
          {busy === 'reload' ? 'Reloading…' : 'Reload'}
        </button>
        <ExportBundleButton parts={[{ kind: 'service', name }]} />
        <button type="button" onClick={() => setUpdating(true)} disabled={busy !== null}>
          Update…
        </button>
        {confirmDelete ? (
          <>
            <button type="button" className="danger" onClick={() => void remove()} disabled={busy !== null}>
              Delete {name}
            </button>
            <button type="button" onClick={() => setConfirmDelete(false)}>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" className="danger" onClick={() => setConfirmDelete(true)} disabled={busy !== null}>
            Delete…
          </button>
        )}
      </header>
      {service.error ? (
        <div className="error" role="status">
          <pre className="reason">{service.error}</pre>
        </div>
      ) : null}
      <dl className="facts">
        <dt>Scoring URI</dt>
        <dd>
          <code>{service.scoringUri}</code>
        </dd>
        <dt>Swagger</dt>
        <dd>
          <code>{service.swaggerUri}</code>
        </dd>
        <dt>Models</dt>
        <dd>{service.models.join(', ')}</dd>
        <dt>Entry script</dt>
        <dd>{service.entryScript ? <code>{service.entryScript}</code> : 'built-in scikit-learn scorer (no-code)'}</dd>
        <dt>Environment</dt>
        <dd>{service.environment}</dd>
        <dt>Serving from</dt>
        <dd>
          {service.target === 'docker' ? (
            <>
              a Docker container
              {service.containerId ? (
                <>
                  {' '}
                  <code>{service.containerId.slice(0, 12)}</code>
                </>
              ) : null}
            </>
          ) : (
            `a local process${service.pid ? ` (pid ${service.pid})` : ''}`
          )}
        </dd>
        <dt>Workers</dt>
        <dd>
          {service.workers} · timeout {service.timeoutMs} ms · body limit {service.maxBodyMb} MB
        </dd>
      </dl>
      {updating ? <UpdateForm service={service} onDone={() => setUpdating(false)} /> : null}
      <TestConsole service={service} />
      <h3>Log</h3>
      <ServiceLog name={name} />
    </article>
  );
}
