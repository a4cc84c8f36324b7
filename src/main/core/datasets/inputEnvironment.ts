import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';
import { INPUT_FILE_LISTS } from './releaseInputs';
import { type ResolvedRunInput, inputHostPath } from './runInputs';

/** azureml-core's _DATASET_ARGUMENT_TEMPLATE: the argument a DatasetConsumptionConfig becomes in ScriptRunConfig. */
export const DATASET_ARGUMENT_PREFIX = 'DatasetConsumptionConfig:';

/**
 * Linux refuses a variable over 128 KiB (MAX_ARG_STRLEN: the script would not start), so an input of many files
 * lists them in a file (`filesFile`, with `files` null) once the description would pass this.
 */
export const MAX_DESCRIPTION_BYTES = 64 * 1024;

/** Maps a host path to the path the script sees (the same on the host and a local engine; remapped on a remote one). */
export type PathInRun = (hostPath: string) => string;

/** Every `DatasetConsumptionConfig:NAME` argument must name an input: refused at submit, before anything runs. */
export function checkInputArguments(args: string[], inputs: { name: string }[]): void {
  const names = new Set(inputs.map((i) => i.name));
  for (const arg of args) {
    if (!arg.startsWith(DATASET_ARGUMENT_PREFIX)) continue;
    const name = arg.slice(DATASET_ARGUMENT_PREFIX.length);
    if (!names.has(name))
      throw new BenchtopError(
        'BAD_INPUT',
        `The argument "${arg}" names no input of this run.`,
        names.size
          ? `The inputs are: ${[...names].join(', ')}.`
          : `Give the input: --input ${name || 'NAME'}=DATASET[:VERSION][:mount|download|direct].`,
      );
  }
}

/** What the script gets for an input: its path (mount, download) or the dataset's id (direct), as on Azure. */
function valueOf(runDir: string, input: ResolvedRunInput, pathInRun: PathInRun): string {
  const host = inputHostPath(runDir, input);
  return host === null ? input.id : pathInRun(host);
}

/** `DatasetConsumptionConfig:NAME` arguments become the input's value; every other argument is passed as it is. */
export function substituteInputArguments(
  args: string[],
  runDir: string,
  inputs: ResolvedRunInput[],
  pathInRun: PathInRun,
): string[] {
  const byName = new Map(inputs.map((i) => [i.name, i]));
  return args.map((arg) => {
    const input = arg.startsWith(DATASET_ARGUMENT_PREFIX)
      ? byName.get(arg.slice(DATASET_ARGUMENT_PREFIX.length))
      : null;
    return input ? valueOf(runDir, input, pathInRun) : arg;
  });
}

/**
 * The variables a run with inputs gets: BENCHTOP_INPUT_DATASETS (what run.input_datasets reads), and Azure's own:
 * AZUREML_DATAREFERENCE_<NAME> (mount, download) and <NAME> itself (the path, or the id for direct), unless the
 * environment already sets a variable of that name (PATH is never replaced by an input called PATH).
 */
export function inputVariables(
  runDir: string,
  inputs: ResolvedRunInput[],
  pathInRun: PathInRun,
  taken: (name: string) => boolean,
): { env: Record<string, string>; skipped: string[]; fileLists: { path: string; files: string[] }[] } {
  if (inputs.length === 0) return { env: {}, skipped: [], fileLists: [] };
  const env: Record<string, string> = {};
  const skipped: string[] = [];
  const described: Record<string, Record<string, unknown>> = {};
  for (const input of inputs) {
    const host = inputHostPath(runDir, input);
    const where = host === null ? null : pathInRun(host);
    described[input.name] = {
      name: input.dataset,
      version: input.version,
      id: input.id,
      kind: input.kind,
      mode: input.mode,
      path: where,
      tabular: input.tabular,
      files: input.files,
    };
    if (where !== null) env[`AZUREML_DATAREFERENCE_${input.name}`] = where;
    if (taken(input.name)) skipped.push(input.name);
    else env[input.name] = where ?? input.id;
  }
  const fileLists: { path: string; files: string[] }[] = [];
  const longestFirst = [...inputs].sort((a, b) => b.files.length - a.files.length);
  for (const input of longestFirst) {
    if (Buffer.byteLength(JSON.stringify(described)) <= MAX_DESCRIPTION_BYTES) break;
    const list = path.join(runDir, ...INPUT_FILE_LISTS.split('/'), `${input.name}.json`);
    fileLists.push({ path: list, files: input.files });
    Object.assign(described[input.name] ?? {}, { files: null, filesFile: pathInRun(list) });
  }
  env.BENCHTOP_INPUT_DATASETS = JSON.stringify(described);
  return { env, skipped, fileLists };
}
