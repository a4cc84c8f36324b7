import {
  type DatasetKind,
  type DatasetMode,
  RunDatasetInput,
  type RunDatasetUse,
} from '../../../shared/api/datasetTypes';

/** One row of the run form's Inputs: version '' means the newest at submit time (recorded with the run). */
export interface InputRow {
  name: string;
  dataset: string;
  version: string;
  mode: DatasetMode;
  /** A re-run's input as the run recorded it: its name stays, and it is sent only when changed. */
  recorded?: { dataset: string; version: number; mode: DatasetMode };
}

/** A re-run's rows: the inputs the run recorded, at the versions it used. */
export function recordedRows(uses: RunDatasetUse[]): InputRow[] {
  return uses
    .filter((use) => use.via === 'input')
    .map((use) => ({
      name: use.inputName,
      dataset: use.name,
      version: String(use.version),
      mode: use.mode,
      recorded: { dataset: use.name, version: use.version, mode: use.mode },
    }));
}

export const unchanged = (row: InputRow) =>
  row.recorded !== undefined &&
  row.recorded.dataset === row.dataset &&
  String(row.recorded.version) === row.version &&
  row.recorded.mode === row.mode;

/** Azure: a TabularDataset is read through the API only (as_mount/as_download are for FileDataset). */
export const defaultMode = (kind: DatasetKind | undefined): DatasetMode => (kind === 'tabular' ? 'direct' : 'mount');

/** An input name from a dataset name: "iris-train.v2" -> "iris_train_v2" (as_named_input's rule). */
export function inputNameFor(dataset: string): string {
  const name = dataset.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
}

/** What is wrong with the rows (per row index), in words that say the fix. */
export function inputProblems(rows: InputRow[]): Map<number, string> {
  const problems = new Map<number, string>();
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (!row.dataset) problems.set(i, 'Choose a dataset.');
    else if (!RunDatasetInput.shape.name.safeParse(row.name).success)
      problems.set(i, 'The input name is letters, digits and "_", not starting with a digit.');
    else if (seen.has(row.name)) problems.set(i, `Two inputs are named "${row.name}": rename one.`);
    seen.add(row.name);
  });
  return problems;
}

/** The rows as SubmitRun.inputs (a re-run's: only the new and changed ones; the rest keep what was recorded). */
export function toRunInputs(rows: InputRow[]): RunDatasetInput[] {
  return rows
    .filter((row) => !unchanged(row))
    .map((row) => ({
      name: row.name,
      dataset: row.dataset,
      version: row.version ? Number(row.version) : undefined,
      mode: row.mode,
    }));
}
