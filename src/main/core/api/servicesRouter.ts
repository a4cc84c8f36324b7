import type { Router } from './router';

export const servicesRouter: Router<
  | 'services.deploy'
  | 'services.list'
  | 'services.get'
  | 'services.logs'
  | 'services.score'
  | 'services.reload'
  | 'services.update'
  | 'services.delete'
> = {
  'services.deploy': (input, _ctx, core) => core.services.deploy(input),
  'services.list': (_input, _ctx, core) => core.services.listLive(),
  'services.get': (input, _ctx, core) => core.services.getLive(input.name),
  'services.logs': (input, _ctx, core) => core.services.logs(input.name, input.offset),
  'services.score': (input, _ctx, core) => core.services.score(input.name, input.body, input.headers, input.route),
  'services.reload': (input, _ctx, core) => core.services.reload(input.name),
  'services.update': (input, _ctx, core) => core.services.update(input),
  'services.delete': async (input, _ctx, core) => {
    await core.services.delete(input.name);
    return {};
  },
};
