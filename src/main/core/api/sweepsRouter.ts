import { BenchtopError } from '../../../shared/errors';
import type { Router } from './router';

// TEMPORARY stub (contract commit): the sweep engine lands with issue 13's sweep work.
const notYet = () => {
  throw new BenchtopError('UNSUPPORTED', 'Sweeps are not built yet.', 'Wait for issue 13.');
};

export const sweepsRouter: Router<'sweeps.submit' | 'sweeps.list' | 'sweeps.get' | 'sweeps.cancel' | 'sweeps.best'> = {
  'sweeps.submit': notYet,
  'sweeps.list': notYet,
  'sweeps.get': notYet,
  'sweeps.cancel': notYet,
  'sweeps.best': notYet,
};
