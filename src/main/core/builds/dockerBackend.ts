import { BenchtopError } from '../../../shared/errors';
import type { BuildBackend, BuildOutcome } from './backend';

/** The seam for Docker images (built with dockerode in the Docker issue). */
export class DockerBackend implements BuildBackend {
  readonly name = 'docker' as const;
  readonly createsPrefix = false;

  build(): Promise<BuildOutcome> {
    return Promise.reject(
      new BenchtopError('UNSUPPORTED', 'Docker image builds are not available in this version of Benchtop yet.', 'Build with --backend venv or --backend conda for now.'),
    );
  }
}
