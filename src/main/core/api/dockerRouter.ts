import { imageTagFor } from '../../../shared/api/dockerTypes';
import { dockerfileFor } from '../builds/dockerBackend';
import { readSettings } from '../workspace/settings';
import type { Router } from './router';

export const dockerRouter: Router<'docker.status' | 'docker.images' | 'docker.load' | 'docker.dockerfile'> = {
  'docker.status': (_input, _ctx, core) => core.builds.docker.status(),
  'docker.images': (_input, _ctx, core) => core.builds.docker.images(),
  'docker.load': (input, _ctx, core) => core.builds.docker.load(input),
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
