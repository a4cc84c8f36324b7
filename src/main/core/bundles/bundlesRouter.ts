import type { Router } from '../api/router';

export const bundlesRouter: Router<'bundles.export' | 'bundles.inspect' | 'bundles.import'> = {
  'bundles.export': (input, _ctx, core) => core.bundles.export(input),
  'bundles.inspect': (input, _ctx, core) => core.bundles.inspect(input.file),
  'bundles.import': (input, _ctx, core) => core.bundles.import(input),
};
