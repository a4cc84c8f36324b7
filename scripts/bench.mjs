// `npm run bench [name]`: bundles bench/*.bench.ts and runs them one after another;
// each prints `BENCH {json}` lines, collected into .bench-work/results.json.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(root, '.bench-work');
mkdirSync(work, { recursive: true });
const only = process.argv[2];
const benches = readdirSync(path.join(root, 'bench')).filter(
  (f) => f.endsWith('.bench.ts') && (!only || f.includes(only)),
);
const results = [];
for (const file of benches) {
  const out = path.join(work, file.replace(/\.ts$/, '.cjs'));
  await build({
    entryPoints: [path.join(root, 'bench', file)],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
  });
  console.log(`\n=== ${file} ===`);
  // Run from bench/ so __dirname-relative paths (bin/benchtop.js) resolve as in the source.
  const result = spawnSync(process.execPath, [out], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      BENCH_WORK: path.join(work, 'runs'),
      BENCHTOP_SUPERVISOR: path.join(root, 'dist', 'main', 'supervisor.js'),
      BENCHTOP_QUEUE_OWNER: path.join(root, 'dist', 'main', 'queueOwner.js'),
      BENCHTOP_RUNTIME_DIR: path.join(root, 'src', 'runtime'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(result.stdout);
  for (const line of result.stdout.split('\n')) if (line.startsWith('BENCH ')) results.push(JSON.parse(line.slice(6)));
  if (result.status !== 0) process.exitCode = 1;
}
writeFileSync(path.join(work, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nresults: ${path.join(work, 'results.json')}`);
