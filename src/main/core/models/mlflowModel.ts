import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { MlflowModelInfo } from '../../../shared/api/modelTypes';
import type { ModelSource, SourceFile } from './modelSource';

/** What registering a folder learns about MLflow: the model's metadata, or why its MLmodel could not be used. */
export interface MlflowInspection {
  info: MlflowModelInfo | null;
  warning: string | null;
}

const MAX_METADATA_FILE = 1024 * 1024;
const MAX_SERVING_EXAMPLE = 64 * 1024;

/** Flavors that name an Azure ML framework without doubt (and the flavor key holding its version). */
const FLAVOR_FRAMEWORKS: Record<string, { framework: string; versionKey: string }> = {
  sklearn: { framework: 'ScikitLearn', versionKey: 'sklearn_version' },
  pytorch: { framework: 'PyTorch', versionKey: 'pytorch_version' },
  tensorflow: { framework: 'TensorFlow', versionKey: 'tensorflow_version' },
  onnx: { framework: 'Onnx', versionKey: 'onnx_version' },
};

/** The framework a registration without --framework records for an MLflow model, or null (Custom). */
export function frameworkFromFlavors(
  info: MlflowModelInfo,
): { framework: string; frameworkVersion: string | null } | null {
  for (const [flavor, config] of Object.entries(info.flavors)) {
    const known = FLAVOR_FRAMEWORKS[flavor];
    if (!known) continue;
    const version = config[known.versionKey];
    return { framework: known.framework, frameworkVersion: typeof version === 'string' ? version : null };
  }
  return null;
}

/**
 * The folder holding MLmodel: the registered folder itself, or its single subfolder (a run's `outputs/`
 * holding only `model/`). Paths are the model's own ("model/MLmodel").
 */
function findMlmodel(source: ModelSource): string | null {
  if (source.kind !== 'folder') return null;
  const paths = new Set(source.files.map((f) => f.path));
  if (paths.has(`${source.root}/MLmodel`)) return source.root;
  const children = new Set(source.files.map((f) => f.path.split('/')[1]));
  const [only] = children;
  const nested = `${source.root}/${only}`;
  if (children.size === 1 && paths.has(`${nested}/MLmodel`)) return nested;
  return null;
}

class BrokenModel extends Error {}

/** MLflow reads these files with PyYAML's safe_load (YAML 1.1): the same schema reads them here. */
function readYaml(file: SourceFile, what: string): unknown {
  if (file.size > MAX_METADATA_FILE)
    throw new BrokenModel(`${what} is ${file.size} bytes, more than an MLflow file holds`);
  try {
    return parseYaml(fs.readFileSync(file.absolute, 'utf8'), { version: '1.1' });
  } catch (err) {
    throw new BrokenModel(`${what} is not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;

/** A signature part: MLflow stores each as a JSON string inside the YAML. */
function signaturePart(value: unknown, part: string, where: string): Record<string, unknown>[] | null {
  if (value === null || value === undefined) return null;
  let parsed: unknown;
  try {
    parsed = typeof value === 'string' ? JSON.parse(value) : value;
  } catch {
    throw new BrokenModel(`the signature's ${part} in ${where} is not JSON`);
  }
  if (!Array.isArray(parsed) || !parsed.every(isMapping))
    throw new BrokenModel(`the signature's ${part} in ${where} is not a list of columns`);
  return parsed;
}

/**
 * Requirement lines as pip reads them from a file: blank lines and comments dropped, `-r other.txt`
 * followed (relative to the model folder). Line handling only: pip's own parser is Python.
 */
function requirementLines(file: SourceFile | undefined, byPath: Map<string, SourceFile>, dir: string): string[] {
  if (!file) return [];
  if (file.size > MAX_METADATA_FILE) throw new BrokenModel(`${file.path} is too big for a requirements file`);
  return fs
    .readFileSync(file.absolute, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean)
    .flatMap((line) => expandRequirement(line, byPath, dir));
}

function expandRequirement(line: string, byPath: Map<string, SourceFile>, dir: string): string[] {
  const include = /^-r\s+(.+)$/.exec(line);
  if (!include) return [line];
  const target = `${dir}/${(include[1] as string).replace(/^\.\//, '')}`;
  const found = byPath.get(target);
  if (!found) throw new BrokenModel(`${line} names a file the model does not have (${target})`);
  return requirementLines(found, byPath, dir);
}

interface Environment {
  pythonVersion: string | null;
  requirements: string[];
  condaDependencies: string[];
  environmentFile: string | null;
}

/** python_env.yaml first (the virtualenv MLflow itself restores), then conda.yaml, then requirements.txt. */
function readEnvironment(
  dir: string,
  pyfunc: Record<string, unknown> | undefined,
  byPath: Map<string, SourceFile>,
): Environment {
  const env = pyfunc?.env;
  const named = (key: string, fallback: string) =>
    `${dir}/${(isMapping(env) ? text(env[key]) : key === 'conda' ? text(env) : null) ?? fallback}`;
  const flavorPython = text(pyfunc?.python_version);
  const pythonEnv = byPath.get(named('virtualenv', 'python_env.yaml'));
  if (pythonEnv) {
    const doc = readYaml(pythonEnv, pythonEnv.path);
    if (!isMapping(doc)) throw new BrokenModel(`${pythonEnv.path} is not a mapping`);
    const deps = Array.isArray(doc.dependencies) ? doc.dependencies.map(String) : [];
    return {
      pythonVersion: text(doc.python) ?? flavorPython,
      requirements: deps.flatMap((line) => expandRequirement(line.trim(), byPath, dir)),
      condaDependencies: [],
      environmentFile: pythonEnv.path,
    };
  }
  const conda = byPath.get(named('conda', 'conda.yaml'));
  if (conda) {
    const doc = readYaml(conda, conda.path);
    const deps: unknown[] = isMapping(doc) && Array.isArray(doc.dependencies) ? doc.dependencies : [];
    const python = deps.map(String).find((d) => /^python([=<>~ ]|$)/.test(d));
    const pip = deps.filter(isMapping).flatMap((d) => (Array.isArray(d.pip) ? d.pip.map(String) : []));
    return {
      pythonVersion: /^python\s*=*\s*(\d[\d.]*)/.exec(python ?? '')?.[1] ?? flavorPython,
      requirements: pip.flatMap((line) => expandRequirement(line.trim(), byPath, dir)),
      condaDependencies: deps.filter((d): d is string => typeof d === 'string' && !/^(python|pip)\b/.test(d)),
      environmentFile: conda.path,
    };
  }
  const requirements = byPath.get(`${dir}/requirements.txt`);
  return {
    pythonVersion: flavorPython,
    requirements: requirementLines(requirements, byPath, dir),
    condaDependencies: [],
    environmentFile: requirements?.path ?? null,
  };
}

function servingExample(dir: string, doc: Record<string, unknown>, byPath: Map<string, SourceFile>): string | null {
  const info = doc.saved_input_example_info;
  const name = isMapping(info) ? text(info.serving_input_path) : null;
  const file = byPath.get(`${dir}/${name ?? 'serving_input_example.json'}`);
  if (!file || file.size > MAX_SERVING_EXAMPLE) return null;
  return fs.readFileSync(file.absolute, 'utf8');
}

/**
 * Reads a registered folder's MLmodel (and python_env.yaml / conda.yaml / requirements.txt beside it).
 * A folder without MLmodel is no MLflow model (info null, no warning); a broken one registers as plain
 * files, with a warning naming the problem.
 */
export function inspectMlflowModel(source: ModelSource): MlflowInspection {
  const dir = findMlmodel(source);
  if (dir === null) return { info: null, warning: null };
  const byPath = new Map(source.files.map((f) => [f.path, f]));
  const where = `${dir}/MLmodel`;
  try {
    const doc = readYaml(byPath.get(where) as SourceFile, where);
    if (!isMapping(doc)) throw new BrokenModel(`${where} is not a YAML mapping`);
    const flavors = doc.flavors;
    if (!isMapping(flavors) || Object.keys(flavors).length === 0)
      throw new BrokenModel(`${where} names no flavors (its "flavors:" mapping is missing or empty)`);
    for (const [name, config] of Object.entries(flavors))
      if (!isMapping(config)) throw new BrokenModel(`the flavor "${name}" in ${where} is not a mapping`);
    const pyfunc = flavors.python_function as Record<string, unknown> | undefined;
    const signature = isMapping(doc.signature)
      ? {
          inputs: signaturePart(doc.signature.inputs, 'inputs', where),
          outputs: signaturePart(doc.signature.outputs, 'outputs', where),
          params: signaturePart(doc.signature.params, 'params', where),
        }
      : null;
    return {
      info: {
        path: dir,
        // Through JSON: what is stored and shown is exactly what a JSON reader of the YAML gets.
        flavors: JSON.parse(JSON.stringify(flavors)) as MlflowModelInfo['flavors'],
        signature,
        servingInputExample: servingExample(dir, doc, byPath),
        ...readEnvironment(dir, pyfunc, byPath),
        mlflowVersion: text(doc.mlflow_version),
        runId: text(doc.run_id),
        artifactPath: text(doc.artifact_path),
        modelUuid: text(doc.model_uuid),
        modelId: text(doc.model_id),
        utcTimeCreated: text(doc.utc_time_created),
      },
      warning: null,
    };
  } catch (err) {
    if (!(err instanceof BrokenModel)) throw err;
    return {
      info: null,
      warning: `Not read as an MLflow model: ${err.message}. It is registered as plain files; fix the file (MLflow's save_model writes it) and register again to deploy it without an entry script.`,
    };
  }
}
