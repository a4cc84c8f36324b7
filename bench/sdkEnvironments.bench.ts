// Environments from the notebook (the Python SDK installed into a venv with `benchtop sdk install`):
// Environment.list(ws) of a workspace with 100 registered environments (plus the curated ones)
// within 0.3 s, median of BENCH_ROUNDS calls.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openCore } from '../src/main/core/core';
import { benchDir, median, report } from './harness';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'bin', 'benchtop.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const ENVIRONMENTS = 100;

const DRIVER = `
import json, sys, time
from azureml.core import Environment, Workspace

rounds, expected = int(sys.argv[1]), int(sys.argv[2])
ws = Workspace.from_config()
calls = []
for _ in range(rounds):
    started = time.perf_counter()
    envs = Environment.list(ws)
    calls.append(time.perf_counter() - started)
mine = [name for name in envs if name.startswith("bench-env-")]
assert len(mine) == expected, len(mine)
assert envs["bench-env-042"].environment_variables == {"INDEX": "42"}, envs["bench-env-042"].environment_variables
print("RESULTS " + json.dumps({"calls": calls, "listed": len(envs)}))
`;

function main() {
  const work = benchDir('sdk-envs');
  const workspace = path.join(work, 'ws');
  const core = openCore(workspace);
  for (let i = 0; i < ENVIRONMENTS; i++) {
    core.environments.register({
      name: `bench-env-${String(i).padStart(3, '0')}`,
      environmentVariables: { INDEX: String(i) },
      python: { condaDependencies: { dependencies: ['python=3.11', 'numpy', { pip: [`pkg-${i}==1.0`] }] } },
    });
  }
  core.close();

  // A plain venv with the package installed the documented way; the notebook folder's config.json names the workspace.
  const venv = path.join(work, 'venv');
  execFileSync('python3', ['-m', 'venv', venv]);
  const venvPython = path.join(venv, 'bin', 'python');
  const userEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['PYTHONPATH', 'BENCHTOP_NODE', 'BENCHTOP_CLI', 'BENCHTOP_WORKSPACE', 'BENCHTOP_RUN_ID'])
    delete userEnv[name];
  execFileSync(process.execPath, [CLI, 'sdk', 'install', '--python', venvPython], { env: userEnv });
  const notebook = path.join(work, 'notebook');
  fs.mkdirSync(notebook);
  execFileSync(process.execPath, [CLI, '--workspace', workspace, 'workspace', 'config', '-d', notebook], {
    env: userEnv,
  });
  fs.writeFileSync(path.join(notebook, 'driver.py'), DRIVER);

  const ran = spawnSync(venvPython, ['driver.py', String(ROUNDS), String(ENVIRONMENTS)], {
    cwd: notebook,
    env: userEnv,
    encoding: 'utf8',
  });
  const line = ran.stdout.split('\n').find((l) => l.startsWith('RESULTS '));
  if (ran.status !== 0 || !line) throw new Error(`driver failed:\n${ran.stdout}\n${ran.stderr}`);
  const r = JSON.parse(line.slice(8)) as { calls: number[]; listed: number };
  const ms = r.calls.map((v) => Number((v * 1000).toFixed(1)));
  report({
    bench: 'sdk-environment-list-100',
    environments: ENVIRONMENTS,
    listed: r.listed,
    rounds: ROUNDS,
    medianMs: Number(median(ms).toFixed(1)),
    maxMs: Math.max(...ms),
    targetMs: 300,
  });
}

main();
