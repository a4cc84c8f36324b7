import type Docker from 'dockerode';
import { BenchtopError } from '../../../shared/errors';

/**
 * Docker's device request for exactly the GPUs the queue gave a run (what `--gpus '"device=0,1"'` sends): the
 * container sees only those, renumbered from 0, so CUDA_VISIBLE_DEVICES is not set inside it.
 */
export function assignedGpuRequest(gpus: number[]): Docker.DeviceRequest {
  return { Driver: 'nvidia', DeviceIDs: gpus.map(String), Capabilities: [['gpu']] };
}

/**
 * The queue's GPUs replace whatever the environment's `--gpus` asked: the queue gives each GPU to one run at a
 * time, so a run never takes GPUs another run was given. [] (none given on a machine with GPUs): no GPU at all.
 * null (the queue counts no GPUs for this run: a machine without any, or a pool engine elsewhere): the
 * environment's own request, if any, stands.
 */
export function applyAssignedGpus(hostConfig: Docker.HostConfig, gpus: number[] | null | undefined): void {
  if (!gpus) return;
  if (gpus.length === 0) delete hostConfig.DeviceRequests;
  else hostConfig.DeviceRequests = [assignedGpuRequest(gpus)];
}

/** What the run's log says when the queue's GPUs override the environment's `--gpus` (null: nothing to say). */
export function gpuOverrideNote(
  dockerArguments: string[] | undefined,
  gpus: number[] | null | undefined,
): string | null {
  const at = (dockerArguments ?? []).findIndex((a) => a === '--gpus' || a.startsWith('--gpus='));
  if (at < 0 || !gpus) return null;
  const asked = dockerArguments?.[at]?.includes('=')
    ? dockerArguments[at].split('=').slice(1).join('=')
    : dockerArguments?.[at + 1];
  return gpus.length
    ? `The environment asks for --gpus ${asked}; the queue gave this run GPU ${gpus.join(', ')} (each GPU goes to one run at a time).`
    : `The environment asks for --gpus ${asked}; the queue gave this run no GPU (submit with --gpus N to get some).`;
}

/**
 * The engine's refusal of a GPU request, in words that say what to install. Docker registers its "nvidia" device
 * driver only where the NVIDIA Container Toolkit is installed, and says "could not select device driver" otherwise.
 */
export function explainGpuFailure(err: unknown, url: string, gpus: number[] | null | undefined): unknown {
  const message = (err as { json?: { message?: string }; message?: string }).json?.message ?? String(err);
  if (!gpus?.length || !/could not select device driver|nvidia-container-cli|unknown or invalid runtime/i.test(message))
    return err;
  return new BenchtopError(
    'ENGINE_UNAVAILABLE',
    `The run was given GPU ${gpus.join(', ')} but the Docker engine at ${url} cannot pass GPUs into containers: ${message.trim()}`,
    'Install the NVIDIA Container Toolkit on that machine (then `nvidia-ctk runtime configure --runtime=docker` and restart Docker), or submit with --gpus 0.',
  );
}
