// `npm test`: prepare the machine (scripts/prepare-test-machine.mjs), build, typecheck, lint,
// format checks, then every suite (unit, integration with real Python/pty/SQLite/Docker,
// end-to-end in Chromium) in a run folder of their own, and remove what they left
// (scripts/test-cleanup.mjs), also after a failure or Ctrl-C. Ends with one summary line.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareTestMachine } from './prepare-test-machine.mjs';
import { cleanupTestRun, runEnvironment, snapshotTestRun } from './test-cleanup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, 'test-results', 'reports');
mkdirSync(reports, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

// Ctrl-C (or a TERM) stops the step that runs, skips the rest, and still cleans up.
let interrupted = null;
let current = null;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (!interrupted) console.log(`\ntest: ${signal}: stopping, then cleaning up`);
    interrupted ??= signal;
    current?.kill(signal);
  });
}

function step(title, command, args, env = {}) {
  if (interrupted) return Promise.resolve(false);
  console.log(`\n=== ${title} ===`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    current = child;
    child.on('error', (err) => {
      console.log(`test: ${title}: ${err.message}`);
      current = null;
      resolve(false);
    });
    child.on('exit', (code) => {
      current = null;
      resolve(code === 0);
    });
  });
}

const vitestJson = path.join(reports, 'vitest.json');
const playwrightJson = path.join(reports, 'playwright.json');
rmSync(vitestJson, { force: true });
rmSync(playwrightJson, { force: true });

let ok = true;
let machine = null;
let run = null;
try {
  console.log('=== prepare the machine ===');
  machine = await prepareTestMachine({ interrupted: () => Boolean(interrupted) });
  run = await snapshotTestRun();
  const suiteEnv = runEnvironment(run);
  ok = (await step('build', process.execPath, [path.join(root, 'scripts', 'build.mjs')])) && ok;
  ok = (await step('typecheck', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit'])) && ok;
  ok = (await step('typecheck (web)', bin('tsc'), ['-p', 'tsconfig.web.json', '--noEmit'])) && ok;
  ok = (await step('lint', bin('eslint'), ['src', 'test', 'bench', 'scripts'])) && ok;
  ok = (await step('format (Prettier)', bin('prettier'), ['--check', '--log-level', 'warn', '.'])) && ok;
  ok =
    (await step('Python lint + format (Ruff)', process.execPath, [
      path.join(root, 'scripts', 'ruff.mjs'),
      'check',
      '.',
    ])) && ok;
  ok =
    (await step('Python format (Ruff)', process.execPath, [
      path.join(root, 'scripts', 'ruff.mjs'),
      'format',
      '--check',
      '.',
    ])) && ok;
  ok =
    (await step(
      'unit + integration tests',
      bin('vitest'),
      ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`],
      suiteEnv,
    )) && ok;
  ok =
    (await step('end-to-end tests (Chromium)', bin('playwright'), ['test', '--reporter=list,json'], {
      ...suiteEnv,
      PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
    })) && ok;
} catch (err) {
  console.log(`test: ${err.stack ?? err}`);
  ok = false;
} finally {
  console.log('\n=== clean up ===');
  await cleanupTestRun(run).catch((err) => console.log(`cleanup: ${err.message}`));
  await machine?.stop().catch((err) => console.log(`prepare: stopping dockerd: ${err.message}`));
}

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += v.numPassedTests ?? 0;
  failed += v.numFailedTests ?? 0;
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
}
if (existsSync(playwrightJson)) {
  const p = JSON.parse(readFileSync(playwrightJson, 'utf8'));
  passed += p.stats?.expected ?? 0;
  failed += (p.stats?.unexpected ?? 0) + (p.stats?.flaky ?? 0);
  skipped += p.stats?.skipped ?? 0;
}
if (!ok && failed === 0) failed = 1; // a build, typecheck or lint step failed
console.log(
  `\n${passed} passed, ${failed} failed, ${skipped} skipped${interrupted ? ` (interrupted: ${interrupted})` : ''}`,
);
process.exit(interrupted ? 130 : ok ? 0 : 1);
