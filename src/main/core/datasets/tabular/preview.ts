import type { ColumnType, DatasetPreview, TabularOptions } from '../../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../../shared/errors';
import { isMissingText, textIsTrue } from './cellValues';
import { addJsonValue, ColumnStats } from './columnStats';
import { scanDelimited } from './delimitedReader';
import { scanJsonLines } from './jsonLinesReader';
import { openParquet, parquetCell, readParquetRows } from './parquetReader';
import { columnNames, type TableFile } from './tableFile';

type Cell = DatasetPreview['rows'][number][number];

/**
 * The first ROWS rows, read from the head of the first file(s) only: each file is read until enough rows are in
 * (one row more, to know whether there are more), then closed, so a 1 GB file previews as fast as a small one.
 * Column types are those pandas would give the rows shown (Parquet: the schema's).
 */
export async function previewTable(files: TableFile[], options: TabularOptions, rows: number): Promise<DatasetPreview> {
  if (!Number.isInteger(rows) || rows < 0) {
    throw new BenchtopError(
      'BAD_INPUT',
      `A preview's row count must be a whole number >= 0, not ${rows}.`,
      'Give e.g. `-r 20`.',
    );
  }
  switch (options.format) {
    case 'delimited':
      return previewDelimited(files, options, rows);
    case 'jsonl':
      return previewJsonLines(files, options, rows);
    case 'parquet':
      return previewParquet(files, rows);
  }
}

async function previewDelimited(files: TableFile[], options: TabularOptions, rows: number): Promise<DatasetPreview> {
  let names: string[] | null = null;
  const read: string[][] = [];
  for (const file of files) {
    if (read.length > rows) break;
    await scanDelimited({
      file,
      options,
      maxRows: rows + 1 - read.length,
      onHeader: (header, count) => void (names ??= columnNames(header, count)),
      onRow: (fields) => read.push(fields),
    });
  }
  const columns = (names ?? []).map((name) => new ColumnStats(name, options.inferColumnTypes === false));
  const shown = read.slice(0, rows);
  for (const fields of shown) fields.forEach((text, i) => columns[i]?.addText(text));
  const types = columns.map((column) => column.type);
  return {
    columns: columns.map((column) => ({ name: column.name, type: column.type })),
    rows: shown.map((fields) => types.map((type, i) => textCell(fields[i] ?? '', type))),
    truncated: read.length > rows,
  };
}

/** A delimited cell as the value pandas would hold in a column of TYPE. */
function textCell(text: string, type: ColumnType): Cell {
  if (isMissingText(text)) return null;
  if (type === 'int' || type === 'float') return Number(text);
  if (type === 'bool') return textIsTrue(text);
  return text;
}

async function previewJsonLines(files: TableFile[], options: TabularOptions, rows: number): Promise<DatasetPreview> {
  const read: Record<string, unknown>[] = [];
  for (const file of files) {
    if (read.length > rows) break;
    await scanJsonLines({ file, options, maxRows: rows + 1 - read.length, onRow: (row) => read.push(row) });
  }
  const shown = read.slice(0, rows);
  const columns = new Map<string, ColumnStats>();
  for (const row of shown) {
    for (const [key, value] of Object.entries(row)) {
      let column = columns.get(key);
      if (!column) columns.set(key, (column = new ColumnStats(key)));
      addJsonValue(column, value);
    }
  }
  const names = [...columns.keys()];
  return {
    columns: [...columns.values()].map((column) => ({ name: column.name, type: column.type })),
    rows: shown.map((row) => names.map((name) => jsonCell(row[name]))),
    truncated: read.length > rows,
  };
}

function jsonCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  return JSON.stringify(value);
}

async function previewParquet(files: TableFile[], rows: number): Promise<DatasetPreview> {
  let columns: DatasetPreview['columns'] = [];
  const shown: Cell[][] = [];
  let total = 0;
  for (const [index, file] of files.entries()) {
    const table = await openParquet(file);
    if (index === 0) columns = table.columns;
    total += table.rowCount;
    const wanted = Math.min(rows - shown.length, table.rowCount);
    if (wanted > 0) {
      for (const row of await readParquetRows(table, 0, wanted)) {
        shown.push(row.map((value, i) => parquetCell(value, table.dateOnly[i])));
      }
    }
    if (total > rows) break;
  }
  return { columns, rows: shown, truncated: total > rows };
}
