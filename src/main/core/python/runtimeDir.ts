import fs from 'node:fs';
import path from 'node:path';

/** The folders above this module (a bundle in dist/main, or the source under src/main/...), nearest first. */
function ancestors(): string[] {
  const out: string[] = [];
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) out.push(dir);
  return out;
}

/** Where src/runtime is: BENCHTOP_RUNTIME_DIR, the repository (development and tests), or the packaged app's resources. */
export function runtimeDir(): string {
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  const candidates = [
    process.env.BENCHTOP_RUNTIME_DIR,
    ...ancestors().map((dir) => path.join(dir, 'src', 'runtime')),
    resources ? path.join(resources, 'runtime') : undefined,
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((c) => fs.existsSync(path.join(c, 'azureml', 'core', '__init__.py')));
  if (!found) throw new Error(`Benchtop's Python runtime was not found (looked in ${candidates.join(', ')}).`);
  return found;
}

/** The CLI of this same build: scripts in a run reach the model registry through it (run.register_model). */
export function cliScript(): string | null {
  const candidates = [
    process.env.BENCHTOP_CLI,
    path.join(__dirname, 'cli.js'),
    ...ancestors().map((dir) => path.join(dir, 'dist', 'main', 'cli.js')),
  ];
  return candidates.find((c): c is string => Boolean(c) && fs.existsSync(c as string)) ?? null;
}
