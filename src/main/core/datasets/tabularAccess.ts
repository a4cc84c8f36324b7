import type { DatasetPreview, DatasetProfile, TabularOptions } from '../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../shared/errors';

/** A table file as the tabular reader takes it: where its bytes are, and its path in the dataset. */
export interface TableFile {
  absolute: string;
  path: string;
  size: number;
}

// TEMPORARY until src/main/core/datasets/tabular/ (helper "tabular") lands: registration checks nothing in the
// tables, preview and profile answer UNSUPPORTED. Replaced by re-exports of that module.
const notYet = () => {
  throw new BenchtopError('UNSUPPORTED', 'Reading tables is not wired yet.');
};

export async function checkTableHead(_files: TableFile[], _options: TabularOptions): Promise<void> {}

export async function previewTable(
  _files: TableFile[],
  _options: TabularOptions,
  _rows: number,
): Promise<DatasetPreview> {
  return notYet();
}

export async function profileTable(
  _files: TableFile[],
  _options: TabularOptions,
  _opts: { onProgress?: (progress: number, step?: string) => void; signal?: AbortSignal },
): Promise<DatasetProfile> {
  return notYet();
}
