import { useCallback, useEffect, useState } from 'react';
import type { DatasetDetail } from '../../../shared/api/datasetTypes';
import { formatBytes } from '../../../shared/format';
import { useDatasets } from '../../stores/datasets';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { FileTree } from '../models/FileTree';
import { KeyValueEditor } from '../models/KeyValueEditor';
import { TagChips } from '../models/ModelList';
import { DatasetLineage } from './DatasetLineage';
import { DatasetPreviewTable } from './DatasetPreviewTable';
import { DatasetProfileView } from './DatasetProfile';
import { DatasetSummary } from './DatasetSummary';
import { DeleteDataset } from './DeleteDataset';
import { DownloadDataset } from './DownloadDataset';

const fail = (err: unknown) => useUi.getState().showError(err);

/** One dataset: its versions, and the selected version's summary, data, files, lineage and actions. */
export function DatasetDetailView({ name }: { name: string }) {
  const { versions, version, setVersion, openRegister } = useDatasets();
  const [detail, setDetail] = useState<DatasetDetail | null>(null);
  const load = useCallback(() => {
    if (version === null) return;
    client.datasets.get({ name, version }).then(setDetail, fail);
  }, [name, version]);
  useEffect(load, [load]);
  // A tag, a profile or a run's use changed elsewhere (the CLI, a script): show it now.
  useEffect(
    () =>
      client.on('datasets.changed', (e) => {
        if (e.name === name) load();
      }),
    [name, load],
  );
  const update = async (change: Omit<Parameters<typeof client.datasets.update>[0], 'name' | 'version'>) => {
    if (!detail) return;
    try {
      await client.datasets.update({ name, version: detail.version, ...change });
      load();
      void useDatasets.getState().refresh();
      void useDatasets.getState().reloadVersions();
    } catch (err) {
      fail(err);
    }
  };
  if (!versions) return <div className="muted pad">Loading {name}...</div>;
  const current = detail && detail.version === version ? detail : null;
  return (
    <article className="detail data-detail" aria-label={`Dataset ${name}`}>
      <header className="detail-header">
        <h2>{name}</h2>
        <span className="badge">
          {versions.length} version{versions.length === 1 ? '' : 's'}
        </span>
        <span className="spacer" />
        <button
          type="button"
          onClick={() => openRegister({ name, paths: current?.source, kind: current?.kind, tabular: current?.tabular })}
        >
          Register new version…
        </button>
      </header>
      <div className="table-wide">
        <table className="table versions" aria-label="Versions">
          <thead>
            <tr>
              <th>Version</th>
              <th>Registered</th>
              <th>Kind</th>
              <th>Files</th>
              <th>Size</th>
              <th>Rows</th>
              <th>Tags</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr
                key={v.version}
                className={v.version === version ? 'selected' : ''}
                aria-selected={v.version === version}
              >
                <td>
                  <button type="button" className="link" onClick={() => setVersion(v.version)}>
                    v{v.version}
                  </button>
                </td>
                <td className="when" title={v.createdAt}>
                  {v.createdAt.replace('T', ' ').slice(0, 16)}
                </td>
                <td>{v.kind}</td>
                <td>{v.fileCount}</td>
                <td>{formatBytes(v.size)}</td>
                <td>{v.profile ? v.profile.rowCount.toLocaleString('en-US') : v.kind === 'tabular' ? '?' : ''}</td>
                <td>
                  <TagChips tags={v.tags} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {current ? (
        <section aria-label={`Version ${current.version}`} className="version-detail">
          <h3>
            {current.name}:{current.version}
          </h3>
          <DatasetSummary dataset={current} onDescription={(description) => update({ description })} />
          <DatasetLineage dataset={current} />
          <KeyValueEditor
            title="Tags"
            noun="tag"
            values={current.tags}
            onAdd={(key, value) => update({ addTags: { [key]: value } })}
            onRemove={(key) => update({ removeTags: [key] })}
          />
          {current.kind === 'tabular' ? (
            <>
              <DatasetPreviewTable key={`preview-${current.id}`} dataset={current} />
              <DatasetProfileView dataset={current} onComputed={load} />
            </>
          ) : null}
          <h4>Files</h4>
          <FileTree files={current.files} />
          <DownloadDataset dataset={current} />
          <h4>Delete</h4>
          <DeleteDataset dataset={current} />
        </section>
      ) : null}
    </article>
  );
}
