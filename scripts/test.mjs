// `npm test`: build, typecheck, lint, then every suite (unit, integration with
// real Python/pty/SQLite, end-to-end in Chromium). Ends with one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, 'test-results', 'reports');
mkdirSync(reports, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function step(title, command, args, env = {}) {
  console.log(`\n=== ${title} ===`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

let ok = true;
ok = step('build', process.execPath, [path.join(root, 'scripts', 'build.mjs')]) && ok;
ok = step('typecheck', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit']) && ok;
ok = step('typecheck (web)', bin('tsc'), ['-p', 'tsconfig.web.json', '--noEmit']) && ok;
ok = step('lint', bin('eslint'), ['src', 'test', 'bench', 'scripts']) && ok;
ok = step('format (Prettier)', bin('prettier'), ['--check', '--log-level', 'warn', '.']) && ok;
ok =
  step('Python lint + format (Ruff)', process.execPath, [path.join(root, 'scripts', 'ruff.mjs'), 'check', '.']) && ok;
ok =
  step('Python format (Ruff)', process.execPath, [path.join(root, 'scripts', 'ruff.mjs'), 'format', '--check', '.']) &&
  ok;
const vitestJson = path.join(reports, 'vitest.json');
ok =
  step('unit + integration tests', bin('vitest'), [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${vitestJson}`,
  ]) && ok;
const playwrightJson = path.join(reports, 'playwright.json');
ok =
  step('end-to-end tests (Chromium)', bin('playwright'), ['test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
  }) && ok;

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
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
