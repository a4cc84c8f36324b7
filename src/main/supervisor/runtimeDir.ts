import fs from 'node:fs';
import path from 'node:path';

/** Where src/runtime is: BENCHTOP_RUNTIME_DIR, the repository (development), or the packaged app's resources. */
export function runtimeDir(): string {
  const candidates = [
    process.env.BENCHTOP_RUNTIME_DIR,
    path.resolve(__dirname, '..', '..', 'src', 'runtime'),
    path.resolve(__dirname, '..', '..', '..', 'src', 'runtime'),
    (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath ? path.join((process as NodeJS.Process & { resourcesPath: string }).resourcesPath, 'runtime') : undefined,
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((c) => fs.existsSync(path.join(c, 'azureml', 'core', '__init__.py')));
  if (!found) throw new Error(`Benchtop's Python runtime was not found (looked in ${candidates.join(', ')}).`);
  return found;
}

/** The CLI of this same build: scripts in a run reach the model registry through it (run.register_model). */
export function cliScript(): string | null {
  const candidates = [process.env.BENCHTOP_CLI, path.join(__dirname, 'cli.js'), path.resolve(__dirname, '..', '..', 'dist', 'main', 'cli.js'), path.resolve(__dirname, '..', 'dist', 'main', 'cli.js')];
  return candidates.find((c): c is string => Boolean(c) && fs.existsSync(c as string)) ?? null;
}
