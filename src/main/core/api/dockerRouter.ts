import { imageTagFor } from '../../../shared/api/dockerTypes';
import { dockerfileFor } from '../builds/dockerBackend';
import { addPoolEngine, listPool, removePoolEngine } from '../docker/enginePool';
import { readSettings } from '../workspace/settings';
import type { Router } from './router';

export const dockerRouter: Router<
  | 'docker.status'
  | 'docker.images'
  | 'docker.load'
  | 'docker.dockerfile'
  | 'docker.pool'
  | 'docker.poolAdd'
  | 'docker.poolRemove'
> = {
  'docker.status': (_input, _ctx, core) => core.builds.docker.status(),
  'docker.images': (_input, _ctx, core) => core.builds.docker.images(),
  'docker.load': (input, _ctx, core) => core.builds.docker.load(input),
  'docker.pool': (_input, _ctx, core) => listPool(core.db),
  'docker.poolAdd': async (input, _ctx, core) => {
    const added = addPoolEngine(core.db, input.url, input.slots);
    return { pool: await listPool(core.db), url: added.url, previousSlots: added.previousSlots };
  },
  'docker.poolRemove': async (input, _ctx, core) => {
    const removed = removePoolEngine(core.db, input.url);
    return { pool: await listPool(core.db), url: removed.url };
  },
  'docker.dockerfile': (input, _ctx, core) => {
    const record = core.environments.get(input.name, input.version);
    const { buildKey } = core.builds.keyFor(record.definition, 'docker');
    const generated = dockerfileFor(
      core.builds.effectiveDefinition(record.definition, 'docker'),
      buildKey,
      `${record.name}:${record.version} (build key ${buildKey})`,
      input.offline ?? readSettings(core.db).offline,
    );
    return {
      dockerfile: generated.dockerfile,
      pythonPath: generated.pythonPath,
      baseImages: generated.baseImages,
      buildKey,
      imageTag: imageTagFor(buildKey),
    };
  },
};
