import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Python compiles every module it imports from source when it finds no bytecode and may not write any (a read-only
 * install, or PYTHONDONTWRITEBYTECODE=1 as on CI machines): the runtime's `from azureml.core import Run` then costs
 * ~20-30 ms more on every run's start. After a run has ended (off its critical path), this writes the runtime's
 * bytecode once with the run's own Python (compileall: its __pycache__ files for that Python); later runs read it.
 * It does nothing when the bytecode is there and newer than the source, and a folder it cannot write stays as is.
 */
export function precompileRuntime(python: string, runtime: string): Promise<void> {
  // A read-only runtime (the packaged app's resources) would fail to write after every run: don't start Python for it.
  if (hasFreshBytecode(runtime) || !writable(path.join(runtime, 'benchtop'))) return Promise.resolve();
  return new Promise((resolve) => {
    const child = spawn(python, ['-m', 'compileall', '-q', '-j', '0', runtime], {
      stdio: 'ignore',
      // Only Python's own modules: the runtime's sitecustomize must not start a run's stdout flusher here.
      env: { ...process.env, PYTHONPATH: '', BENCHTOP_RUN_ID: '' },
    });
    child.on('error', () => resolve());
    child.on('exit', () => resolve());
  });
}

/** The module every run imports has bytecode (for some Python) at least as new as its source. */
function hasFreshBytecode(runtime: string): boolean {
  try {
    const source = fs.statSync(path.join(runtime, 'benchtop', '_run.py')).mtimeMs;
    const cache = path.join(runtime, 'benchtop', '__pycache__');
    return fs
      .readdirSync(cache)
      .some((name) => name.startsWith('_run.') && fs.statSync(path.join(cache, name)).mtimeMs >= source);
  } catch {
    return false;
  }
}

function writable(folder: string): boolean {
  try {
    fs.accessSync(folder, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
