import { createRequire } from 'node:module';
import type DockerodeClass from 'dockerode';
import type TarFs from 'tar-fs';

const load = createRequire(__filename);
let dockerode: typeof DockerodeClass | null = null;

/**
 * dockerode (with its gRPC and protobuf dependencies) takes ~125 ms to load, and tar-fs ~30 ms:
 * loaded on first use, so the CLI and the run supervisor's fast path do not pay for Docker
 * unless they talk to it.
 */
export function Dockerode(): typeof DockerodeClass {
  dockerode ??= load('dockerode') as typeof DockerodeClass;
  return dockerode;
}

export function tarFs(): typeof TarFs {
  return load('tar-fs') as typeof TarFs;
}
