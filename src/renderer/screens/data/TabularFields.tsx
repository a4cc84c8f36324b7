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
function formatFromPath(path: string | undefined): Exclude<FormatChoice, 'auto'> | null {
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

/** Format, separator and header line of a tabular dataset. */
export function TabularFields({
  choice,
  onChange,
  paths,
}: {
  choice: TabularChoice;
  onChange(choice: TabularChoice): void;
  paths: string[];
}) {
  const detected = formatFromPath(paths[0]);
  const format = choice.format === 'auto' ? detected : choice.format;
  const delimited = format === 'csv' || format === 'tsv' || format === null;
  return (
    <div className="row tabular-fields">
      <label>
        Format
        <select
          aria-label="Format"
          value={choice.format}
          onChange={(e) => onChange({ ...choice, format: e.target.value as FormatChoice })}
        >
          <option value="auto">From the extension{detected ? ` (${detected})` : ''}</option>
          <option value="csv">CSV (delimited)</option>
          <option value="tsv">TSV (tab separated)</option>
          <option value="parquet">Parquet</option>
          <option value="jsonl">JSON lines</option>
        </select>
      </label>
      {delimited ? (
        <>
          <label>
            Separator
            <input
              aria-label="Separator"
              className="narrow"
              value={choice.separator}
              placeholder={format === 'tsv' ? '\\t' : ','}
              onChange={(e) => onChange({ ...choice, separator: e.target.value })}
            />
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={choice.header}
              onChange={(e) => onChange({ ...choice, header: e.target.checked })}
            />{' '}
            First line is the header
          </label>
        </>
      ) : null}
    </div>
  );
}
