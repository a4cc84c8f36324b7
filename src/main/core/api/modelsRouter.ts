import type { Router } from './router';

export const modelsRouter: Router<
  'models.register' | 'models.list' | 'models.get' | 'models.update' | 'models.delete' | 'models.download'
> = {
  'models.register': (input, _ctx, core) => core.models.register(input),
  'models.list': (input, _ctx, core) => core.models.list(input),
  'models.get': (input, _ctx, core) => core.models.get(input.name, input.version),
  'models.update': (input, _ctx, core) => core.models.update(input),
  'models.delete': (input, _ctx, core) => core.models.delete(input.name, input.version),
  'models.download': (input, _ctx, core) => core.models.download(input),
};
