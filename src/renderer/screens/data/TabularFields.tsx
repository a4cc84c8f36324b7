import { type FormatChoice, type TabularChoice, formatFromPath } from './tabularChoice';

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
