import type { DatasetDetail } from '../../../shared/api/datasetTypes';
import { formatBytes } from '../../../shared/format';
import { useDatasets } from '../../stores/datasets';
import { client } from '../../transport/client';
import { useVersionDetail } from '../../components/useVersionDetail';
import { VersionsHeader } from '../../components/VersionsHeader';
import { VersionsTable } from '../../components/VersionsTable';
import { FileTree } from '../models/FileTree';
import { KeyValueEditor } from '../models/KeyValueEditor';
import { TagChips } from '../models/ModelList';
import { DatasetLineage } from './DatasetLineage';
import { DatasetPreviewTable } from './DatasetPreviewTable';
import { DatasetProfileView } from './DatasetProfile';
import { DatasetSummary } from './DatasetSummary';
import { DeleteDataset } from './DeleteDataset';
import { DownloadDataset } from './DownloadDataset';
import { Time } from '../../components/Time';

const fetchDataset = (name: string, version: number) => client.datasets.get({ name, version });

/** One dataset: its versions, and the selected version's summary, data, files, lineage and actions. */
export function DatasetDetailView({ name }: { name: string }) {
  const { versions, version, setVersion, openRegister } = useDatasets();
  // A tag, a profile or a run's use changed elsewhere (the CLI, a script): the hook shows it now.
  const { detail, load, saveChange } = useVersionDetail<DatasetDetail>({
    name,
    version,
    fetchDetail: fetchDataset,
    changedEvent: 'datasets.changed',
    lists: useDatasets,
  });
  const update = async (change: Omit<Parameters<typeof client.datasets.update>[0], 'name' | 'version'>) => {
    if (detail) await saveChange(() => client.datasets.update({ name, version: detail.version, ...change }));
  };
  if (!versions) return <div className="muted pad">Loading {name}...</div>;
  const current = detail && detail.version === version ? detail : null;
  return (
    <article className="detail data-detail" aria-label={`Dataset ${name}`}>
      <VersionsHeader
        name={name}
        count={versions.length}
        onRegisterNew={() =>
          openRegister({ name, paths: current?.source, kind: current?.kind, tabular: current?.tabular })
        }
      />
      <div className="table-wide">
        <VersionsTable
          versions={versions}
          selected={version}
          onSelect={setVersion}
          headers={['Registered', 'Kind', 'Files', 'Size', 'Rows', 'Tags']}
          cells={(v) => (
            <>
              <td className="when">
                <Time iso={v.createdAt} />
              </td>
              <td>{v.kind}</td>
              <td>{v.fileCount}</td>
              <td>{formatBytes(v.size)}</td>
              <td>{v.profile ? v.profile.rowCount.toLocaleString('en-US') : v.kind === 'tabular' ? '?' : ''}</td>
              <td>
                <TagChips tags={v.tags} />
              </td>
            </>
          )}
        />
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
