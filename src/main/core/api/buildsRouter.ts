import type { Router } from './router';

export const buildsRouter: Router<
  'builds.start' | 'builds.info' | 'cache.list' | 'cache.prune' | 'wheels.list' | 'wheels.add'
> = {
  'builds.start': (input, _ctx, core) => {
    const record = core.environments.get(input.name, input.version);
    return core.builds.start(record.definition, `${record.name}:${record.version}`, input);
  },
  'builds.info': (input, _ctx, core) => core.builds.info(input.buildKey),
  'cache.list': (_input, _ctx, core) => core.builds.cacheList(),
  'cache.prune': (input, _ctx, core) => core.builds.prune(input),
  'wheels.list': (_input, _ctx, core) => core.wheels.list(),
  'wheels.add': (input, _ctx, core) => core.wheels.add(input.path),
};
