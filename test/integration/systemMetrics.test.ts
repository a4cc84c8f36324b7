import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core/core';
import { writeSettings } from '../../src/main/core/workspace/settings';
import { MlflowContext } from '../../src/main/core/mlflow/context';
import { metricHistory } from '../../src/main/core/mlflow/runHandlers';
import { BASE_IMAGE, dockerReady } from '../helpers/docker';
import { workspaceWithMinimal } from '../helpers/minimalWorkspace';
import { tempDir, waitUntil } from '../helpers/workspace';

let core: Core;

// Burns one core for ~3 s while holding 200 MB it has written to (resident, not just reserved).
const BURN = [
  'import time',
  'from azureml.core import Run',
  'run = Run.get_context()',
  'block = bytearray(200 * 1000 * 1000)',
  'for i in range(0, len(block), 4096):',
  '    block[i] = 1',
  'end = time.time() + 3',
  'n = 0',
  'while time.time() < end:',
  '    n += 1',
  'run.log("loss", 0.5)',
  'print("done", len(block), n > 0)',
].join('\n');

function source(script: string): string {
  const dir = tempDir('bt-sysm-src-');
  fs.writeFileSync(path.join(dir, 'burn.py'), script);
  return dir;
}

async function finished(runId: string) {
  await waitUntil(() => ['Completed', 'Failed', 'Canceled'].includes(core.runs.get(runId).status), 120_000);
  return core.runs.get(runId);
}

const values = (metrics: ReturnType<Core['runs']['metrics']>, name: string) =>
  (metrics.scalars[name] ?? []).map((p) => p.value as number);

beforeAll(async () => {
  ({ core } = await workspaceWithMinimal('bt-sysm-'));
  // One sample a second: the 3 s script gets several (the default is 5 s).
  writeSettings(core.db, { systemMetricsIntervalS: 1 });
}, 120_000);
afterAll(() => core?.close());

describe('system metrics', () => {
  it('a process run records its tree CPU % and memory as system/... metrics, apart from its own', async () => {
    const run = core.runs.submit({ sourceDirectory: source(BURN), script: 'burn.py' });
    const done = await finished(run.id);
    expect(done.status, done.reason ?? '').toBe('Completed');
    const metrics = core.runs.metrics(run.id);
    const cpu = values(metrics, 'system/cpu_utilization_percentage');
    const memory = values(metrics, 'system/system_memory_usage_megabytes');
    expect(cpu.length).toBeGreaterThanOrEqual(2);
    // Percent of one core (top's and docker stats' scale): the busy loop has most of a core even on a loaded machine.
    expect(Math.max(...cpu)).toBeGreaterThan(20);
    expect(Math.max(...memory)).toBeGreaterThan(200);
    // Steps count samples, as MLflow's monitor does.
    const steps = metrics.scalars['system/cpu_utilization_percentage']?.map((p) => p.step) ?? [];
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(new Set(steps).size).toBe(steps.length);
    // The run list's summary keeps to the script's metrics.
    expect(Object.keys(done.metrics)).toEqual(['loss']);
    // The GPU is sampled only where nvidia-smi answers (none on this machine: no gpu_ names, nothing made up).
    const gpuNames = Object.keys(metrics.scalars).filter((n) => n.startsWith('system/gpu_'));
    if (!hasNvidiaSmi()) expect(gpuNames).toEqual([]);
    else expect(gpuNames).toContain('system/gpu_0_utilization_percentage');
    // MLflow's get-history returns them like any metric (MLflow clients see the same names and values).
    const mlflow = new MlflowContext(core.db, core.paths, null, () => undefined);
    const history = metricHistory(mlflow, { run_id: run.id, metric_key: 'system/cpu_utilization_percentage' }) as {
      metrics: { key: string; value: number; step: number }[];
    };
    expect(history.metrics.map((m) => m.value)).toEqual(cpu);
    expect(history.metrics[0]?.key).toBe('system/cpu_utilization_percentage');
    // The SDK's get_metrics() keeps Azure's shape (no system/ names) unless one is asked for by name.
    const read = (name: string) =>
      execFileSync(
        'python3',
        [
          '-c',
          `import json, sys; from benchtop import _metrics; print(json.dumps(_metrics.metrics_from_events(sys.argv[1], ${name})))`,
          path.join(core.paths.runDir(run.id), 'events.jsonl'),
        ],
        { env: { ...process.env, PYTHONPATH: path.resolve('src/runtime') }, encoding: 'utf8' },
      );
    expect(Object.keys(JSON.parse(read('None')) as object)).toEqual(['loss']);
    expect(JSON.parse(read('"system/cpu_utilization_percentage"'))).toEqual({
      'system/cpu_utilization_percentage': cpu,
    });
  }, 90_000);

  it('a container run records CPU % and memory from the engine stats', async (ctx) => {
    if (!(await dockerReady())) return ctx.skip();
    const env = core.environments.register({
      name: 'sysm-box',
      docker: { baseImage: BASE_IMAGE, arguments: [] },
      python: { userManagedDependencies: true, interpreterPath: '/usr/bin/python3' },
    });
    const run = core.runs.submit({
      sourceDirectory: source(BURN),
      script: 'burn.py',
      environment: `${env.environment.name}:${env.environment.version}`,
      target: 'docker',
    });
    const done = await finished(run.id);
    expect(done.status, done.reason ?? '').toBe('Completed');
    const metrics = core.runs.metrics(run.id);
    expect(Math.max(...values(metrics, 'system/cpu_utilization_percentage'))).toBeGreaterThan(20);
    expect(Math.max(...values(metrics, 'system/system_memory_usage_megabytes'))).toBeGreaterThan(200);
  }, 120_000);
});

function hasNvidiaSmi(): boolean {
  try {
    execFileSync('nvidia-smi', ['-L'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
