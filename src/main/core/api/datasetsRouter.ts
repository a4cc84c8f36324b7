import { BenchtopError } from '../../../shared/errors';
import type { Router } from './router';

type DatasetCall =
  | 'datasets.register'
  | 'datasets.list'
  | 'datasets.get'
  | 'datasets.getById'
  | 'datasets.preview'
  | 'datasets.profile'
  | 'datasets.update'
  | 'datasets.delete'
  | 'datasets.download'
  | 'datastores.list';

// TEMPORARY while issue 16's registry is being written: every call answers UNSUPPORTED. Replaced by the real router.
const pending = () => {
  throw new BenchtopError('UNSUPPORTED', 'Datasets are not wired yet.');
};

export const datasetsRouter: Router<DatasetCall> = {
  'datasets.register': pending,
  'datasets.list': pending,
  'datasets.get': pending,
  'datasets.getById': pending,
  'datasets.preview': pending,
  'datasets.profile': pending,
  'datasets.update': pending,
  'datasets.delete': pending,
  'datasets.download': pending,
  'datastores.list': pending,
};
