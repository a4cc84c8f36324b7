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

export const datasetsRouter: Router<DatasetCall> = {
  'datasets.register': (input, _ctx, core) => core.datasets.register(input),
  'datasets.list': (input, _ctx, core) => core.datasets.list(input),
  'datasets.get': (input, _ctx, core) => core.datasets.get(input.name, input.version),
  'datasets.getById': (input, _ctx, core) => core.datasets.getById(input.id),
  'datasets.preview': (input, _ctx, core) => core.datasets.preview(input.name, input.version, input.rows),
  'datasets.profile': (input, _ctx, core) => core.datasets.profile(input),
  'datasets.update': (input, _ctx, core) => core.datasets.update(input),
  'datasets.delete': (input, _ctx, core) => core.datasets.delete(input.name, input.version),
  'datasets.download': (input, _ctx, core) => core.datasets.download(input),
  'datastores.list': (_input, _ctx, core) => core.datasets.datastores(),
};
