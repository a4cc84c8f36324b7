// Ruff (Python lint + format) for the runtime, from a pinned copy in a venv under node_modules/.cache,
// so `npm test` needs no global install: `node scripts/ruff.mjs check src` / `... format --check src`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RUFF_VERSION = '0.17.6';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const venv = path.join(root, 'node_modules', '.cache', 'benchtop-ruff');
const ruff = path.join(venv, 'bin', 'ruff');
const python = process.env.BENCHTOP_PYTHON ?? 'python3';

function ensureRuff() {
  const version = existsSync(ruff) ? spawnSync(ruff, ['--version'], { encoding: 'utf8' }).stdout : '';
  if (version.trim() === `ruff ${RUFF_VERSION}`) return;
  console.log(`ruff: installing ruff ${RUFF_VERSION} into ${path.relative(root, venv)}`);
  const steps = [
    [python, ['-m', 'venv', venv]],
    [
      path.join(venv, 'bin', 'python'),
      ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', `ruff==${RUFF_VERSION}`],
    ],
  ];
  for (const [command, args] of steps) {
    const result = spawnSync(command, args, { stdio: 'inherit' });
    if (result.status !== 0) {
      console.error(
        `ruff: '${command} ${args.join(' ')}' failed; install Python 3 with venv and reach the package index.`,
      );
      process.exit(1);
    }
  }
}

ensureRuff();
const result = spawnSync(ruff, process.argv.slice(2), { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
