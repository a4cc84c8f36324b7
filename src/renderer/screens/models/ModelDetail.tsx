import { useState } from 'react';
import type { ModelDetail } from '../../../shared/api/modelTypes';
import { formatBytes } from '../../../shared/format';
import { useEnvironments } from '../../stores/environments';
import { useModels } from '../../stores/models';
import { useRuns } from '../../stores/runs';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { useVersionDetail } from '../../components/useVersionDetail';
import { VersionsHeader } from '../../components/VersionsHeader';
import { VersionsTable } from '../../components/VersionsTable';
import { DownloadModel } from './DownloadModel';
import { FileTree } from './FileTree';
import { TagChips } from './ModelList';
import { KeyValueEditor } from './KeyValueEditor';
import { MlflowInfo } from './MlflowInfo';
import { ModelDatasets } from '../data/ModelDatasets';
import { Time } from '../../components/Time';
import { ExportBundleButton } from '../bundles/ExportBundle';

const fail = (err: unknown) => useUi.getState().showError(err);

function openRun(runId: string) {
  useUi.getState().setScreen('runs');
  useRuns.getState().setView({ kind: 'detail', runId });
}

function openEnvironment(reference: string) {
  useUi.getState().setScreen('environments');
  void useEnvironments.getState().select(reference.split(':')[0] ?? reference);
}

function Lineage({ model }: { model: ModelDetail }) {
  return (
    <dl className="facts">
      <dt>Description</dt>
      <dd>{model.description ?? <span className="muted">none</span>}</dd>
      <dt>Framework</dt>
      <dd>
        {model.framework}
        {model.frameworkVersion ? ` ${model.frameworkVersion}` : ''}
      </dd>
      <dt>Content</dt>
      <dd>
        {model.kind === 'file' ? 'file' : `folder, ${model.fileCount} files`}, {formatBytes(model.size)}
      </dd>
      <dt>Registered</dt>
      <dd>
        <Time iso={model.createdAt} /> from <code>{model.source ?? '-'}</code>
      </dd>
      <dt>Run</dt>
      <dd>
        {model.runId ? (
          <button type="button" className="link" onClick={() => openRun(model.runId as string)}>
            {model.runId}
          </button>
        ) : (
          <span className="muted">not from a run</span>
        )}
        {model.experiment ? <span className="muted"> · experiment {model.experiment}</span> : null}
      </dd>
      <dt>Environment</dt>
      <dd>
        {model.environment ? (
          <button type="button" className="link" onClick={() => openEnvironment(model.environment as string)}>
            {model.environment}
          </button>
        ) : (
          <span className="muted">-</span>
        )}
      </dd>
      <dt>Used by</dt>
      <dd>{model.usedBy.length ? model.usedBy.join(', ') : <span className="muted">no service</span>}</dd>
    </dl>
  );
}

function DeleteVersion({ model }: { model: ModelDetail }) {
  const [confirming, setConfirming] = useState(false);
  const remove = async () => {
    try {
      const { freedBytes } = await client.models.delete({ name: model.name, version: model.version });
      useUi.getState().notify(`Deleted ${model.id} (freed ${formatBytes(freedBytes)}).`);
      await useModels.getState().refresh();
      if (model.versions <= 1) await useModels.getState().select(null);
      else await useModels.getState().reloadVersions();
    } catch (err) {
      fail(err);
    }
  };
  if (model.usedBy.length)
    return (
      <p className="muted">
        Used by {model.usedBy.join(', ')}: delete or update those services to delete this version.
      </p>
    );
  return confirming ? (
    <div className="row" role="group" aria-label="Confirm delete">
      <span>Delete {model.id}? Its files go unless another version has the same content.</span>
      <button type="button" className="danger" onClick={() => void remove()}>
        Delete {model.id}
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        Keep it
      </button>
    </div>
  ) : (
    <button type="button" className="danger" onClick={() => setConfirming(true)}>
      Delete version {model.version}…
    </button>
  );
}

const fetchModel = (name: string, version: number) => client.models.get({ name, version });

export function ModelDetailView({ name }: { name: string }) {
  const { versions, version, setVersion, openRegister } = useModels();
  const { detail, saveChange } = useVersionDetail<ModelDetail>({
    name,
    version,
    fetchDetail: fetchModel,
    changedEvent: 'models.changed',
    lists: useModels,
  });
  const update = (change: Parameters<typeof client.models.update>[0]) => saveChange(() => client.models.update(change));
  if (!versions) return <div className="muted pad">Loading {name}...</div>;
  return (
    <article className="detail" aria-label={`Model ${name}`}>
      <VersionsHeader name={name} count={versions.length} onRegisterNew={() => openRegister({ name })} />
      <VersionsTable
        versions={versions}
        selected={version}
        onSelect={setVersion}
        headers={['Registered', 'Framework', 'Size', 'Tags', 'Run']}
        cells={(v) => (
          <>
            <td>
              <Time iso={v.createdAt} />
            </td>
            <td>{v.framework}</td>
            <td>{formatBytes(v.size)}</td>
            <td>
              <TagChips tags={v.tags} />
            </td>
            <td>{v.runId ?? ''}</td>
          </>
        )}
      />
      {detail && detail.version === version ? (
        <section aria-label={`Version ${detail.version}`} className="version-detail">
          <h3>{detail.id}</h3>
          <Lineage model={detail} />
          <ModelDatasets name={detail.name} version={detail.version} />
          {detail.mlflow ? <MlflowInfo info={detail.mlflow} /> : null}
          <KeyValueEditor
            title="Tags"
            noun="tag"
            values={detail.tags}
            onAdd={(key, value) => update({ name, version: detail.version, addTags: { [key]: value } })}
            onRemove={(key) => update({ name, version: detail.version, removeTags: [key] })}
          />
          <KeyValueEditor
            title="Properties"
            noun="property"
            note="Properties are add-only: once set, a key keeps its value."
            values={detail.properties}
            onAdd={(key, value) => update({ name, version: detail.version, addProperties: { [key]: value } })}
          />
          <h4>Files</h4>
          <FileTree files={detail.files} />
          <DownloadModel model={detail} />
          <ExportBundleButton parts={[{ kind: 'model', name, version: String(detail.version) }]} />
          <h4>Delete</h4>
          <DeleteVersion model={detail} />
        </section>
      ) : null}
    </article>
  );
}
