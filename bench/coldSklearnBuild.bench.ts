// A cold venv build of Benchtop-SKLearn vs the same `python -m venv` + `pip install`
// run by hand, side by side (target: Benchtop <= 1.1x). With uv available, the same
// pair with uv, and uv's ratio against pip.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { matchInterpreter, which } from '../src/main/core/python/interpreters';
import { benchDir, median, report } from './harness';

const PACKAGES = ['numpy', 'scipy', 'scikit-learn', 'pandas', 'joblib', 'matplotlib'];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CLI = path.resolve(__dirname, '..', 'bin', 'benchtop.js');
const quiet = { stdio: 'ignore' as const, env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } };

/** Flush the previous run's 300 MB of dirty pages so they don't slow the next one down. */
function settle(): void {
  spawnSync('sync');
}

function byHand(python: string, dir: string, uv: string | null): number {
  fs.rmSync(dir, { recursive: true, force: true });
  settle();
  const start = Date.now();
  if (uv) {
    execFileSync(uv, ['venv', '--python', python, dir], quiet);
    execFileSync(uv, ['pip', 'install', '--python', path.join(dir, 'bin', 'python'), ...PACKAGES], quiet);
  } else {
    execFileSync(python, ['-m', 'venv', dir], quiet);
    execFileSync(path.join(dir, 'bin', 'python'), ['-m', 'pip', 'install', ...PACKAGES], quiet);
  }
  return (Date.now() - start) / 1000;
}

function withBenchtop(workspace: string, uvDir: string | null): number {
  fs.rmSync(workspace, { recursive: true, force: true });
  // Installer "auto" picks uv exactly when uv is on PATH.
  settle();
  const env = {
    ...process.env,
    PATH: uvDir
      ? `${uvDir}${path.delimiter}${process.env.PATH}`
      : (process.env.PATH ?? '')
          .split(path.delimiter)
          .filter((d) => !fs.existsSync(path.join(d, 'uv')))
          .join(path.delimiter),
  };
  const start = Date.now();
  const result = spawnSync(
    process.execPath,
    [CLI, '--workspace', workspace, 'env', 'build', '-n', 'Benchtop-SKLearn', '--backend', 'venv'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const seconds = (Date.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`benchtop build failed:\n${result.stdout}\n${result.stderr}`);
  const installer = /installer: (\w+)/.exec(result.stdout.toString())?.[1];
  if (installer !== (uvDir ? 'uv' : 'pip'))
    throw new Error(`expected installer ${uvDir ? 'uv' : 'pip'}, Benchtop used ${installer}`);
  return seconds;
}

/** Runs both sides ROUNDS times, alternating which goes first so neither always runs on a machine warmed (or dirtied) by the other. */
function alternate(a: () => void, b: () => void): void {
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2 === 0) {
      a();
      b();
    } else {
      b();
      a();
    }
  }
}

async function main() {
  const python = (await matchInterpreter(null, true)).path;
  const work = benchDir('sklearn');
  const handDir = path.join(work, 'hand');
  const ws = path.join(work, 'ws');
  // Warm pip's cache once so both sides download nothing: the comparison is of the tools, not the network.
  byHand(python, handDir, null);
  const hand: number[] = [];
  const bt: number[] = [];
  alternate(
    () => hand.push(byHand(python, handDir, null)),
    () => bt.push(withBenchtop(ws, null)),
  );
  report({
    bench: 'cold-sklearn-venv-pip',
    rounds: ROUNDS,
    python,
    handMedianS: median(hand),
    benchtopMedianS: median(bt),
    ratio: median(bt) / median(hand),
    target: 1.1,
    hand,
    benchtop: bt,
  });

  const uv = process.env.BENCH_UV ?? which('uv');
  if (!uv) {
    report({ bench: 'cold-sklearn-venv-uv', skipped: 'uv not found (set BENCH_UV)' });
    return;
  }
  const uvDir = path.join(work, 'uv-bin');
  fs.mkdirSync(uvDir, { recursive: true });
  fs.copyFileSync(uv, path.join(uvDir, 'uv'));
  fs.chmodSync(path.join(uvDir, 'uv'), 0o755);
  byHand(python, handDir, uv); // warm uv's cache
  const handUv: number[] = [];
  const btUv: number[] = [];
  alternate(
    () => handUv.push(byHand(python, handDir, uv)),
    () => btUv.push(withBenchtop(ws, uvDir)),
  );
  report({
    bench: 'cold-sklearn-venv-uv',
    rounds: ROUNDS,
    handMedianS: median(handUv),
    benchtopMedianS: median(btUv),
    ratio: median(btUv) / median(handUv),
    uvVsPipByHand: median(handUv) / median(hand),
    benchtopUvVsBenchtopPip: median(btUv) / median(bt),
    hand: handUv,
    benchtop: btUv,
  });
}

void main();
