import { BenchtopError } from '../../../shared/errors';
import type { Router } from './router';

// TEMPORARY while issue 16's lineage is being written: every call answers UNSUPPORTED. Replaced by the real router.
const pending = () => {
  throw new BenchtopError('UNSUPPORTED', 'Dataset lineage is not wired yet.');
};

/** Which dataset versions runs and models used (issue 16). */
export const lineageRouter: Router<'datasets.recordUse' | 'runs.datasets' | 'models.datasets'> = {
  'datasets.recordUse': pending,
  'runs.datasets': pending,
  'models.datasets': pending,
};
