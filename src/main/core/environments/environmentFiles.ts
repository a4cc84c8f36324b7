import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { BenchtopError } from '../../../shared/errors';
import { type EnvironmentDefinition, scaffoldDefinition, withPackages } from '../../../shared/environments/definition';
import {
  condaYamlText,
  normalizeDefinition,
  parseCondaYaml,
  parseJsonText,
  parsePipRequirements,
} from '../../../shared/environments/parse';
import { findCondaTool, noCondaError } from '../builds/condaBackend';
import { writeFileAtomic } from '../workspace/files';
import { makeDirectory } from '../workspace/makeDirectory';

const run = promisify(execFile);

/** Azure ML v1's folder format (Environment.save_to_directory / load_from_directory). */
export const ENV_JSON = 'azureml_environment.json';
export const CONDA_FILE = 'conda_dependencies.yml';
export const DOCKERFILE = 'BaseDockerfile';

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BenchtopError(
      'NOT_FOUND',
      code === 'ENOENT' ? `${what} not found: ${file}` : `Cannot read ${file}: ${(err as Error).message}`,
      code === 'ENOENT' ? 'Check the path.' : "Check the file's permissions.",
    );
  }
}

/** Loads a folder written by `env scaffold`, `env download` or Azure's save_to_directory. */
export function loadEnvironmentFolder(dir: string): EnvironmentDefinition {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new BenchtopError(
      'NOT_FOUND',
      `Folder not found: ${dir}`,
      'Give a folder that holds azureml_environment.json (`benchtop env scaffold` makes one).',
    );
  }
  const jsonFile = path.join(dir, ENV_JSON);
  if (!fs.existsSync(jsonFile)) {
    throw new BenchtopError(
      'NOT_FOUND',
      `${dir} has no ${ENV_JSON}.`,
      `Create the folder with \`benchtop env scaffold -n NAME -d ${dir}\`.`,
    );
  }
  const text = readText(jsonFile, ENV_JSON);
  const raw = parseJsonText(text, jsonFile) as Record<string, unknown>;
  const condaFile = path.join(dir, CONDA_FILE);
  const dockerFile = path.join(dir, DOCKERFILE);
  const python = { ...((raw.python as Record<string, unknown> | undefined) ?? {}) };
  if (fs.existsSync(condaFile)) python.condaDependencies = parseCondaYaml(readText(condaFile, CONDA_FILE), condaFile);
  const docker = { ...((raw.docker as Record<string, unknown> | undefined) ?? {}) };
  if (fs.existsSync(dockerFile)) docker.baseDockerfile = readText(dockerFile, DOCKERFILE);
  return normalizeDefinition({ ...raw, python, docker }, jsonFile, text);
}

/**
 * Writes the folder form; returns the files written. Refuses a non-empty folder unless asked to
 * overwrite, and then writes only the environment's own files (each atomically); every other
 * file stays. A conda_dependencies.yml or BaseDockerfile this environment does not have is
 * refused rather than deleted: loading the folder would read it back as part of the environment.
 */
export function saveEnvironmentFolder(def: EnvironmentDefinition, dir: string, overwrite: boolean): string[] {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0 && !overwrite) {
    throw new BenchtopError(
      'ALREADY_EXISTS',
      `${dir} already exists and is not empty.`,
      'Pick an empty folder, or pass --overwrite.',
    );
  }
  const { condaDependencies, ...python } = def.python;
  const { baseDockerfile, ...docker } = def.docker;
  const writes = { [ENV_JSON]: true, [CONDA_FILE]: Boolean(condaDependencies), [DOCKERFILE]: Boolean(baseDockerfile) };
  for (const [name, written] of Object.entries(writes)) {
    const file = path.join(dir, name);
    const existing = fs.lstatSync(file, { throwIfNoEntry: false });
    if (existing?.isDirectory())
      throw new BenchtopError(
        'ALREADY_EXISTS',
        `${file} is a folder, where the environment has a file. Nothing was written.`,
        'Move that folder away, or pick an empty folder.',
      );
    if (existing && !written)
      throw new BenchtopError(
        'ALREADY_EXISTS',
        `${file} is there, but this environment has no ${name}: registering the folder would read it back as part of the environment. Nothing was written.`,
        'Move or delete that file yourself, or pick an empty folder.',
      );
  }
  makeDirectory(dir);
  const written: string[] = [];
  const json = { ...def, python, docker: baseDockerfile ? docker : { ...docker, baseDockerfile: null } };
  writeFileAtomic(path.join(dir, ENV_JSON), `${JSON.stringify(json, null, 4)}\n`);
  written.push(ENV_JSON);
  if (condaDependencies) {
    const header =
      '# Conda environment specification. The dependencies defined in this file will\n# be automatically provisioned for runs with userManagedDependencies=False.\n\n';
    writeFileAtomic(path.join(dir, CONDA_FILE), header + condaYamlText(condaDependencies));
    written.push(CONDA_FILE);
  }
  if (baseDockerfile) {
    writeFileAtomic(path.join(dir, DOCKERFILE), baseDockerfile);
    written.push(DOCKERFILE);
  }
  return written;
}

/** Environment.from_conda_specification */
export function definitionFromCondaFile(name: string, file: string, pythonVersion: string): EnvironmentDefinition {
  const spec = parseCondaYaml(readText(file, 'Conda file'), file);
  const base = scaffoldDefinition(name, pythonVersion);
  return { ...base, environmentVariables: {}, python: { ...base.python, condaDependencies: spec } };
}

/** Environment.from_pip_requirements: python pinned to the default interpreter's version. */
export function definitionFromPipRequirements(
  name: string,
  file: string,
  pythonVersion: string,
): EnvironmentDefinition {
  const requirements = parsePipRequirements(readText(file, 'Requirements file'));
  return withPackages({ ...scaffoldDefinition(name, pythonVersion), environmentVariables: {} }, [], requirements);
}

/** Environment.from_existing_conda_environment: exports the env's spec with the conda tool. */
export async function definitionFromCondaEnv(
  name: string,
  condaEnv: string,
  pythonVersion: string,
  condaPath: string | null,
): Promise<EnvironmentDefinition> {
  const tool = findCondaTool(condaPath);
  if (!tool) throw noCondaError();
  let stdout: string;
  try {
    ({ stdout } = await run(
      tool.path,
      ['env', 'export', '-n', condaEnv, ...(tool.flavour === 'micromamba' ? [] : ['--no-builds'])],
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
    ));
  } catch (err) {
    throw new BenchtopError(
      'NOT_FOUND',
      `${tool.flavour} could not export the conda environment "${condaEnv}": ${((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n').pop()}`,
      `List the environments with \`${tool.flavour} env list\`.`,
    );
  }
  const spec = parseCondaYaml(stdout.replace(/^prefix:.*$/m, ''), `${condaEnv} (exported)`);
  const base = scaffoldDefinition(name, pythonVersion);
  return {
    ...base,
    environmentVariables: {},
    python: { ...base.python, condaDependencies: { ...spec, name: 'project_environment' } },
  };
}
