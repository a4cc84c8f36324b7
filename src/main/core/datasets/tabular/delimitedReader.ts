import { parse, type CsvError } from 'csv-parse';
import fs from 'node:fs';
import type { TabularOptions } from '../../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../../shared/errors';
import { emptyFileError, fieldCountError, separatorOf, type BytesRead, type TableFile } from './tableFile';

export interface DelimitedScan {
  file: TableFile;
  options: TabularOptions;
  /** Stop (and close the file) once this many data rows were read. */
  maxRows?: number;
  /** The first line's fields when the files have a header; else null (called once, before any row). */
  onHeader(header: string[] | null, fieldCount: number): void;
  onRow(fields: string[], line: number): void;
  onBytes?: BytesRead;
  /** Bytes per read: small for a preview (it reads the head only), large for a profile. */
  chunkBytes?: number;
}

/**
 * Streams one delimited file through csv-parse (quoted fields, embedded newlines, BOMs and CRLF handled by a
 * maintained parser rather than our own) and hands each record to the caller without keeping any. Returns the
 * number of data rows read and whether the whole file was read.
 */
export async function scanDelimited(scan: DelimitedScan): Promise<{ rows: number; complete: boolean }> {
  const { file, options } = scan;
  const header = options.header ?? true;
  let expected = -1;
  let rows = 0;
  let stopped = false;
  let failure: Error | null = null;
  const parser = parse({
    delimiter: separatorOf(options),
    encoding: options.encoding === 'latin1' ? 'latin1' : 'utf8',
    bom: true,
    // pandas keeps a stray quote inside an unquoted field as text, and skips blank lines.
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    on_record: (record: string[], info: { lines: number }) => {
      if (stopped) return null;
      try {
        if (expected < 0) {
          expected = record.length;
          scan.onHeader(header ? record : null, expected);
          if (header) return null;
        }
        if (record.length !== expected) throw fieldCountError(file, info.lines, expected, record.length, header);
        scan.onRow(record, info.lines);
        rows++;
        if (scan.maxRows !== undefined && rows >= scan.maxRows) stopped = true;
      } catch (error) {
        failure = error as Error;
        stopped = true;
      }
      return null;
    },
  });
  let csvFailure: CsvError | null = null;
  const parsed = new Promise<void>((resolve) => {
    parser.on('error', (error: CsvError) => {
      csvFailure ??= error;
      stopped = true;
      resolve();
    });
    parser.on('end', resolve);
  });
  // Records are consumed in on_record; nothing is queued, but the readable side must flow for 'end' to come.
  parser.resume();

  const stream = fs.createReadStream(file.absolute, { highWaterMark: scan.chunkBytes ?? 64 * 1024 });
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      parser.write(chunk);
      scan.onBytes?.(bytes);
      if (stopped) break;
    }
  } finally {
    stream.destroy();
  }
  if (failure) {
    parser.destroy();
    throw failure;
  }
  if (csvFailure) throw csvError(file, csvFailure);
  if (stopped) {
    // The rest of the file is not read: ending the parser here would report a quote cut in half as an error.
    parser.destroy();
    return { rows, complete: false };
  }
  parser.end();
  await parsed;
  if (csvFailure) throw csvError(file, csvFailure);
  if (failure) throw failure;
  if (expected < 0) throw emptyFileError(file);
  return { rows, complete: true };
}

/** csv-parse's own errors (a quote never closed...) with the file and line a user can open. */
function csvError(file: TableFile, error: CsvError): BenchtopError {
  const line = typeof error.lines === 'number' ? error.lines : undefined;
  return new BenchtopError(
    'PARSE_ERROR',
    `${file.path}${line ? ` line ${line}` : ''}: ${error.message}`,
    'Fix the file there (a quoted field must end with a double quote), or check the --separator and --format.',
    { file: file.path, line },
  );
}
