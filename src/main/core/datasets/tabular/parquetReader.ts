import type { AsyncBuffer, ColumnData, Compressors, FileMetaData, SchemaElement } from 'hyparquet';
import type { ColumnType } from '../../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../../shared/errors';
import { emptyFileError, type TableFile } from './tableFile';

/**
 * Parquet through hyparquet (pure JS, no native build; hyparquet-compressors adds gzip/zstd/brotli/lz4 to its
 * snappy): the footer gives the schema and row groups, and rows are decoded one row group at a time.
 */
export interface ParquetTable {
  file: TableFile;
  buffer: AsyncBuffer;
  metadata: FileMetaData;
  columns: { name: string; type: ColumnType }[];
  /** Per column: a DATE (no time of day), shown as YYYY-MM-DD as pandas shows a datetime.date. */
  dateOnly: boolean[];
  rowCount: number;
}

type Hyparquet = typeof import('hyparquet');
let loaded: Promise<{ hyparquet: Hyparquet; compressors: Compressors }> | null = null;

/** hyparquet is an ES module: imported when a Parquet file is first read (the CLI bundle is CommonJS). */
function library(): Promise<{ hyparquet: Hyparquet; compressors: Compressors }> {
  loaded ??= Promise.all([import('hyparquet'), import('hyparquet-compressors')]).then(([hyparquet, extra]) => ({
    hyparquet,
    compressors: extra.compressors,
  }));
  return loaded;
}

export async function openParquet(file: TableFile): Promise<ParquetTable> {
  if (file.size === 0) throw emptyFileError(file);
  const { hyparquet } = await library();
  try {
    const buffer = await hyparquet.asyncBufferFromFile(file.absolute);
    const metadata = await hyparquet.parquetMetadataAsync(buffer);
    const children = hyparquet.parquetSchema(metadata).children;
    const columns = children.map((child) => ({
      name: child.element.name,
      type: child.children.length > 0 ? ('string' as const) : parquetColumnType(child.element),
    }));
    const dateOnly = children.map(
      ({ element }) => element.logical_type?.type === 'DATE' || element.converted_type === 'DATE',
    );
    return { file, buffer, metadata, columns, dateOnly, rowCount: Number(metadata.num_rows) };
  } catch (error) {
    throw new BenchtopError(
      'PARSE_ERROR',
      `${file.path} is not a readable Parquet file: ${(error as Error).message}.`,
      'Check the file (pandas: `pd.read_parquet(path)`), or give the right --format (csv, tsv, parquet, jsonl).',
      { file: file.path },
    );
  }
}

/** The column type pandas shows for a Parquet column, from the schema (not guessed from values). */
export function parquetColumnType(element: SchemaElement): ColumnType {
  const logical = element.logical_type?.type;
  const converted = element.converted_type;
  if (logical === 'TIMESTAMP' || logical === 'DATE' || element.type === 'INT96') return 'datetime';
  if (converted === 'DATE' || converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS') return 'datetime';
  if (logical === 'DECIMAL' || converted === 'DECIMAL' || logical === 'FLOAT16') return 'float';
  if (logical === 'TIME' || converted === 'TIME_MILLIS' || converted === 'TIME_MICROS') return 'string';
  switch (element.type) {
    case 'BOOLEAN':
      return 'bool';
    case 'INT32':
    case 'INT64':
      return 'int';
    case 'FLOAT':
    case 'DOUBLE':
      return 'float';
    default:
      return 'string';
  }
}

/** Rows [rowStart, rowEnd) as arrays in column order. */
export async function readParquetRows(table: ParquetTable, rowStart: number, rowEnd: number): Promise<unknown[][]> {
  const { hyparquet, compressors } = await library();
  let rows: unknown[][] = [];
  await decoding(table, () =>
    hyparquet.parquetRead({
      file: table.buffer,
      metadata: table.metadata,
      compressors,
      rowStart,
      rowEnd,
      onComplete: (data) => (rows = data as unknown[][]),
    }),
  );
  return rows;
}

/**
 * Hands every row group's columns to ON_COLUMN, one row group at a time (so memory is one row group's, whatever
 * the file's size); ON_ROW_GROUP gets the bytes of the file covered so far.
 */
export async function scanParquetColumns(
  table: ParquetTable,
  onColumn: (name: string, values: ArrayLike<unknown>) => void,
  onRowGroup: (bytesDone: number) => void,
): Promise<void> {
  const { hyparquet, compressors } = await library();
  let rowStart = 0;
  let bytes = 0;
  for (const group of table.metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const start = rowStart;
    await decoding(table, () =>
      hyparquet.parquetRead({
        file: table.buffer,
        metadata: table.metadata,
        compressors,
        rowStart: start,
        rowEnd,
        onChunk: (chunk: ColumnData) => onColumn(chunk.columnName, inRange(chunk, start, rowEnd)),
      }),
    );
    for (const column of group.columns) bytes += Number(column.meta_data?.total_compressed_size ?? 0);
    onRowGroup(Math.min(bytes, table.file.size));
    rowStart = rowEnd;
  }
}

/** A chunk may hold rows outside the group asked for (hyparquet decodes whole pages): keep the group's rows. */
function inRange(chunk: ColumnData, rowStart: number, rowEnd: number): ArrayLike<unknown> {
  if (chunk.rowStart >= rowStart && chunk.rowEnd <= rowEnd) return chunk.columnData;
  const from = Math.max(0, rowStart - chunk.rowStart);
  const to = Math.min(chunk.columnData.length, rowEnd - chunk.rowStart);
  return Array.prototype.slice.call(chunk.columnData, from, to) as unknown[];
}

async function decoding(table: ParquetTable, read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch (error) {
    throw new BenchtopError(
      'PARSE_ERROR',
      `${table.file.path}: its Parquet data cannot be decoded: ${(error as Error).message}.`,
      'Check the file with pandas (`pd.read_parquet(path)`); rewrite it with a common codec (snappy, gzip or zstd).',
      { file: table.file.path },
    );
  }
}

/** A Parquet value as a preview cell: numbers, booleans, text (dates as ISO 8601) or null. */
export function parquetCell(value: unknown, dateOnly = false): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isNaN(value) ? null : value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (value instanceof Date) return dateText(value, dateOnly);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? inner.toString() : inner));
}

/** A Parquet date-time as ISO 8601 text (UTC, as stored); a DATE column's values without the time of day. */
export function dateText(value: Date, dateOnly: boolean): string {
  const iso = value.toISOString();
  return dateOnly ? iso.slice(0, 10) : iso;
}
