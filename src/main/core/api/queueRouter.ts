import { BenchtopError } from '../../../shared/errors';
import type { Router } from './router';

// TEMPORARY stub (contract commit): the run queue lands with issue 13's queue work.
const notYet = () => {
  throw new BenchtopError('UNSUPPORTED', 'The run queue is not built yet.', 'Wait for issue 13.');
};

export const queueRouter: Router<'queue.list' | 'queue.setPriority'> = {
  'queue.list': notYet,
  'queue.setPriority': notYet,
};
