import type { ColumnProfile, DatasetRecord } from '../../../shared/api/datasetTypes';
import { client } from '../../transport/client';
import { JobProgressRow } from '../models/JobProgress';
import { useJobRequest } from '../models/useJobRequest';
import { formatStat, rowsText } from './datasetFormat';

/** The profile's figures, right-aligned as numbers (ColumnRow gives them in this order). */
const NUMBER_COLUMNS = ['Missing', 'Min', 'Max', 'Mean'];

function ColumnRow({ column }: { column: ColumnProfile }) {
  return (
    <tr>
      <th scope="row">{column.name}</th>
      <td>{column.type}</td>
      <td className="num">{column.missing}</td>
      <td className="num">{formatStat(column.min)}</td>
      <td className="num">{formatStat(column.max)}</td>
      <td className="num">{formatStat(column.mean)}</td>
    </tr>
  );
}

/** A tabular version's profile, or the button that computes it (a job: progress, cancel). */
export function DatasetProfileView({ dataset, onComputed }: { dataset: DatasetRecord; onComputed(): void }) {
  const { job, busy, run, cancel } = useJobRequest();
  const compute = (recompute: boolean) =>
    run(async (requestId) => {
      await client.datasets.profile({ name: dataset.name, version: dataset.version, recompute, requestId });
      onComputed();
    });
  const profile = dataset.profile;
  return (
    <section aria-label="Profile">
      <h4>Profile</h4>
      {profile ? (
        <>
          <p>
            <strong>{rowsText(profile.rowCount)}</strong>, {profile.columns.length} columns{' '}
            <span className="muted">
              (computed {profile.computedAt.replace('T', ' ').slice(0, 19)} in {profile.seconds.toFixed(1)} s)
            </span>
          </p>
          <div className="table-scroll">
            <table className="table data-table" aria-label="Column profile">
              <thead>
                <tr>
                  <th scope="col">Column</th>
                  <th scope="col">Type</th>
                  {NUMBER_COLUMNS.map((heading) => (
                    <th key={heading} scope="col" className="num">
                      {heading}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {profile.columns.map((c, i) => (
                  <ColumnRow key={i} column={c} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : (
        <p className="muted">
          Not computed yet: row count, and each column&apos;s type, missing values, min, max and mean (read once,
          through every file).
        </p>
      )}
      <div className="row">
        {busy ? (
          <JobProgressRow label="Profile progress" job={job} cancel={cancel} cancelLabel="Cancel profile" />
        ) : (
          <button type="button" className={profile ? '' : 'primary'} onClick={() => void compute(Boolean(profile))}>
            {profile ? 'Recompute profile' : 'Compute profile'}
          </button>
        )}
      </div>
    </section>
  );
}
