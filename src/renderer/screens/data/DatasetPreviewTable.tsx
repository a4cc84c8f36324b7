import { useEffect, useState } from 'react';
import type { DatasetPreview, DatasetRecord } from '../../../shared/api/datasetTypes';
import { ErrorMessage } from '../../components/ErrorBanner';
import { asApiError } from '../../stores/ui';
import { client } from '../../transport/client';
import type { ApiError } from '../../../shared/errors';

/** Rows shown: enough to see the data's shape; the registry reads only the head of the files for them. */
const PREVIEW_ROWS = 50;

/** A cell as read: null shows as an empty, dimmed cell so it differs from the text "null". */
function Cell({ value }: { value: string | number | boolean | null }) {
  if (value === null) return <td className="null-cell" aria-label="missing" />;
  return <td className={typeof value === 'number' ? 'num' : undefined}>{String(value)}</td>;
}

/** The first rows of a tabular version, with each column's type. */
export function DatasetPreviewTable({ dataset }: { dataset: DatasetRecord }) {
  const [preview, setPreview] = useState<DatasetPreview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    client.datasets
      .preview({ name: dataset.name, version: dataset.version, rows: PREVIEW_ROWS })
      .then(setPreview, (e: unknown) => setError(asApiError(e)));
  }, [dataset.name, dataset.version]);
  return (
    <section aria-label="Preview">
      <h4>Preview</h4>
      {error ? <ErrorMessage error={error} /> : null}
      {!preview && !error ? <p className="muted">Reading the first rows...</p> : null}
      {preview ? (
        <>
          <div className="table-scroll">
            <table className="table data-table" aria-label="Preview rows">
              <thead>
                <tr>
                  {preview.columns.map((c, i) => (
                    <th key={i} scope="col" className={c.type === 'int' || c.type === 'float' ? 'num' : undefined}>
                      {c.name} <span className="col-type">{c.type}</span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row, r) => (
                  <tr key={r}>
                    {row.map((value, c) => (
                      <Cell key={c} value={value} />
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted">
            {preview.rows.length === 0
              ? 'The table has no rows.'
              : preview.truncated
                ? `The first ${preview.rows.length} rows.`
                : `All ${preview.rows.length} rows.`}
          </p>
        </>
      ) : null}
    </section>
  );
}
