import { findCondaTool } from '../builds/condaBackend';
import { findInterpreters } from '../python/interpreters';
import { readSettings, writeSettings } from '../workspace/settings';
import type { Router } from './router';

declare const BENCHTOP_VERSION: string | undefined;

export const appRouter: Router<'app.info' | 'settings.update' | 'app.pickPath'> = {
  // The desktop window overrides this with a native dialog (electron/ipc.ts); the browser UI has none.
  'app.pickPath': () => ({ path: null, supported: false }),
  'app.info': async (_input, _ctx, core) => {
    const settings = readSettings(core.db);
    const interpreters = await findInterpreters();
    return {
      version: typeof BENCHTOP_VERSION === 'string' ? BENCHTOP_VERSION : '0.0.0-dev',
      workspace: core.paths.root,
      platform: `${process.platform}-${process.arch}`,
      interpreters: interpreters.map(({ path, version }) => ({ path, version })),
      condaTool: findCondaTool(settings.condaPath)?.path ?? null,
      settings,
    };
  },
  'settings.update': (input, _ctx, core) => writeSettings(core.db, input),
};
