import { modelDatasets, recordApiUse, runDatasets } from '../datasets/lineage';
import type { Router } from './router';

/** Which dataset versions runs and models used (issue 16). */
export const lineageRouter: Router<'datasets.recordUse' | 'runs.datasets' | 'models.datasets'> = {
  'datasets.recordUse': (input, _ctx, core) => {
    // NOT_FOUND for an unknown run; a finished one is fine (a notebook may read data for it afterwards).
    core.runs.get(input.runId);
    const use = recordApiUse(core.db, input);
    core.bus.emit('datasets.changed', { name: use.name });
    return use;
  },
  'runs.datasets': (input, _ctx, core) => {
    core.runs.get(input.runId);
    return runDatasets(core.db, input.runId);
  },
  'models.datasets': (input, _ctx, core) => {
    const model = core.models.require(input.name, input.version);
    return modelDatasets(core.db, model.name, model.version);
  },
};
