import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/workspace';
import { type ServedApp, cli, cliAsync } from './serveFixture';

/*
 * Cheap seeding for the end-to-end specs that do not test building itself. Building Benchtop-Minimal (a venv and
 * the runtime's install) costs 12-45 s per spec; a user-managed environment on the system Python "builds" in about
 * a second (an interpreter check) and runs get the Benchtop runtime all the same (the core puts it on the
 * interpreter's path for every run and service). Everything goes through the real CLI, as a user would seed it.
 */
export const QUICK_ENV = 'quick-env';

/** The user-managed environment `name` on /usr/bin/python3, registered and built; returns its name. */
export function seedQuickEnvironment(app: ServedApp, name = QUICK_ENV): string {
  const folder = tempDir('bt-e2e-quickenv-');
  const definition = { name, python: { userManagedDependencies: true, interpreterPath: '/usr/bin/python3' } };
  fs.writeFileSync(path.join(folder, 'azureml_environment.json'), JSON.stringify(definition));
  cli(app, ['env', 'register', '-d', folder]);
  cli(app, ['env', 'build', '-n', name]);
  return name;
}

export interface SeedRunOptions {
  experiment?: string;
  environment?: string;
  /** Arguments after `--`, passed to the script. */
  args?: string[];
}

/** Submits `script` from `project` and waits for its end; resolves to the run's id. */
export async function seedRun(
  app: ServedApp,
  project: string,
  script: string,
  options: SeedRunOptions = {},
): Promise<string> {
  const args = ['--json', 'run', 'submit', '-d', project, '-s', script, '-e', options.environment ?? QUICK_ENV];
  if (options.experiment) args.push('-x', options.experiment);
  args.push('--wait');
  if (options.args?.length) args.push('--', ...options.args);
  return (JSON.parse(await cliAsync(app, args, 120_000)) as { id: string }).id;
}

/** Registers a one-file model `name` (a new version per call) with `contents`. */
export async function seedModel(app: ServedApp, name: string, contents = 'weights\n'): Promise<void> {
  const folder = tempDir('bt-e2e-model-');
  const file = path.join(folder, 'model.txt');
  fs.writeFileSync(file, contents);
  await cliAsync(app, ['model', 'register', '-n', name, '-p', file]);
}

/** How long to wait for body[data-ready]: a fresh serve's first page can take several seconds on a busy machine. */
export const READY = { timeout: 20_000 };
