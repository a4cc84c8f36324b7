import { useModels } from '../../stores/models';
import { useRuns } from '../../stores/runs';
import { useUi } from '../../stores/ui';

export { openDataset } from '../../stores/datasets';

/** The Runs screen on one run (lineage: the runs that used a dataset). */
export function openRun(runId: string): void {
  useUi.getState().setScreen('runs');
  useRuns.getState().setView({ kind: 'detail', runId });
}

/** The Models screen on one model version (lineage: the models made from a dataset). */
export function openModel(name: string, version: number): void {
  useUi.getState().setScreen('models');
  void useModels.getState().select(name, version);
}
