import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrackingServer, type TrackingServer } from '../../src/main/core/mlflow/trackingServer';
import { RunStore } from '../../src/main/core/runs/runStore';
import { type Db, openDatabase } from '../../src/main/core/workspace/database';
import { WorkspacePaths } from '../../src/main/core/workspace/paths';
import { median } from '../../bench/harness';
import { mlflowPython } from '../helpers/mlflowVenv';
import { exec } from '../helpers/sdkVenv';
import { ROOT, requireComponent, tempDir } from '../helpers/workspace';

/**
 * sitecustomize.py's MLflow forwarder without Docker: the real mlflow client in a Python that has
 * BENCHTOP_MLFLOW_SOCKET (as a container run's script does) reaches the tracking server on a Unix
 * socket, here behind a run-folder path too long for a socket address (the forwarder's /proc/self/fd
 * way). And what it costs a Python that never logs with MLflow.
 */

const RUNTIME = path.join(ROOT, 'src', 'runtime');
const TOKEN = 'forwarder-test-token-0123456789abcdef';
let mlflow: string | null = null;
let root = '';
let db: Db;
let tracking: TrackingServer;
let socketPath = '';

beforeAll(async () => {
  mlflow = await mlflowPython();
  requireComponent('The mlflow client from the package index (test/helpers/mlflowVenv.ts)', mlflow !== null);
  root = tempDir('bt-mlflow-fwd-');
  const paths = new WorkspacePaths(path.join(root, 'ws'));
  db = openDatabase(paths.database);
  tracking = createTrackingServer({ db, paths, tokens: new Set([TOKEN]), runId: null, log: () => undefined });
  const short = path.join(root, 's.sock');
  await new Promise<void>((resolve) => tracking.server.listen(short, resolve));
  // A run folder whose socket path is past the ~107 bytes a socket address holds: the name is a link to it.
  const runDir = path.join(root, 'runs', `Experiment_${'x'.repeat(120)}`);
  fs.mkdirSync(runDir, { recursive: true });
  socketPath = path.join(runDir, 'mlflow.sock');
  fs.symlinkSync(short, socketPath);
}, 900_000);

afterAll(async () => {
  await tracking?.close();
  db?.close();
});

describe("sitecustomize's MLflow forwarder", () => {
  it('carries the real client from 127.0.0.1 in the script to the run socket, keeping the URI path', async (ctx) => {
    if (!mlflow) return ctx.skip();
    expect(Buffer.byteLength(socketPath)).toBeGreaterThan(107);
    const result = await exec(
      mlflow,
      [
        '-c',
        `
import json, os, mlflow
uri = os.environ["MLFLOW_TRACKING_URI"]
with mlflow.start_run() as run:
    for step in range(50):
        mlflow.log_metric("loss", step * 0.5, step=step)
    mlflow.log_param("kind", "forwarded")
print(json.dumps({"uri": uri, "run": run.info.run_id}))
`,
      ],
      {
        env: {
          ...process.env,
          PYTHONPATH: RUNTIME,
          BENCHTOP_MLFLOW_SOCKET: socketPath,
          // The host's URI (its port means nothing in a container); the forwarder keeps its path.
          MLFLOW_TRACKING_URI: `http://127.0.0.1:9/${TOKEN}`,
        },
        timeoutMs: 120_000,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout.trim().split('\n').pop() as string) as { uri: string; run: string };
    expect(answer.uri).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${TOKEN}$`));
    expect(answer.uri).not.toContain(':9/');
    expect(new RunStore(db).get(answer.run)?.status).toBe('Completed');
    const events = fs.readFileSync(path.join(root, 'ws', 'runs', answer.run, 'events.jsonl'), 'utf8');
    expect(events.match(/"loss"/g)).toHaveLength(50);
  }, 120_000);

  it('adds under a millisecond to the start-up of a Python that never uses MLflow', async () => {
    const python = process.env.BENCHTOP_TEST_PYTHON ?? 'python3';
    // Python's own clock for sitecustomize (its import runs the forwarder's set-up): wall time on two busy
    // cores varies by tens of ms, this by tenths.
    const sitecustomizeUs = async (env: NodeJS.ProcessEnv) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const run = await exec(python, ['-X', 'importtime', '-c', 'pass'], {
          env: { ...process.env, PYTHONPATH: RUNTIME, BENCHTOP_MLFLOW_SOCKET: '', ...env },
        });
        expect(run.code, run.stderr).toBe(0);
        const line = /import time:\s+\d+ \|\s+(\d+) \|\s+sitecustomize$/m.exec(run.stderr);
        expect(line, run.stderr).not.toBeNull();
        times.push(Number(line?.[1]));
      }
      return median(times);
    };
    const plain = await sitecustomizeUs({});
    const forwarding = await sitecustomizeUs({ BENCHTOP_MLFLOW_SOCKET: socketPath, MLFLOW_TRACKING_URI: 'http://x:1' });
    console.log(
      `sitecustomize: ${(plain / 1000).toFixed(2)} ms plain, ${(forwarding / 1000).toFixed(2)} ms with the forwarder`,
    );
    expect(forwarding - plain).toBeLessThan(3_000);
  }, 120_000);
});
