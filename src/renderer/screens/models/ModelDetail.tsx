import { useCallback, useEffect, useState } from 'react';
import type { ModelDetail } from '../../../shared/api/modelTypes';
import { formatBytes } from '../../../shared/format';
import { useEnvironments } from '../../stores/environments';
import { useModels } from '../../stores/models';
import { useRuns } from '../../stores/runs';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { DownloadModel } from './DownloadModel';
import { FileTree } from './FileTree';
import { TagChips } from './ModelList';
import { KeyValueEditor } from './KeyValueEditor';
import { MlflowInfo } from './MlflowInfo';
import { ModelDatasets } from '../data/ModelDatasets';

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
        {model.createdAt.replace('T', ' ').slice(0, 19)} from <code>{model.source ?? '-'}</code>
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

export function ModelDetailView({ name }: { name: string }) {
  const { versions, version, setVersion, openRegister } = useModels();
  const [detail, setDetail] = useState<ModelDetail | null>(null);
  const load = useCallback(() => {
    if (version === null) return;
    client.models.get({ name, version }).then(setDetail, fail);
  }, [name, version]);
  useEffect(load, [load]);
  useEffect(
    () =>
      client.on('models.changed', (e) => {
        if (e.name === name) load();
      }),
    [name, load],
  );
  const update = async (change: Parameters<typeof client.models.update>[0]) => {
    try {
      await client.models.update(change);
      load();
      void useModels.getState().refresh();
      void useModels.getState().reloadVersions();
    } catch (err) {
      fail(err);
    }
  };
  if (!versions) return <div className="muted pad">Loading {name}...</div>;
  return (
    <article className="detail" aria-label={`Model ${name}`}>
      <header className="detail-header">
        <h2>{name}</h2>
        <span className="badge">
          {versions.length} version{versions.length === 1 ? '' : 's'}
        </span>
        <span className="spacer" />
        <button type="button" onClick={() => openRegister({ name })}>
          Register new version…
        </button>
      </header>
      <table className="table versions" aria-label="Versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Registered</th>
            <th>Framework</th>
            <th>Size</th>
            <th>Tags</th>
            <th>Run</th>
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
              <td>{v.createdAt.replace('T', ' ').slice(0, 19)}</td>
              <td>{v.framework}</td>
              <td>{formatBytes(v.size)}</td>
              <td>
                <TagChips tags={v.tags} />
              </td>
              <td>{v.runId ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
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
          <h4>Delete</h4>
          <DeleteVersion model={detail} />
        </section>
      ) : null}
    </article>
  );
}
