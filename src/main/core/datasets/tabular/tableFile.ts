import type { TabularOptions } from '../../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../../shared/errors';

/** One file of a tabular dataset: `absolute` is where its bytes are (a blob), `path` the name users know it by. */
export interface TableFile {
  absolute: string;
  path: string;
  size: number;
}

/** Called with the bytes read so far of the file being read (not cumulative across files). */
export type BytesRead = (bytes: number) => void;

/** The separator as one character: TabularOptions allows the two-character escape `\t` for a tab. */
export function separatorOf(options: TabularOptions): string {
  const separator = options.separator ?? ',';
  if (separator === '\\t') return '\t';
  if ([...separator].length !== 1) {
    throw new BenchtopError(
      'BAD_INPUT',
      `The separator "${separator}" is not one character.`,
      'Give one character, e.g. `--separator ";"`, or `\\t` for tab-separated files.',
    );
  }
  return separator;
}

export function emptyFileError(file: TableFile): BenchtopError {
  return new BenchtopError(
    'PARSE_ERROR',
    `${file.path} is empty: a tabular dataset's files need at least a header or one row.`,
    'Remove the empty file from the paths, or register the data as a file dataset (without --tabular).',
  );
}

export function fieldCountError(file: TableFile, line: number, expected: number, found: number, header: boolean) {
  return new BenchtopError(
    'PARSE_ERROR',
    `${file.path} line ${line}: expected ${expected} fields (as the ${header ? 'header' : 'first row'}), found ${found}.`,
    'Fix that line (a field with the separator in it needs double quotes), or check the --separator and --format.',
    { file: file.path, line },
  );
}

export function headerMismatchError(first: TableFile, firstHeader: string[], other: TableFile, header: string[]) {
  return new BenchtopError(
    'PARSE_ERROR',
    `${other.path} has a different header than ${first.path}: [${header.join(', ')}] instead of [${firstHeader.join(', ')}].`,
    "All files of a tabular dataset must have the same header (Azure's ALL_FILES_HAVE_SAME_HEADERS): " +
      'register them as separate datasets, or make their headers the same.',
    { file: other.path, line: 1 },
  );
}

/**
 * Column names as pandas gives them: a blank name becomes "Unnamed: I", a repeated one "name.1", "name.2"; a
 * file without a header gets Azure dataprep's Column1, Column2, ...
 */
export function columnNames(header: string[] | null, count: number): string[] {
  if (!header) return Array.from({ length: count }, (_, i) => `Column${i + 1}`);
  const used = new Set<string>();
  return header.map((raw, i) => {
    const base = raw === '' ? `Unnamed: ${i}` : raw;
    let name = base;
    for (let n = 1; used.has(name); n++) name = `${base}.${n}`;
    used.add(name);
    return name;
  });
}
