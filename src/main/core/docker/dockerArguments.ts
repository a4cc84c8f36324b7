import type Docker from 'dockerode';
import { BenchtopError } from '../../../shared/errors';

export interface ContainerResources {
  hostConfig: Docker.HostConfig;
  env: string[];
  /** The `--gpus` value when the environment asks for GPUs. */
  gpus: string | null;
}

const SUPPORTED = '--memory/-m, --memory-swap, --shm-size, --cpus, --gpus, --env/-e, --ipc, --ulimit';

/** "2g", "512m", "64M", "1024k", "1000" (bytes) -> bytes. */
export function parseSize(value: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$/i.exec(value.trim());
  if (!match) throw new BenchtopError('BAD_INPUT', `${what}: "${value}" is not a size.`, 'Write it like 512m or 2g.');
  const scale = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[(match[2] ?? '').toLowerCase()] ?? 1;
  return Math.round(Number(match[1]) * scale);
}

/**
 * The environment's docker section as container settings: `shmSize` and the `docker run`
 * arguments Azure ML v1 passes through (`docker.arguments`). Anything else is refused by
 * name rather than ignored, so a run never silently gets less than it asked for.
 */
export function containerResources(docker: { arguments?: string[]; shmSize?: unknown }): ContainerResources {
  const hostConfig: Docker.HostConfig = {};
  const env: string[] = [];
  let gpus: string | null = null;
  if (typeof docker.shmSize === 'string' && docker.shmSize.trim())
    hostConfig.ShmSize = parseSize(docker.shmSize, 'docker.shmSize');
  const args = docker.arguments ?? [];
  for (let i = 0; i < args.length; i++) {
    const raw = args[i] as string;
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : null;
    const value = (): string => {
      if (inline !== null) return inline;
      const next = args[++i];
      if (next === undefined)
        throw new BenchtopError(
          'BAD_INPUT',
          `docker.arguments: ${flag} needs a value.`,
          `Give it as "${flag}=VALUE" or as the next item.`,
        );
      return next;
    };
    switch (flag) {
      case '--memory':
      case '-m':
        hostConfig.Memory = parseSize(value(), flag);
        break;
      case '--memory-swap': {
        const v = value();
        hostConfig.MemorySwap = v === '-1' ? -1 : parseSize(v, flag);
        break;
      }
      case '--shm-size':
        hostConfig.ShmSize = parseSize(value(), flag);
        break;
      case '--cpus': {
        const cpus = Number(value());
        if (!(cpus > 0))
          throw new BenchtopError(
            'BAD_INPUT',
            `docker.arguments: --cpus wants a positive number.`,
            'For example --cpus 2 or --cpus 0.5.',
          );
        hostConfig.NanoCpus = Math.round(cpus * 1e9);
        break;
      }
      case '--gpus':
        gpus = value();
        break;
      case '--env':
      case '-e':
        env.push(value());
        break;
      case '--ipc':
        hostConfig.IpcMode = value();
        break;
      case '--ulimit': {
        const [name, limits] = value().split('=');
        const [soft, hard] = (limits ?? '').split(':').map(Number);
        if (!name || !Number.isFinite(soft))
          throw new BenchtopError(
            'BAD_INPUT',
            `docker.arguments: --ulimit wants NAME=SOFT[:HARD].`,
            'For example --ulimit memlock=-1:-1.',
          );
        hostConfig.Ulimits = [
          ...(hostConfig.Ulimits ?? []),
          { Name: name, Soft: soft as number, Hard: Number.isFinite(hard) ? (hard as number) : (soft as number) },
        ];
        break;
      }
      default:
        throw new BenchtopError(
          'BAD_INPUT',
          `docker.arguments: "${raw}" is not supported for Benchtop's containers.`,
          `Supported: ${SUPPORTED}.`,
        );
    }
  }
  return { hostConfig, env, gpus };
}

/** The engine's DeviceRequests for a `--gpus` value ("all", a count, or "device=0,1"). */
export function gpuRequest(gpus: string): Docker.DeviceRequest {
  const devices = /^"?device=([^"]+)"?$/.exec(gpus.trim());
  if (devices) return { Driver: 'nvidia', DeviceIDs: (devices[1] as string).split(','), Capabilities: [['gpu']] };
  return { Driver: 'nvidia', Count: gpus.trim() === 'all' ? -1 : Number(gpus), Capabilities: [['gpu']] };
}

export function noGpuRuntime(url: string, gpus: string): BenchtopError {
  return new BenchtopError(
    'BAD_INPUT',
    `The environment asks for GPUs (--gpus ${gpus}) but the Docker engine at ${url} has no NVIDIA runtime.`,
    'Install the NVIDIA Container Toolkit there (then `nvidia-ctk runtime configure --runtime=docker` and restart Docker), or point Benchtop at an engine on a GPU machine (Settings -> Docker engine).',
  );
}

/**
 * What every Benchtop container gets from its environment: the resources above, docker-init as
 * PID 1 (signals reach Python), a GPU request when asked and the engine can serve it, and the
 * host user (files written through bind mounts stay the user's; none on a remote engine).
 */
export async function containerBase(
  docker: { arguments?: string[]; shmSize?: unknown },
  engine: { url: string; local: boolean; runtimes: () => Promise<string[]> },
): Promise<{ hostConfig: Docker.HostConfig; env: string[]; user: string | undefined }> {
  const resources = containerResources(docker);
  const hostConfig: Docker.HostConfig = { ...resources.hostConfig, Init: true };
  if (resources.gpus) {
    if (!(await engine.runtimes()).includes('nvidia')) throw noGpuRuntime(engine.url, resources.gpus);
    hostConfig.DeviceRequests = [gpuRequest(resources.gpus)];
  }
  const user =
    engine.local && typeof process.getuid === 'function' ? `${process.getuid()}:${process.getgid?.() ?? 0}` : undefined;
  return { hostConfig, env: resources.env, user };
}

/** Rewrites a host folder to where it is inside a container, in every value that names it. */
export function remapPath(value: string, from: string, to: string): string {
  return value.split(from).join(to);
}
