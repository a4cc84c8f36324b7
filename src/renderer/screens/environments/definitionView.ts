import { stringify as yamlStringify } from 'yaml';
import type { EnvironmentDefinition } from '../../../shared/environments/definition';

/*
 * The YAML tab shows what the user wrote, not azureml-core's full serialisation: Azure's Environment JSON carries
 * every section (spark, databricks, r, docker.baseImageRegistry with `password: null`, ...) even when unused.
 * Hidden: nulls, empty lists and maps, and these values azureml-core writes by default. "Show all fields" shows all.
 */
const AZURE_DEFAULTS: Record<string, unknown> = {
  'spark.precachePackages': true,
  'docker.enabled': false,
  'docker.sharedVolumes': true,
  'docker.platform.os': 'Linux',
  'docker.platform.architecture': 'amd64',
  'python.interpreterPath': 'python',
  'python.userManagedDependencies': false,
  'environmentVariables.EXAMPLE_ENV_VAR': 'EXAMPLE_VALUE',
};
/** Always shown, even when null: they say which environment this is. */
const ALWAYS = new Set(['name', 'version']);

const isEmpty = (v: unknown) =>
  v === null ||
  v === undefined ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

function prune(value: unknown, path: string, hidden: { count: number }): unknown {
  if (Array.isArray(value) || value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const at = path ? `${path}.${key}` : key;
    const v = prune(raw, at, hidden);
    if (ALWAYS.has(at)) out[key] = v;
    else if (isEmpty(v) || (at in AZURE_DEFAULTS && AZURE_DEFAULTS[at] === v)) hidden.count += 1;
    else out[key] = v;
  }
  return out;
}

/** The definition's YAML, with null/default fields left out unless `all`; and how many fields were left out. */
export function definitionYaml(def: EnvironmentDefinition, all: boolean): { text: string; hidden: number } {
  if (all) return { text: yamlStringify(def, { lineWidth: 0 }), hidden: 0 };
  const hidden = { count: 0 };
  const shown = prune(def, '', hidden);
  return { text: yamlStringify(shown, { lineWidth: 0 }), hidden: hidden.count };
}
