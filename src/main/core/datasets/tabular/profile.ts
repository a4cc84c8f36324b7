import type { ColumnProfile, TabularOptions } from '../../../../shared/api/datasetTypes';
import { addJsonValue, ColumnStats } from './columnStats';
import { scanDelimited } from './delimitedReader';
import { checkSameHeader } from './headCheck';
import { scanJsonLines } from './jsonLinesReader';
import { dateText, openParquet, scanParquetColumns } from './parquetReader';
import { columnNames, headerMismatchError, type TableFile } from './tableFile';

export interface TableProfile {
  rowCount: number;
  columns: ColumnProfile[];
}

/** Reported as files are read: bytes done of all files, and their total. */
export type ProfileProgress = (doneBytes: number, totalBytes: number) => void;

/** Big reads for a full pass: fewer stream turns per GB. */
const PROFILE_CHUNK = 1024 * 1024;

/**
 * Reads every row of every file once and keeps only running statistics per column (ColumnStats), so memory does
 * not grow with the data. Runs inside the profile worker (profileTable); callable directly where blocking is fine.
 */
export async function profileFiles(
  files: TableFile[],
  options: TabularOptions,
  onProgress: ProfileProgress = () => undefined,
): Promise<TableProfile> {
  const total = files.reduce((sum, file) => sum + file.size, 0);
  let before = 0;
  const progress = (bytes: number) => onProgress(before + bytes, total);
  let profile: TableProfile;
  const perFile = async (read: (file: TableFile) => Promise<void>) => {
    for (const file of files) {
      await read(file);
      before += file.size;
      onProgress(before, total);
    }
  };
  if (options.format === 'delimited') profile = await profileDelimited(options, perFile, progress);
  else if (options.format === 'jsonl') profile = await profileJsonLines(options, perFile, progress);
  else profile = await profileParquet(perFile, progress);
  return profile;
}

type EachFile = (read: (file: TableFile) => Promise<void>) => Promise<void>;

async function profileDelimited(options: TabularOptions, eachFile: EachFile, progress: (bytes: number) => void) {
  let first: { file: TableFile; header: string[] | null; count: number } | null = null;
  let columns: ColumnStats[] = [];
  let rowCount = 0;
  await eachFile(async (file) => {
    const { rows } = await scanDelimited({
      file,
      options,
      chunkBytes: PROFILE_CHUNK,
      onBytes: progress,
      onHeader: (header, count) => {
        if (!first) {
          first = { file, header, count };
          columns = columnNames(header, count).map((name) => new ColumnStats(name, options.inferColumnTypes === false));
        } else checkSameHeader(first, file, header, count);
      },
      onRow: (fields) => {
        for (let i = 0; i < fields.length; i++) (columns[i] as ColumnStats).addText(fields[i] as string);
      },
    });
    rowCount += rows;
  });
  return { rowCount, columns: columns.map((column) => column.profile(rowCount)) };
}

async function profileJsonLines(options: TabularOptions, eachFile: EachFile, progress: (bytes: number) => void) {
  const columns = new Map<string, ColumnStats>();
  let rowCount = 0;
  await eachFile(async (file) => {
    const { rows } = await scanJsonLines({
      file,
      options,
      chunkBytes: PROFILE_CHUNK,
      onBytes: progress,
      onRow: (row) => {
        for (const key in row) {
          let column = columns.get(key);
          if (!column) columns.set(key, (column = new ColumnStats(key)));
          addJsonValue(column, row[key]);
        }
      },
    });
    rowCount += rows;
  });
  // A key a row does not have is missing there: ColumnStats.profile counts rows it never saw as missing.
  return { rowCount, columns: [...columns.values()].map((column) => column.profile(rowCount)) };
}

async function profileParquet(eachFile: EachFile, progress: (bytes: number) => void) {
  let first: { file: TableFile; names: string[] } | null = null;
  let columns = new Map<string, { stats: ColumnStats; integral: boolean; dateOnly: boolean }>();
  let rowCount = 0;
  await eachFile(async (file) => {
    const table = await openParquet(file);
    const names = table.columns.map((column) => column.name);
    if (!first) {
      first = { file, names };
      columns = new Map(
        table.columns.map((column, i) => [
          column.name,
          {
            stats: new ColumnStats(column.name),
            integral: column.type === 'int',
            dateOnly: table.dateOnly[i] === true,
          },
        ]),
      );
    } else if (names.join('\u0000') !== first.names.join('\u0000')) {
      throw headerMismatchError(first.file, first.names, file, names);
    }
    await scanParquetColumns(
      table,
      (name, values) => {
        const column = columns.get(name);
        if (!column) return;
        for (let i = 0; i < values.length; i++) addParquetValue(column, values[i]);
      },
      progress,
    );
    rowCount += table.rowCount;
  });
  return { rowCount, columns: [...columns.values()].map(({ stats }) => stats.profile(rowCount)) };
}

/** A decoded Parquet value (numbers, bigints, booleans, text, Dates; NaN is missing, as pandas' isna says). */
function addParquetValue(
  { stats, integral, dateOnly }: { stats: ColumnStats; integral: boolean; dateOnly: boolean },
  value: unknown,
): void {
  if (value === null || value === undefined) return stats.addMissing();
  if (typeof value === 'number') return Number.isNaN(value) ? stats.addMissing() : stats.addNumber(value, integral);
  if (typeof value === 'bigint') return stats.addNumber(Number(value), true);
  if (typeof value === 'boolean') return stats.addBool();
  if (value instanceof Date) return stats.addDatetime(value.getTime(), dateText(value, dateOnly));
  return stats.addString();
}
