import { queueState, setQueuePriority } from '../../queue/queueState';
import type { Router } from './router';

export const queueRouter: Router<'queue.list' | 'queue.setPriority'> = {
  'queue.list': (_input, _ctx, core) => queueState(core),
  'queue.setPriority': (input, _ctx, core) => setQueuePriority(core, input.runId, input.priority),
};
