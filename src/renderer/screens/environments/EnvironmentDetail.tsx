import { useState } from 'react';
import type { EnvironmentRecord } from '../../../shared/api/types';
import { condaPackagesOf, pipPackagesOf, pythonVersionOf } from '../../../shared/environments/definition';
import { EmptyState } from '../../components/EmptyState';
import { Time } from '../../components/Time';
import { useEnvironments } from '../../stores/environments';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { BuildPanel } from './BuildPanel';
import { WheelhouseButton } from './WheelhouseButton';
import { DefinitionYaml } from './DefinitionYaml';
import { DockerfilePanel } from './DockerfilePanel';
import { VersionDiff } from './VersionDiff';
import { ExportBundleButton } from '../bundles/ExportBundle';

type Tab = 'overview' | 'build' | 'lock' | 'versions' | 'definition' | 'dockerfile';

function Overview({ record }: { record: EnvironmentRecord }) {
  const def = record.definition;
  const vars = Object.entries(def.environmentVariables);
  return (
    <dl className="facts">
      <dt>Python</dt>
      <dd>
        {def.python.userManagedDependencies
          ? `user-managed: ${def.python.interpreterPath}`
          : (pythonVersionOf(def) ?? 'default interpreter')}
      </dd>
      <dt>Conda packages</dt>
      <dd>
        {condaPackagesOf(def)
          .filter((p) => !/^(python|pip)(\s|=|>|<|~|$)/i.test(p))
          .join(', ') || '-'}
      </dd>
      <dt>Pip packages</dt>
      <dd>{pipPackagesOf(def).join(', ') || '-'}</dd>
      <dt>Environment variables</dt>
      <dd>{vars.length ? vars.map(([k, v]) => `${k}=${v}`).join(', ') : '-'}</dd>
      <dt>Docker base image</dt>
      <dd>{def.docker.baseDockerfile ? 'from a Dockerfile' : (def.docker.baseImage ?? '-')}</dd>
      <dt>Build key</dt>
      <dd>
        <code>{record.buildKey}</code> ({record.backend})
      </dd>
      <dt>Build</dt>
      <dd>
        {record.build ? `${record.build.state}${record.build.path ? ` at ${record.build.path}` : ''}` : 'not built'}
      </dd>
      <dt>Registered</dt>
      <dd>
        <Time iso={record.createdAt} />
      </dd>
    </dl>
  );
}

function Lock({ record }: { record: EnvironmentRecord }) {
  const lock = record.build?.state === 'ready' ? record.build.lock : [];
  if (lock.length === 0)
    return <p className="muted">The lock (exact installed versions) appears after a successful build.</p>;
  return (
    <table className="table" aria-label="Installed packages">
      <thead>
        <tr>
          <th>Package</th>
          <th>Version</th>
        </tr>
      </thead>
      <tbody>
        {lock.map((p) => (
          <tr key={p.name}>
            <td>{p.name}</td>
            <td>{p.version}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Export({ record }: { record: EnvironmentRecord }) {
  const [dir, setDir] = useState('');
  const download = async () => {
    try {
      const result = await client.environments.download({ name: record.name, version: record.version, directory: dir });
      useUi.getState().notify(`Saved ${result.files.join(', ')} to ${result.directory}`);
    } catch (err) {
      useUi.getState().showError(err);
    }
  };
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        void download();
      }}
    >
      <label>
        Download to folder <input value={dir} onChange={(e) => setDir(e.target.value)} placeholder="/path/to/folder" />
      </label>
      <button type="submit" disabled={!dir.trim()}>
        Download
      </button>
    </form>
  );
}

export function EnvironmentDetail() {
  const { selected, versions, setMode, version, setVersion } = useEnvironments();
  const [tab, setTab] = useState<Tab>('overview');
  if (!selected)
    return (
      <EmptyState icon="◇" title="Pick an environment">
        Choose one on the left, or create a new one. Environments are versioned: every change you register becomes a new
        version, and identical content reuses its build.
      </EmptyState>
    );
  if (!versions) return <div className="muted pad">Loading {selected}...</div>;
  const record = versions.find((v) => v.version === version) ?? versions[0];
  if (!record) return null;
  const tabs: [Tab, string][] = [
    ['overview', 'Overview'],
    ['build', 'Build'],
    ['lock', 'Lock'],
    ['versions', 'Versions & diff'],
    ['definition', 'Definition'],
    ['dockerfile', 'Dockerfile'],
  ];
  return (
    <article className="detail" aria-label={`Environment ${record.name}`}>
      <header className="detail-header">
        <h2>{record.name}</h2>
        <select aria-label="Version" value={record.version} onChange={(e) => setVersion(e.target.value)}>
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              version {v.version}
            </option>
          ))}
        </select>
        {record.curated ? <span className="badge">curated · read-only</span> : null}
        <span className="spacer" />
        <ExportBundleButton parts={[{ kind: 'environment', name: record.name, version: record.version }]} />
        {record.curated ? (
          <button type="button" onClick={() => setMode({ kind: 'edit', base: record, clone: true })}>
            Clone to edit
          </button>
        ) : (
          <button type="button" onClick={() => setMode({ kind: 'edit', base: record, clone: false })}>
            Edit (new version)
          </button>
        )}
      </header>
      <div role="tablist" className="tabs">
        {tabs.map(([id, title]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            className={tab === id ? 'active' : ''}
            onClick={() => setTab(id)}
          >
            {title}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="tabpanel">
        {tab === 'overview' ? (
          <>
            <Overview record={record} />
            <Export record={record} />
          </>
        ) : null}
        {tab === 'build' ? <BuildPanel record={record} /> : null}
        {tab === 'build' ? <WheelhouseButton record={record} /> : null}
        {tab === 'lock' ? <Lock record={record} /> : null}
        {tab === 'versions' ? <VersionDiff versions={versions} /> : null}
        {tab === 'definition' ? <DefinitionYaml definition={record.definition} /> : null}
        {tab === 'dockerfile' ? <DockerfilePanel record={record} /> : null}
      </div>
    </article>
  );
}
