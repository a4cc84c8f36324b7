import fs from 'node:fs';
import path from 'node:path';
import { type ModelRecord, parseModelRef } from '../../../shared/api/modelTypes';
import { type DeployService, SERVICE_NAME_PATTERN, type ServiceRecord } from '../../../shared/api/serviceTypes';
import type { EnvironmentRecord } from '../../../shared/api/types';
import { parseNameVersion } from '../../../shared/environments/names';
import { BenchtopError } from '../../../shared/errors';
import type { EnvironmentService } from '../environments/environmentService';
import type { ModelService } from '../models/modelService';

/** What a deploy gets for what it leaves out. */
export const SERVICE_DEFAULTS = { workers: 1, timeoutMs: 60_000, maxBodyMb: 10 };

export function checkServiceName(name: string): void {
  if (!SERVICE_NAME_PATTERN.test(name) || name.length < 3 || name.length > 32) {
    throw new BenchtopError(
      'INVALID_NAME',
      `"${name}" is not a valid service name.`,
      'Use 3 to 32 lower-case letters, digits and "-", starting with a letter and not ending with "-" (e.g. iris-svc).',
    );
  }
}

/** The registered models the refs (name:version, or name for the latest) name; NOT_FOUND for one that is not. */
export function resolveModels(models: ModelService, refs: string[]): ModelRecord[] {
  return refs.map((ref) => {
    const parsed = parseModelRef(ref);
    return models.require(parsed.name, parsed.version);
  });
}

export function resolveEnvironment(environments: EnvironmentService, ref: string): EnvironmentRecord {
  const parsed = parseNameVersion(ref);
  return environments.get(parsed.name, parsed.version);
}

/** The model a no-code service serves (its first), as stored. */
export function noCodeModel(models: ModelService, service: ServiceRecord): ModelRecord | undefined {
  const ref = service.models[0] ? parseModelRef(service.models[0]) : null;
  return (ref && models.store.get(ref.name, ref.version)) ?? undefined;
}

/**
 * The entry script and source folder a deploy names, checked (they exist, the script is inside the folder and
 * importable); null for a no-code deploy, which must serve one ScikitLearn model or an MLflow model.
 */
export function resolveEntryScript(
  input: DeployService,
  models: { framework: string }[],
  mlflowNoCode: boolean,
): { file: string; sourceDirectory: string | null } | null {
  if (!input.entryScript) {
    if (input.sourceDirectory)
      throw new BenchtopError(
        'BAD_INPUT',
        'A source folder was given without an entry script.',
        'Add --entry-script score.py (relative to the source folder).',
      );
    if (!mlflowNoCode && (models.length !== 1 || models[0]?.framework !== 'ScikitLearn')) {
      throw new BenchtopError(
        'BAD_INPUT',
        'You must provide an entry script when deploying zero or several models, or a model whose framework is not ScikitLearn (or an MLflow model).',
        'Add --entry-script score.py, or register the model with --framework ScikitLearn (or as an MLflow model folder with an MLmodel file) for a no-code deployment.',
      );
    }
    return null;
  }
  const sourceDirectory = input.sourceDirectory ? path.resolve(input.sourceDirectory) : null;
  if (sourceDirectory && !fs.statSync(sourceDirectory, { throwIfNoEntry: false })?.isDirectory())
    throw new BenchtopError(
      'NOT_FOUND',
      `The source folder ${sourceDirectory} does not exist.`,
      'Give an existing folder with -d.',
    );
  const file =
    sourceDirectory && !path.isAbsolute(input.entryScript)
      ? path.join(sourceDirectory, input.entryScript)
      : path.resolve(input.entryScript);
  if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile())
    throw new BenchtopError(
      'NOT_FOUND',
      `The entry script ${file} does not exist.`,
      sourceDirectory
        ? 'With -d, the entry script is relative to the source folder.'
        : 'Give the path of your score.py.',
    );
  if (sourceDirectory && path.relative(sourceDirectory, file).startsWith('..'))
    throw new BenchtopError(
      'BAD_INPUT',
      `The entry script ${file} is outside the source folder ${sourceDirectory}.`,
      'Put score.py inside the source folder.',
    );
  if (!/^[A-Za-z_][A-Za-z0-9_]*\.py$/.test(path.basename(file)))
    throw new BenchtopError(
      'BAD_INPUT',
      `The entry script's name "${path.basename(file)}" is not a Python module name.`,
      'Rename it, e.g. score.py (it is imported).',
    );
  return { file, sourceDirectory };
}

/** The entry script a redeploy or update starts from: gone means the service cannot be started from it. */
export function requireEntryScript(entry: string): void {
  if (!fs.existsSync(entry))
    throw new BenchtopError(
      'NOT_FOUND',
      `The entry script ${entry} does not exist any more.`,
      'Put it back, or update the service with another one.',
    );
}
