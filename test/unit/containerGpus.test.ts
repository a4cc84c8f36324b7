import { describe, expect, it } from 'vitest';
import { type ContainerRunSpec, runContainerOptions } from '../../src/main/core/docker/containerRun';
import { explainGpuFailure, gpuOverrideNote } from '../../src/main/core/docker/gpuRequests';
import { BenchtopError } from '../../src/shared/errors';

const spec = (gpus: number[] | null | undefined, dockerArguments: string[] = []): ContainerRunSpec => ({
  image: 'benchtop/env:k',
  python: '/usr/bin/python3',
  script: 'train.py',
  args: ['--lr', '0.1'],
  runId: 'exp_1_ab',
  workspace: '/ws',
  runDir: '/ws/runs/exp_1_ab',
  runtimeDir: '/opt/runtime',
  env: { BENCHTOP_RUN_ID: 'exp_1_ab', BENCHTOP_RUN_EVENTS: '/ws/runs/exp_1_ab/events.jsonl' },
  docker: { arguments: dockerArguments },
  size: { cols: 120, rows: 30 },
  gpus,
});
const remoteEngine = (runtimes: string[]) => ({
  url: 'tcp://10.0.0.5:2375',
  local: false,
  runtimes: () => Promise.resolve(runtimes),
});

describe("a run container's GPU device requests", () => {
  it('asks the engine for exactly the GPU the queue gave (DeviceIDs ["1"]), with no CUDA_VISIBLE_DEVICES inside', async () => {
    const options = await runContainerOptions(spec([1]), remoteEngine(['runc']));
    expect(options.HostConfig?.DeviceRequests).toEqual([
      { Driver: 'nvidia', DeviceIDs: ['1'], Capabilities: [['gpu']] },
    ]);
    // Inside, the one GPU is device 0: a host index in CUDA_VISIBLE_DEVICES would hide it.
    expect(options.Env?.some((e) => e.startsWith('CUDA_VISIBLE_DEVICES='))).toBe(false);
    // A remote engine gets the run's folder at /benchtop/run (copied in and out), as for any remote run.
    expect(options.WorkingDir).toBe('/benchtop/run/work');
    expect(options.Env).toContain('BENCHTOP_RUN_EVENTS=/benchtop/run/events.jsonl');
  });

  it('asks for no GPU when the queue gave none (null, [] or absent)', async () => {
    for (const gpus of [null, [], undefined]) {
      const options = await runContainerOptions(spec(gpus), remoteEngine(['runc']));
      expect(options.HostConfig?.DeviceRequests).toBeUndefined();
    }
  });

  it("the queue's GPUs replace the environment's --gpus all; without an assignment the environment's request stands", async () => {
    const assigned = await runContainerOptions(spec([0, 2], ['--gpus', 'all']), remoteEngine(['nvidia', 'runc']));
    expect(assigned.HostConfig?.DeviceRequests).toEqual([
      { Driver: 'nvidia', DeviceIDs: ['0', '2'], Capabilities: [['gpu']] },
    ]);
    // [] is the queue's "no GPU for this run" on a GPU machine: the environment's request would take them all.
    const none = await runContainerOptions(spec([], ['--gpus', 'all']), remoteEngine(['nvidia', 'runc']));
    expect(none.HostConfig?.DeviceRequests).toBeUndefined();
    const unassigned = await runContainerOptions(spec(null, ['--gpus', 'all']), remoteEngine(['nvidia', 'runc']));
    expect(unassigned.HostConfig?.DeviceRequests).toEqual([{ Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] }]);
    expect(gpuOverrideNote(['--gpus', 'all'], [0, 2])).toBe(
      'The environment asks for --gpus all; the queue gave this run GPU 0, 2 (each GPU goes to one run at a time).',
    );
    expect(gpuOverrideNote(['--gpus=2'], [])).toBe(
      'The environment asks for --gpus 2; the queue gave this run no GPU (submit with --gpus N to get some).',
    );
    expect(gpuOverrideNote(['--gpus', 'all'], null)).toBeNull();
    expect(gpuOverrideNote(['--shm-size', '1g'], [1])).toBeNull();
  });

  it("turns the engine's missing-driver refusal into the fix, and leaves other errors alone", () => {
    const refusal = Object.assign(new Error('(HTTP code 500) server error'), {
      json: { message: 'could not select device driver "nvidia" with capabilities: [[gpu]]' },
    });
    const explained = explainGpuFailure(refusal, 'tcp://10.0.0.5:2375', [1]) as BenchtopError;
    expect(explained).toBeInstanceOf(BenchtopError);
    expect(explained.message).toBe(
      'The run was given GPU 1 but the Docker engine at tcp://10.0.0.5:2375 cannot pass GPUs into containers: could not select device driver "nvidia" with capabilities: [[gpu]]',
    );
    expect(explained.hint).toContain('Install the NVIDIA Container Toolkit');
    expect(explainGpuFailure(refusal, 'tcp://10.0.0.5:2375', [])).toBe(refusal);
    const other = new Error('no such image');
    expect(explainGpuFailure(other, 'tcp://10.0.0.5:2375', [1])).toBe(other);
  });
});
