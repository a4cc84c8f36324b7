import type { Router } from './router';

export const sweepsRouter: Router<'sweeps.submit' | 'sweeps.list' | 'sweeps.get' | 'sweeps.cancel' | 'sweeps.best'> = {
  'sweeps.submit': (input, _ctx, core) => core.sweeps.submit(input),
  'sweeps.list': (input, _ctx, core) => core.sweeps.list(input.experiment, input.limit),
  'sweeps.get': (input, _ctx, core) => core.sweeps.get(input.sweepId),
  'sweeps.cancel': (input, _ctx, core) => core.sweeps.cancel(input.sweepId),
  'sweeps.best': (input, _ctx, core) => core.sweeps.best(input.sweepId),
};
