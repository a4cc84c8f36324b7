// Bundles the Node side (CLI + server, Electron main, preload) with esbuild
// and the renderer with Vite, into dist/.
import { build as esbuild } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const define = { BENCHTOP_VERSION: JSON.stringify(pkg.version) };
const only = process.argv[2];

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  define,
  // Native and large runtime packages stay in node_modules.
  packages: 'external',
};

if (!only || only === 'node') {
  await esbuild({
    ...node,
    entryPoints: { cli: 'src/main/cli/index.ts', supervisor: 'src/main/supervisor/supervisor.ts' },
    outdir: 'dist/main',
    absWorkingDir: root,
  });
  await esbuild({
    ...node,
    entryPoints: { electron: 'src/main/electron/main.ts' },
    outdir: 'dist/main',
    absWorkingDir: root,
    external: ['electron'],
  });
  // A sandboxed preload may only require 'electron': bundle everything else in.
  await esbuild({
    ...node,
    packages: undefined,
    entryPoints: { preload: 'src/preload/preload.ts' },
    outdir: 'dist/preload',
    absWorkingDir: root,
    external: ['electron'],
  });
}
if (!only || only === 'renderer') {
  const { build: vite } = await import('vite');
  await vite({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
}
console.log('benchtop: built dist/');
