import fs from 'node:fs';
import readline from 'node:readline';
import type { TabularOptions } from '../../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../../shared/errors';
import { emptyFileError, type BytesRead, type TableFile } from './tableFile';

export interface JsonLinesScan {
  file: TableFile;
  options: TabularOptions;
  maxRows?: number;
  onRow(row: Record<string, unknown>, line: number): void;
  onBytes?: BytesRead;
  chunkBytes?: number;
}

/**
 * Streams a JSON lines file: one object per line (node's readline splits, JSON.parse reads: a line holds one
 * whole JSON value, so no streaming JSON parser is needed). Blank lines are skipped, as pandas does.
 */
export async function scanJsonLines(scan: JsonLinesScan): Promise<{ rows: number; complete: boolean }> {
  const { file } = scan;
  const stream = fs.createReadStream(file.absolute, {
    encoding: scan.options.encoding === 'latin1' ? 'latin1' : 'utf8',
    highWaterMark: scan.chunkBytes ?? 64 * 1024,
  });
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let rows = 0;
  let line = 0;
  let complete = true;
  let reported = 0;
  try {
    for await (const text of lines) {
      line++;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) {
        if (text.length > 1) rows += handle(scan, text.slice(1), line);
      } else if (text.trim() !== '') {
        rows += handle(scan, text, line);
      }
      if (scan.onBytes && stream.bytesRead !== reported) scan.onBytes((reported = stream.bytesRead));
      if (scan.maxRows !== undefined && rows >= scan.maxRows) {
        complete = false;
        break;
      }
    }
  } finally {
    lines.close();
    stream.destroy();
  }
  if (complete && rows === 0) throw emptyFileError(file);
  return { rows, complete };
}

function handle(scan: JsonLinesScan, text: string, line: number): 1 {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw lineError(scan.file, line, `not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw lineError(
      scan.file,
      line,
      `expected a JSON object, found ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`,
    );
  }
  scan.onRow(value as Record<string, unknown>, line);
  return 1;
}

function lineError(file: TableFile, line: number, problem: string): BenchtopError {
  return new BenchtopError(
    'PARSE_ERROR',
    `${file.path} line ${line}: ${problem}.`,
    'Each line of a JSON lines file must be one JSON object ({"column": value, ...}); fix that line.',
    { file: file.path, line },
  );
}
