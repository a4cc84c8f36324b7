// Bundles the Node side (CLI + server, Electron main, preload) with esbuild,
// the renderer with Vite, and the Python package's wheel, into dist/.
import { build as esbuild } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
    entryPoints: {
      cli: 'src/main/cli/index.ts',
      supervisor: 'src/main/supervisor/supervisor.ts',
      // The run queue's owner: one detached process per workspace (src/main/queue).
      queueOwner: 'src/main/queue/queueOwner.ts',
      mlflowServer: 'src/main/mlflowServer.ts',
      // The table profile worker (worker_threads), next to cli.js so bundledScript finds it.
      tabularWorker: 'src/main/core/datasets/tabular/profileWorker.ts',
    },
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
if (!only || only === 'node' || only === 'python') {
  // dist/python/benchtop_sdk-<version>-py3-none-any.whl: `pip install` it into any Python >= 3.8
  // (`benchtop sdk install` does, and records where this CLI is). Written by the same code as
  // the CLI uses (src/main/core/sdk/sdkWheel.ts: a zip in Node), so it needs no network, no
  // setuptools and no Python at build time.
  await esbuild({
    ...node,
    entryPoints: { sdkWheel: 'src/main/core/sdk/sdkWheel.ts' },
    outdir: 'dist/build',
    absWorkingDir: root,
    sourcemap: false,
  });
  const { writeSdkWheel } = createRequire(import.meta.url)(path.join(root, 'dist', 'build', 'sdkWheel.js'));
  writeSdkWheel({
    runtimeDir: path.join(root, 'src', 'runtime'),
    outDir: path.join(root, 'dist', 'python'),
    version: pkg.version,
  });
}
if (!only || only === 'renderer') {
  const { build: vite } = await import('vite');
  await vite({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
}
console.log('benchtop: built dist/');
