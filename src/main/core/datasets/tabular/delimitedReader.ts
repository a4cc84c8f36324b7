import { parse, type CsvError } from 'csv-parse';
import fs from 'node:fs';
import { once } from 'node:events';
import type { TabularOptions } from '../../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../../shared/errors';
import { emptyFileError, fieldCountError, separatorOf, type BytesRead, type TableFile } from './tableFile';

/**
 * The longest row read (characters): a quote never closed would otherwise make the rest of a 1 GB file one field
 * held in memory; past this it is refused with its line instead.
 */
export const MAX_ROW_CHARS = 32 * 1024 * 1024;

export interface DelimitedScan {
  file: TableFile;
  options: TabularOptions;
  /** Stop (and close the file) once this many data rows were read. */
  maxRows?: number;
  /** The first line's fields when the files have a header; else null (called once, before any row). */
  onHeader(header: string[] | null, fieldCount: number): void;
  onRow(fields: string[]): void;
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
    skip_empty_lines: true,
    // csv-parse itself refuses a record whose field count is not the first record's, with its line number: the
    // check costs nothing per record (an `on_record` callback for line numbers would cost 2x the parse).
    relax_column_count: false,
    max_record_size: MAX_ROW_CHARS,
  });
  parser.on('data', (record: string[]) => {
    if (stopped) return;
    try {
      if (expected < 0) {
        expected = record.length;
        scan.onHeader(header ? record : null, expected);
        if (header) return;
      }
      scan.onRow(record);
      rows++;
      if (scan.maxRows !== undefined && rows >= scan.maxRows) stopped = true;
    } catch (error) {
      failure = error as Error;
      stopped = true;
    }
  });
  let csvFailure: CsvError | null = null;
  const ended = new Promise<void>((resolve) => {
    parser.on('error', (error: CsvError) => {
      csvFailure ??= error;
      stopped = true;
      resolve();
    });
    parser.on('end', resolve);
  });

  const stream = fs.createReadStream(file.absolute, { highWaterMark: scan.chunkBytes ?? 64 * 1024 });
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      // Records go to 'data' as they are parsed; waiting for 'drain' keeps memory at one chunk if they do not.
      if (!parser.write(chunk) && !stopped) await Promise.race([once(parser, 'drain'), ended]);
      scan.onBytes?.(bytes);
      if (stopped) break;
    }
  } finally {
    stream.destroy();
  }
  if (!stopped) {
    parser.end();
    await ended;
  }
  parser.destroy();
  if (failure) throw failure;
  if (csvFailure) throw csvError(file, csvFailure, expected, header);
  if (stopped) return { rows, complete: false };
  if (expected < 0) throw emptyFileError(file);
  return { rows, complete: true };
}

/** csv-parse's own errors (a row of the wrong length, a quote never closed) with the file and line to open. */
function csvError(file: TableFile, error: CsvError, expected: number, header: boolean): BenchtopError {
  const line = typeof error.lines === 'number' ? error.lines : undefined;
  if (error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' && line !== undefined && Array.isArray(error.record)) {
    return fieldCountError(file, line, expected, error.record.length, header);
  }
  if (error.code === 'CSV_MAX_RECORD_SIZE') {
    return new BenchtopError(
      'PARSE_ERROR',
      `${file.path}${line ? ` line ${line}` : ''}: a row over ${MAX_ROW_CHARS / 2 ** 20} Mi characters long.`,
      'Usually a double quote opened before that line and never closed, or the wrong --separator or --format.',
      { file: file.path, line },
    );
  }
  return new BenchtopError(
    'PARSE_ERROR',
    `${file.path}${line ? ` line ${line}` : ''}: ${error.message}`,
    'Fix the file there (a quoted field must end with a double quote), or check the --separator and --format.',
    { file: file.path, line },
  );
}
