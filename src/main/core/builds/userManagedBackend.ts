import fs from 'node:fs';
import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';
import { which } from '../python/interpreters';
import { readInstalled } from '../python/lockScript';
import type { BuildBackend, BuildOutcome, BuildRequest } from './backend';

/** Resolves `interpreterPath` (a path, or a name looked up on PATH) or says why it cannot. */
export function resolveInterpreterPath(interpreterPath: string): string {
  const looksLikePath = interpreterPath.includes('/') || interpreterPath.includes('\\');
  const resolved = looksLikePath ? path.resolve(interpreterPath) : which(interpreterPath);
  if (!resolved || !fs.existsSync(resolved)) {
    throw new BenchtopError(
      'BAD_INPUT',
      `The interpreter "${interpreterPath}" does not exist${looksLikePath ? '' : ' on PATH'}.`,
      'Set python.interpreterPath to the full path of an existing Python (e.g. /usr/bin/python3), or turn userManagedDependencies off so Benchtop builds the environment.',
    );
  }
  return resolved;
}

/** User-managed: nothing is installed; Benchtop checks the interpreter and records what it has. */
export class UserManagedBackend implements BuildBackend {
  readonly name = 'user-managed' as const;
  readonly createsPrefix = false;

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const { job } = request;
    job.setProgress(0.1, 'Checking the interpreter');
    const python = resolveInterpreterPath(request.definition.python.interpreterPath);
    job.output.note(`User-managed environment: using ${python} as it is (nothing is installed).`);
    let installed: Awaited<ReturnType<typeof readInstalled>>;
    try {
      installed = await readInstalled(python);
    } catch (err) {
      throw new BenchtopError(
        'BAD_INPUT',
        `${python} did not run as a Python 3 interpreter: ${(err as Error).message.split('\n')[0]}`,
        'Point python.interpreterPath at a working Python 3.',
      );
    }
    job.output.note(`Python ${installed.pythonVersion}, ${installed.packages.length} packages installed.`);
    return { pythonVersion: installed.pythonVersion, pythonPath: python, lock: installed.packages };
  }
}
