import { useState } from 'react';
import type { DatasetRecord } from '../../../shared/api/datasetTypes';
import { formatBytes } from '../../../shared/format';
import { openRun } from './datasetLinks';
import { rowsText } from './datasetFormat';
import { describeTabular } from './tabularChoice';
import { Time } from '../../components/Time';

function Description({ value, onSave }: { value: string | null; onSave(text: string): Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(value ?? '');
  if (!editing)
    return (
      <>
        {value ?? <span className="muted">none</span>}{' '}
        <button
          type="button"
          className="link"
          onClick={() => {
            setText(value ?? '');
            setEditing(true);
          }}
        >
          Edit
        </button>
      </>
    );
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave(text.trim()).then(() => setEditing(false));
      }}
    >
      <input aria-label="Description" value={text} onChange={(e) => setText(e.target.value)} autoFocus />
      <button type="submit">Save</button>
      <button type="button" onClick={() => setEditing(false)}>
        Close
      </button>
    </form>
  );
}

/** What a version is: id, kind and reading options, content, where it came from. */
export function DatasetSummary({
  dataset,
  onDescription,
}: {
  dataset: DatasetRecord;
  onDescription(text: string): Promise<void>;
}) {
  return (
    <dl className="facts" aria-label="Summary">
      <dt>Kind</dt>
      <dd>
        {dataset.kind === 'tabular' && dataset.tabular
          ? `Tabular (${describeTabular(dataset.tabular)})`
          : 'File (the files as they are)'}
      </dd>
      <dt>Description</dt>
      <dd>
        <Description key={dataset.id} value={dataset.description} onSave={onDescription} />
      </dd>
      <dt>Content</dt>
      <dd>
        {dataset.fileCount} file{dataset.fileCount === 1 ? '' : 's'}, {formatBytes(dataset.size)}
        {dataset.profile ? `, ${rowsText(dataset.profile.rowCount)}` : ''}
      </dd>
      <dt>Registered</dt>
      <dd>
        <Time iso={dataset.createdAt} /> from{' '}
        {dataset.source.map((s) => (
          <code key={s} className="arg">
            {s}
          </code>
        ))}
      </dd>
      {dataset.runId ? (
        <>
          <dt>Registered by run</dt>
          <dd>
            <button type="button" className="link" onClick={() => openRun(dataset.runId as string)}>
              {dataset.runId}
            </button>
          </dd>
        </>
      ) : null}
      <dt>Id</dt>
      <dd>
        <code>{dataset.id}</code> <span className="muted">(Dataset.get_by_id)</span>
      </dd>
      <dt>Content digest</dt>
      <dd>
        <code title="BLAKE3 of the files and how they are read: the same content is the same version">
          {dataset.contentDigest.slice(0, 16)}…
        </code>
      </dd>
    </dl>
  );
}
