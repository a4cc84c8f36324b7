import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { findInterpreters } from '../../src/main/core/python/interpreters';
import { stripAnsi } from '../../src/shared/ansi';
import { CLI, python, requireComponent, runProcess, tempDir, type CliResult } from './workspace';

/**
 * The SDK tests' side of a user's own Python (test/integration/sdk*.test.ts): a plain venv that
 * gets the package the documented way (`benchtop sdk install`), a notebook folder whose
 * config.json names a workspace, and processes started with a notebook's environment.
 */

/** What a Benchtop run sets for its script; a notebook of the user's own has none of it. */
const RUN_VARIABLES = [
  'PYTHONPATH',
  'BENCHTOP_NODE',
  'BENCHTOP_CLI',
  'BENCHTOP_WORKSPACE',
  'BENCHTOP_RUN_ID',
  'BENCHTOP_CLOUD_COMPUTE',
];

/** A notebook's environment (this process's, less what a run sets), with `extra` on top. */
export function notebookEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1' };
  for (const name of RUN_VARIABLES) delete env[name];
  return { ...env, ...extra };
}

export interface ExecOptions {
  cwd?: string;
  /** Default: notebookEnv(). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** runProcess with a notebook's environment unless one is given. */
export function exec(file: string, args: string[], options: ExecOptions = {}): Promise<CliResult> {
  return runProcess(file, args, { ...options, env: options.env ?? notebookEnv() });
}

/** `benchtop --workspace WORKSPACE ARGS`, as a notebook's user types it. */
export function benchtopIn(workspace: string, args: string[], options: ExecOptions = {}): Promise<CliResult> {
  return exec(process.execPath, [CLI, '--workspace', workspace, ...args], options);
}

/** `benchtop --json ...` in WORKSPACE, which must succeed: its parsed output. */
export async function jsonIn<T>(workspace: string, args: string[]): Promise<T> {
  const r = await benchtopIn(workspace, ['--json', ...args]);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** Whether a Python that can make a venv is here (under CI=true its absence fails). */
export async function hasVenvPython(): Promise<boolean> {
  return requireComponent(
    'Python 3 with venv',
    (await findInterpreters()).some((i) => i.hasEnsurepip),
  );
}

/** Makes a plain venv at DIR: its python. */
export async function makeVenv(dir: string): Promise<string> {
  const made = await exec(python(), ['-m', 'venv', dir]);
  expect(made.code, made.stderr).toBe(0);
  return path.join(dir, 'bin', 'python');
}

/** `benchtop sdk install --python PYTHON`, which must succeed: what it printed. */
export async function sdkInstall(venvPython: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const installed = await exec(process.execPath, [CLI, 'sdk', 'install', '--python', venvPython], { env });
  expect(installed.code, installed.stderr + installed.stdout).toBe(0);
  return installed.stdout;
}

/** Makes the notebook folder and writes its config.json naming WORKSPACE (`benchtop workspace config -d`). */
export async function writeNotebookConfig(workspace: string, notebook: string): Promise<void> {
  fs.mkdirSync(notebook, { recursive: true });
  const config = await benchtopIn(workspace, ['workspace', 'config', '-d', notebook]);
  expect(config.code, config.stderr + config.stdout).toBe(0);
}

/**
 * A venv at DIR with PACKAGES from the package index, kept between test runs (they are big):
 * its python, or null when the index cannot be reached. PROBE is Python code that succeeds
 * once they are installed; a venv where it fails is made again.
 */
export async function cachedVenv(
  dir: string,
  probe: string,
  packages: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<string | null> {
  const bin = path.join(dir, 'bin', 'python');
  const env = options.env;
  const has = async () => fs.existsSync(bin) && (await exec(bin, ['-c', probe], { env })).code === 0;
  if (await has()) return bin;
  fs.rmSync(dir, { recursive: true, force: true });
  if ((await exec(python(), ['-m', 'venv', dir], { env })).code !== 0) return null;
  await exec(bin, ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', ...packages], {
    env,
    timeoutMs: options.timeoutMs,
  });
  return (await has()) ? bin : null;
}

/**
 * Runs sections of a notebook-style driver (test/python/notebook_*.py) in CWD; the driver prints
 * `ok SECTION` after each, and must print them all and exit 0. Its output, colours removed.
 */
export async function runDriver(
  venvPython: string,
  script: string,
  sections: string[],
  options: { cwd: string; timeoutMs?: number },
): Promise<string> {
  const r = await exec(venvPython, [script, ...sections], options);
  const out = stripAnsi(r.stdout);
  expect(r.code, `${out}\n${r.stderr}`).toBe(0);
  for (const s of sections) expect(out).toContain(`ok ${s}`);
  return out;
}

/** One SDK test file's folders: a temporary root holding the venv, the workspace and the notebook folder. */
export interface SdkNotebook {
  root: string;
  workspace: string;
  venvPython: string;
  notebook: string;
}

export function sdkNotebookPaths(prefix: string): SdkNotebook {
  const root = tempDir(prefix);
  return {
    root,
    workspace: path.join(root, 'ws'),
    venvPython: path.join(root, 'venv', 'bin', 'python'),
    notebook: path.join(root, 'notebook'),
  };
}

/**
 * A user's setup: a plain venv with the package installed the documented way, and a notebook folder whose
 * config.json names the workspace. False (the tests skip) where no Python can make a venv.
 */
export async function setUpSdkNotebook(nb: SdkNotebook): Promise<boolean> {
  if (!(await hasVenvPython())) return false;
  await makeVenv(path.join(nb.root, 'venv'));
  await sdkInstall(nb.venvPython);
  await writeNotebookConfig(nb.workspace, nb.notebook);
  return true;
}
