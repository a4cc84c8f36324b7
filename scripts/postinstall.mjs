// Runs after `npm install`: fetch Electron's binary if the network allows it
// (failure is expected offline and tolerated with one line), then build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function tryElectronDownload() {
  let installer;
  try {
    installer = require.resolve('electron/install.js', { paths: [root] });
  } catch {
    console.log('benchtop: electron package not installed; the UI will be served headless by `npm start`.');
    return;
  }
  const result = spawnSync(process.execPath, [installer], {
    cwd: path.dirname(installer),
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 120_000,
    env: { ...process.env, ELECTRON_GET_USE_PROXY: process.env.ELECTRON_GET_USE_PROXY ?? '' },
  });
  if (result.status === 0) {
    console.log('benchtop: Electron binary ready; `npm start` opens the desktop window.');
  } else {
    console.log(
      'benchtop: Electron binary could not be downloaded (offline?); `npm start` will serve the UI headless in a browser instead.',
    );
  }
}

if (!process.env.BENCHTOP_SKIP_ELECTRON_DOWNLOAD) tryElectronDownload();
if (existsSync(path.join(root, 'scripts', 'build.mjs'))) {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
