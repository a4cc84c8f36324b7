import fs from 'node:fs';
import path from 'node:path';
import { BenchtopError } from '../../shared/errors';

/**
 * Where a script the build bundles (supervisor.js, mlflowServer.js) is: next to the CLI in dist/main, or found
 * from the repository root when the code runs from source (tests). `override` is the variable that may name it.
 */
export function bundledScript(file: string, override: string | undefined, what: string): string {
  const candidates = [
    override,
    path.join(__dirname, file),
    path.resolve(__dirname, '..', '..', '..', 'dist', 'main', file),
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new BenchtopError('INTERNAL', `${what} is not built.`, 'Run `npm run build`.');
  return found;
}
