import path from 'node:path';
import {
  DATASET_NAME_PATTERN,
  type DatasetKind,
  type TabularFormat,
  TabularOptions,
} from '../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../shared/errors';
import { contentHasher } from '../models/contentHash';
import type { SourceFile } from './datasetSources';

export function checkDatasetName(name: string | undefined): string {
  if (!name?.trim())
    throw new BenchtopError(
      'BAD_INPUT',
      'A dataset needs a name.',
      'Name it with -n NAME (or register it as --anonymous for an unnamed run input).',
    );
  if (!DATASET_NAME_PATTERN.test(name))
    throw new BenchtopError(
      'INVALID_NAME',
      `"${name}" is not a valid dataset name.`,
      'Use 1 to 255 letters, digits, ".", "_" or "-", starting with a letter or a digit (e.g. iris-train).',
    );
  return name;
}

/** The extensions each format's files have: what `--tabular` without `--format` reads a file as. */
const FORMAT_EXTENSIONS: Record<TabularFormat, string[]> = {
  delimited: ['.csv', '.tsv', '.txt', '.psv'],
  parquet: ['.parquet', '.pq'],
  jsonl: ['.jsonl', '.json', '.ndjson'],
};

function formatOf(file: string): TabularFormat | null {
  const ext = path.extname(file).toLowerCase();
  for (const [format, extensions] of Object.entries(FORMAT_EXTENSIONS))
    if (extensions.includes(ext)) return format as TabularFormat;
  return null;
}

/**
 * How a tabular dataset's files are read, and which of them are tables. Without a format the files' extensions
 * decide (as Azure's from_delimited_files / from_parquet_files / from_json_lines_files would be chosen); other files
 * (a README, Spark's _SUCCESS) stay in the dataset but are not read.
 */
export function resolveTabular(
  files: SourceFile[],
  given: Partial<TabularOptions> | undefined,
  shownAs: string,
): { options: TabularOptions; tables: SourceFile[] } {
  let format = given?.format;
  if (!format) {
    const byFormat = new Map<TabularFormat, SourceFile>();
    for (const file of files) {
      const found = formatOf(file.path);
      if (found && !byFormat.has(found)) byFormat.set(found, file);
    }
    if (byFormat.size > 1) {
      const examples = [...byFormat].map(([f, file]) => `${file.path} (${f})`).join(', ');
      throw new BenchtopError(
        'BAD_INPUT',
        `${shownAs} mixes table formats: ${examples}. A tabular dataset is read in one format.`,
        'Register each format as its own dataset (a glob such as data/**/*.csv picks one), or give --format.',
      );
    }
    format = [...byFormat.keys()][0];
    if (!format)
      throw new BenchtopError(
        'BAD_INPUT',
        `${shownAs} holds no table files (${FORMAT_EXTENSIONS.delimited.join(', ')}, ${FORMAT_EXTENSIONS.parquet.join(', ')}, ${FORMAT_EXTENSIONS.jsonl.join(', ')}).`,
        'Register it as a file dataset (without --tabular), or give --format csv|tsv|parquet|jsonl to say how to read its files.',
      );
  }
  const isTsv = format === 'delimited' && files.some((f) => path.extname(f.path).toLowerCase() === '.tsv');
  const options = TabularOptions.parse({
    ...given,
    format,
    separator: given?.separator ?? (isTsv ? '\t' : ','),
  });
  const matching = files.filter((f) => formatOf(f.path) === format);
  // A format the caller named applies to files whatever they are called (data.dat as CSV).
  const tables = matching.length ? matching : given?.format ? files : [];
  if (!tables.length)
    throw new BenchtopError(
      'BAD_INPUT',
      `${shownAs} holds no ${format} files.`,
      `Give the ${format} files' paths, or register the rest as a file dataset.`,
    );
  return { options, tables };
}

/** Options in one fixed key order, so the same options always give the same digest. */
function canonicalOptions(options: TabularOptions | null): string {
  if (!options) return 'null';
  const { format, separator, header, encoding, inferColumnTypes } = options;
  return JSON.stringify({ format, separator, header, encoding, inferColumnTypes });
}

/** BLAKE3 over the kind, the read options and every (path, digest): equal content, equal digest. */
export async function contentDigestOf(
  kind: DatasetKind,
  tabular: TabularOptions | null,
  files: { path: string; digest: string }[],
): Promise<string> {
  const hasher = await (await contentHasher())();
  hasher.update(Buffer.from(`${kind}\n${canonicalOptions(tabular)}\n`));
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) hasher.update(Buffer.from(`${file.path}\0${file.digest}\n`));
  return hasher.hex();
}

/** A NAME:VERSION reference where the operation must not default to the newest version (update, delete). */
export function requireVersionRef(
  ref: { name: string; version?: number },
  what: string,
): { name: string; version: number } {
  if (ref.version === undefined)
    throw new BenchtopError(
      'BAD_INPUT',
      `"${ref.name}" names no version; ${what} needs one.`,
      `Name the version: ${ref.name}:1 (see \`benchtop data list -n ${ref.name}\`).`,
    );
  return { name: ref.name, version: ref.version };
}
