import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, openCore } from '../../src/main/core/core';
import { BASE_IMAGE, dockerReady } from '../helpers/docker';
import { MLFLOW_VERSION } from '../helpers/mlflowVenv';
import { mlflowWheels } from '../helpers/mlflowWheels';
import { requireComponent, runCli, tempDir } from '../helpers/workspace';

/**
 * MLflow in a container run: the real mlflow client (installed into the environment's image from
 * the workspace's private wheels, offline) logs from a script on the local Docker engine, through
 * the forwarder sitecustomize.py starts in the container and the run's Unix socket, into the same
 * run: `run metrics --json` shows what it logged.
 */

let ready = false;
let wheels: string[] | null = null;
let workspace: string;
let core: Core;
const cli = (args: string[]) => runCli(args, { workspace, timeoutMs: 600_000 });

beforeAll(async () => {
  ready = await dockerReady();
  if (!ready) return;
  wheels = await mlflowWheels();
  requireComponent('mlflow-skinny wheels from the package index (test/helpers/mlflowWheels.ts)', wheels !== null);
  workspace = tempDir('bt-mlflow-docker-');
  core = openCore(workspace);
}, 900_000);

afterAll(() => core?.close());

describe('MLflow tracking in a container run', () => {
  it('a script in a container logs with the real mlflow client into its Benchtop run', async (ctx) => {
    if (!ready || !wheels) return ctx.skip();
    for (const wheel of wheels) core.wheels.add(wheel);
    core.environments.register({
      name: 'mlflow-box',
      docker: { baseImage: BASE_IMAGE, arguments: [] },
      python: {
        userManagedDependencies: false,
        interpreterPath: 'python',
        condaDependencies: { dependencies: ['python=3.11', { pip: [`mlflow-skinny==${MLFLOW_VERSION}`] }] },
      },
    });
    const built = await cli(['env', 'build', '-n', 'mlflow-box', '--backend', 'docker', '--offline']);
    expect(built.code, built.stdout + built.stderr).toBe(0);

    const source = tempDir('bt-mlflow-docker-src-');
    fs.writeFileSync(
      path.join(source, 'train.py'),
      `
import os, mlflow
from mlflow.entities import Metric
uri = os.environ["MLFLOW_TRACKING_URI"]
assert uri.startswith("http://127.0.0.1:"), uri
with mlflow.start_run() as run:
    assert run.info.run_id == os.environ["BENCHTOP_RUN_ID"], (run.info.run_id, os.environ["BENCHTOP_RUN_ID"])
    mlflow.log_param("depth", 4)
    for step in range(5):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    mlflow.log_metrics({"acc": 0.9, "f1": 0.8})
    mlflow.set_tag("where", "container")
    client = mlflow.MlflowClient()
    client.log_batch(run.info.run_id, metrics=[Metric("batched", float(i), 0, i) for i in range(100)])
print("logged from", uri)
`,
    );
    const submitted = await cli([
      '--json',
      'run',
      'submit',
      '-d',
      source,
      '-s',
      'train.py',
      '-e',
      'mlflow-box',
      '--target',
      'docker',
      '--wait',
    ]);
    const run = JSON.parse(submitted.stdout) as { id: string; status: string };
    const log = await cli(['run', 'logs', run.id]);
    expect(run.status, log.stdout).toBe('Completed');
    expect(log.stdout).toMatch(/logged from http:\/\/127\.0\.0\.1:\d+/);
    const metrics = JSON.parse((await cli(['--json', 'run', 'metrics', run.id])).stdout) as {
      scalars: Record<string, { value: number }[]>;
    };
    expect(metrics.scalars.loss?.map((p) => p.value)).toEqual([1, 0.5, 1 / 3, 0.25, 0.2]);
    expect(metrics.scalars.acc?.[0]?.value).toBe(0.9);
    expect(metrics.scalars.batched).toHaveLength(100);
    const shown = JSON.parse((await cli(['--json', 'run', 'show', run.id])).stdout) as { tags: Record<string, string> };
    expect(shown.tags.where).toBe('container');
    // The socket lives only as long as the run.
    expect(fs.existsSync(path.join(workspace, 'runs', run.id, 'mlflow.sock'))).toBe(false);
  }, 900_000);
});
