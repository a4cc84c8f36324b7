import fs from 'node:fs';
import path from 'node:path';
import type {
  DatasetKind,
  DatasetMode,
  RunDatasetInput,
  RunDatasetUse,
  TabularOptions,
} from '../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../shared/errors';
import type { Db } from '../workspace/database';
import { resolveDatasetVersion } from './datasetFiles';

/** A run input resolved at submit: the exact version, where it goes, and what the script is told (spec.json). */
export interface ResolvedRunInput {
  /** The input name (as_named_input). */
  name: string;
  dataset: string;
  version: number;
  /** Azure's dataset id (the version's GUID). */
  id: string;
  kind: DatasetKind;
  mode: DatasetMode;
  tabular: TabularOptions | null;
  /** As given at submit (a rerun gives it again). */
  pathOnCompute: string | null;
  /** The folder that holds the files, relative to the run's folder; null for direct inputs. */
  folder: string | null;
  /** A dataset registered from one file is that file's path, not the folder's (Azure's rule); else null. */
  singleFile: string | null;
  /** The files' relative paths. */
  files: string[];
}

/** Folders of the working copy that the run keeps: an input placed there would be kept as the run's outputs. */
const KEPT = ['outputs', 'logs'];

type ParsedInput = Omit<RunDatasetInput, 'mode'> & { mode?: DatasetMode };

/**
 * Resolves each input to a dataset version (the newest when none is given) and checks what Azure checks: input
 * names once each, a TabularDataset only as direct. Call it inside the transaction that records the run, so the
 * version cannot be deleted in between.
 */
export function resolveRunInputs(db: Db, inputs: ParsedInput[], snapshotDir: string): ResolvedRunInput[] {
  const names = new Set<string>();
  const resolved = inputs.map((input) => {
    if (names.has(input.name))
      throw new BenchtopError(
        'BAD_INPUT',
        `Two inputs are named "${input.name}".`,
        'Give each input its own name (as_named_input(NAME), --input NAME=DATASET).',
      );
    names.add(input.name);
    return resolveOne(db, input, snapshotDir);
  });
  checkNoOverlap(resolved);
  return resolved;
}

function resolveOne(db: Db, input: ParsedInput, snapshotDir: string): ResolvedRunInput {
  const dataset = resolveDatasetVersion(db, input.dataset, input.version);
  const row = db
    .prepare('SELECT uuid, source FROM datasets WHERE name = ? AND version = ?')
    .get(dataset.name, dataset.version) as { uuid: string; source: string };
  const mode = input.mode ?? (dataset.kind === 'tabular' ? 'direct' : 'mount');
  if (dataset.kind === 'tabular' && mode !== 'direct')
    // azureml-core's DatasetConsumptionConfig._validate_mode, in its words.
    throw new BenchtopError(
      'BAD_INPUT',
      `<class 'azureml.data.tabular_dataset.TabularDataset'> does not support ${mode}. Only FileDataset supports ${mode} (input "${input.name}": ${dataset.name}:${dataset.version} is tabular).`,
      `Give it as direct (--input ${input.name}=${dataset.name}:${dataset.version}:direct, or as_named_input("${input.name}") alone) and read it with Run.get_context().input_datasets["${input.name}"].to_pandas_dataframe().`,
    );
  if (mode === 'direct' && input.pathOnCompute)
    throw new BenchtopError(
      'BAD_INPUT',
      `Input "${input.name}" is direct: it has no path on compute.`,
      'Give the path only with mount or download.',
    );
  const folder = mode === 'direct' ? null : inputFolder(input.name, input.pathOnCompute, snapshotDir);
  const files = dataset.files.map((f) => f.path);
  return {
    name: input.name,
    dataset: dataset.name,
    version: dataset.version,
    id: row.uuid,
    kind: dataset.kind,
    mode,
    tabular: dataset.tabular,
    pathOnCompute: input.pathOnCompute ?? null,
    folder,
    singleFile: folder && isSingleFile(JSON.parse(row.source) as string[], files) ? (files[0] as string) : null,
    files,
  };
}

/** Registered from one file (not a folder or a glob): Azure gives the script that file's path. */
function isSingleFile(source: string[], files: string[]): boolean {
  const [only] = source;
  return (
    source.length === 1 &&
    files.length === 1 &&
    only !== undefined &&
    !/[*?[\]{}]/.test(only) &&
    path.basename(only) === files[0]
  );
}

/**
 * `inputs/NAME` in the run's folder by default; a path on compute is relative to the working directory (as on
 * Azure), so it is `work/PATH`, and may not hide a file of the snapshot or land in what the run keeps.
 */
function inputFolder(name: string, pathOnCompute: string | undefined, snapshotDir: string): string {
  if (!pathOnCompute) return `inputs/${name}`;
  const given = pathOnCompute.replace(/\\/g, '/');
  const rel = path.posix.normalize(given).replace(/\/+$/, '');
  const refuse = (why: string, hint: string) => {
    throw new BenchtopError('BAD_INPUT', `Input "${name}": the path on compute "${pathOnCompute}" ${why}.`, hint);
  };
  // Azure places an absolute path there on the compute; here inputs stay inside the run (nothing is written
  // elsewhere on the user's machine), at the default place: the script gets it from its argument or input_datasets.
  if (path.posix.isAbsolute(given) || /^[A-Za-z]:/.test(given)) return `inputs/${name}`;
  if (rel === '.' || rel === '' || rel === '..' || rel.startsWith('../'))
    refuse('is outside the working directory', 'Give a folder inside it, e.g. data/train.');
  if (KEPT.some((kept) => rel === kept || rel.startsWith(`${kept}/`)))
    refuse(
      `is inside ./${rel.split('/')[0]}, which the run keeps`,
      'Put inputs elsewhere (e.g. data/NAME): ./outputs and ./logs are kept with the run.',
    );
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const stat = fs.statSync(path.join(snapshotDir, ...parts.slice(0, i)), { throwIfNoEntry: false });
    if (stat && (i < parts.length ? !stat.isDirectory() : true))
      refuse(
        `is taken by ${parts.slice(0, i).join('/')} of the source folder`,
        'Give a path the snapshot does not have, or leave it out (default inputs/NAME).',
      );
  }
  return `work/${rel}`;
}

function checkNoOverlap(inputs: ResolvedRunInput[]): void {
  const placed = inputs.filter((i) => i.folder !== null);
  for (const a of placed)
    for (const b of placed) {
      if (a === b || !a.folder || !b.folder) continue;
      if (a.folder === b.folder || b.folder.startsWith(`${a.folder}/`))
        throw new BenchtopError(
          'BAD_INPUT',
          `Inputs "${a.name}" and "${b.name}" would share the folder ${b.folder}.`,
          'Give them paths on compute that do not contain each other.',
        );
    }
}

/** Where the script finds an input on the host: the folder, or the single file in it; null for direct. */
export function inputHostPath(runDir: string, input: ResolvedRunInput): string | null {
  if (!input.folder) return null;
  const folder = path.join(runDir, ...input.folder.split('/'));
  return input.singleFile ? path.join(folder, ...input.singleFile.split('/')) : folder;
}

/** The run_datasets rows of a submitted run's inputs. */
export function inputUses(runId: string, runDir: string, inputs: ResolvedRunInput[]): RunDatasetUse[] {
  return inputs.map((input) => ({
    runId,
    inputName: input.name,
    name: input.dataset,
    version: input.version,
    mode: input.mode,
    via: 'input',
    path: inputHostPath(runDir, input),
  }));
}

/** The inputs to submit again (rerun): the recorded versions, with those given replacing the same names. */
export function rerunInputs(recorded: ResolvedRunInput[], changed: ParsedInput[] | undefined): ParsedInput[] {
  const kept: ParsedInput[] = recorded.map((input) => ({
    name: input.name,
    dataset: input.dataset,
    version: input.version,
    mode: input.mode,
    ...(input.pathOnCompute ? { pathOnCompute: input.pathOnCompute } : {}),
  }));
  const byName = new Map(kept.map((input) => [input.name, input]));
  for (const input of changed ?? []) byName.set(input.name, input);
  return [...byName.values()];
}
