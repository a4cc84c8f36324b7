// `npm start`: the desktop window when Electron's binary is present,
// otherwise the same UI served headless to a browser.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

function electronBinary() {
  try {
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
const child = electron
  ? spawn(electron, [root, ...args], { stdio: 'inherit' })
  : (console.log('benchtop: no Electron binary here; serving the UI headless instead.'),
    spawn(process.execPath, [path.join(root, 'bin', 'benchtop.js'), 'serve', ...args], { stdio: 'inherit' }));
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code) => process.exit(code ?? 0));
