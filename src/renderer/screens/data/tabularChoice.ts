import type { TabularOptions } from '../../../shared/api/datasetTypes';

/** The formats offered, as the CLI's --format names them; "auto" follows the first path's extension. */
export type FormatChoice = 'auto' | 'csv' | 'tsv' | 'parquet' | 'jsonl';

export interface TabularChoice {
  format: FormatChoice;
  /** Delimited only; empty: the format's own (, or tab). */
  separator: string;
  header: boolean;
}

/** The format an extension means (as `benchtop data register --tabular` reads it); null: not known. */
export function formatFromPath(path: string | undefined): Exclude<FormatChoice, 'auto'> | null {
  const ext = /\.([a-z0-9]+)$/i.exec(path ?? '')?.[1]?.toLowerCase();
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv') return 'tsv';
  if (ext === 'parquet') return 'parquet';
  if (ext === 'jsonl' || ext === 'json') return 'jsonl';
  return null;
}

/** The registry's options for what the form says; an error when "auto" cannot tell from the paths. */
export function tabularOptions(
  choice: TabularChoice,
  paths: string[],
): { options: TabularOptions | null; error: string | null } {
  const format = choice.format === 'auto' ? formatFromPath(paths[0]) : choice.format;
  if (!format)
    return {
      options: null,
      error: paths.length ? `Cannot tell the format from "${paths[0]}": choose CSV, TSV, Parquet or JSON lines.` : null,
    };
  if (format === 'parquet' || format === 'jsonl')
    return {
      options: { format, separator: ',', header: true, encoding: 'utf8', inferColumnTypes: true },
      error: null,
    };
  const separator = choice.separator === '\\t' ? '\t' : choice.separator || (format === 'tsv' ? '\t' : ',');
  if (separator.length !== 1) return { options: null, error: 'The separator is one character (or \\t for a tab).' };
  return {
    options: { format: 'delimited', separator, header: choice.header, encoding: 'utf8', inferColumnTypes: true },
    error: null,
  };
}

/** The form's choice for a version's options (Register new version starts from them). */
export function choiceFrom(options: TabularOptions | null | undefined): TabularChoice {
  if (!options) return { format: 'auto', separator: '', header: true };
  if (options.format !== 'delimited') return { format: options.format, separator: '', header: true };
  const tab = options.separator === '\t';
  return {
    format: tab ? 'tsv' : 'csv',
    separator: tab || options.separator === ',' ? '' : options.separator,
    header: options.header,
  };
}

/** "CSV, separator ',', header row": how a tabular dataset's files are read. */
export function describeTabular(options: TabularOptions): string {
  if (options.format === 'parquet') return 'Parquet';
  if (options.format === 'jsonl') return 'JSON lines';
  const separator = options.separator === '\t' ? 'tab' : `"${options.separator}"`;
  return `delimited, separator ${separator}, ${options.header ? 'first line is the header' : 'no header line'}`;
}
