import type { TabularOptions } from '../../../../shared/api/datasetTypes';
import { scanDelimited } from './delimitedReader';
import { scanJsonLines } from './jsonLinesReader';
import { openParquet, readParquetRows } from './parquetReader';
import { emptyFileError, fieldCountError, headerMismatchError, type TableFile } from './tableFile';

/** Rows of each file read at registration: enough to catch a wrong separator or format without reading 1 GB. */
export const HEAD_CHECK_ROWS = 1000;

/**
 * Refuses, before anything is stored, tables that cannot be read: an empty file, a row whose field count is not
 * the header's (its line), files whose headers differ (Azure's ALL_FILES_HAVE_SAME_HEADERS), JSON lines that are
 * not objects, Parquet files that do not decode. Reads the head of each file only.
 */
export async function checkTableHead(files: TableFile[], options: TabularOptions): Promise<void> {
  if (options.format === 'parquet') return checkParquetHeads(files);
  let first: { file: TableFile; header: string[] | null; count: number } | null = null;
  for (const file of files) {
    if (file.size === 0) throw emptyFileError(file);
    if (options.format === 'jsonl') {
      await scanJsonLines({ file, options, maxRows: HEAD_CHECK_ROWS, onRow: () => undefined });
      continue;
    }
    await scanDelimited({
      file,
      options,
      maxRows: HEAD_CHECK_ROWS,
      onHeader: (header, count) => {
        if (!first) first = { file, header, count };
        else checkSameHeader(first, file, header, count);
      },
      onRow: () => undefined,
    });
  }
}

/** Every file's header (or, without headers, its first row's field count) must be the first file's. */
export function checkSameHeader(
  first: { file: TableFile; header: string[] | null; count: number },
  file: TableFile,
  header: string[] | null,
  count: number,
): void {
  if (first.header && header) {
    const same = header.length === first.header.length && header.every((name, i) => name === first.header?.[i]);
    if (!same) throw headerMismatchError(first.file, first.header, file, header);
  } else if (count !== first.count) {
    throw fieldCountError(file, 1, first.count, count, false);
  }
}

async function checkParquetHeads(files: TableFile[]): Promise<void> {
  let first: { file: TableFile; names: string[] } | null = null;
  for (const file of files) {
    const table = await openParquet(file);
    const names = table.columns.map((column) => column.name);
    if (!first) first = { file, names };
    else if (names.join('\u0000') !== first.names.join('\u0000')) {
      throw headerMismatchError(first.file, first.names, file, names);
    }
    if (table.rowCount > 0) await readParquetRows(table, 0, Math.min(HEAD_CHECK_ROWS, table.rowCount));
  }
}
