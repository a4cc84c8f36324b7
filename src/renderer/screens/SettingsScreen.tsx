import { useEffect, useState } from 'react';
import type { AppInfo, Wheel } from '../../shared/api/types';
import { useUi } from '../stores/ui';
import { client } from '../transport/client';
import { DockerEngineSettings } from './DockerEngineSettings';
import { DockerPoolSettings } from './DockerPoolSettings';
import { QueueSettings } from './QueueSettings';
import { SystemMetricsSettings } from './runs/SystemMetricsSettings';
import { ServiceSettings } from './services/ServiceSettings';
import { ThemeSettings } from './ThemeSettings';
import { BundlesSettings } from './bundles/BundlesSettings';

/** Offline mode, installer, conda tool, the interpreters found, the Docker engine, the run queue and pool, and private wheels. */
export function SettingsScreen() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [wheels, setWheels] = useState<Wheel[]>([]);
  const [wheelPath, setWheelPath] = useState('');
  const showError = useUi((s) => s.showError);
  const load = () => {
    void client.app.info({}).then(setInfo).catch(showError);
    void client.wheels.list({}).then(setWheels).catch(showError);
  };
  useEffect(load, [showError]);
  if (!info) return <div className="muted pad">Loading settings...</div>;
  const update = async (patch: Partial<AppInfo['settings']>) => {
    try {
      const settings = await client.settings.update(patch);
      setInfo({ ...info, settings });
    } catch (err) {
      showError(err);
    }
  };
  const addWheel = async () => {
    try {
      const wheel = await client.wheels.add({ path: wheelPath });
      useUi.getState().notify(`Added ${wheel.file}: use "${wheel.reference}" in a pip list.`);
      setWheelPath('');
      load();
    } catch (err) {
      showError(err);
    }
  };
  return (
    <section className="page" aria-label="Settings">
      <h2>Settings</h2>
      <ThemeSettings />
      <dl className="facts">
        <dt>Workspace</dt>
        <dd>
          <code>{info.workspace}</code>
        </dd>
        <dt>Version</dt>
        <dd>
          {info.version} ({info.platform})
        </dd>
        <dt>Conda tool</dt>
        <dd>{info.condaTool ?? 'none found (builds use venv)'}</dd>
        <dt>Pythons found</dt>
        <dd>{info.interpreters.map((i) => `${i.version} (${i.path})`).join(', ') || 'none'}</dd>
      </dl>
      <div className="form">
        <label className="inline">
          <input
            type="checkbox"
            checked={info.settings.offline}
            onChange={(e) => void update({ offline: e.target.checked })}
          />
          Offline mode: install only from the workspace's wheels
        </label>
        <label>
          Installer for venv builds
          <select
            value={info.settings.installer}
            onChange={(e) => void update({ installer: e.target.value as AppInfo['settings']['installer'] })}
          >
            <option value="auto">auto (uv if found, else pip)</option>
            <option value="pip">pip</option>
            <option value="uv">uv</option>
          </select>
        </label>
      </div>
      <DockerEngineSettings settings={info.settings} onSaved={(settings) => setInfo({ ...info, settings })} />
      <QueueSettings settings={info.settings} onSaved={(settings) => setInfo({ ...info, settings })} />
      <SystemMetricsSettings settings={info.settings} onSaved={(settings) => setInfo({ ...info, settings })} />
      <DockerPoolSettings />
      <ServiceSettings settings={info.settings} onSaved={(settings) => setInfo({ ...info, settings })} />
      <BundlesSettings />
      <h3>Private wheels</h3>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void addWheel();
        }}
      >
        <label>
          Wheel file{' '}
          <input
            value={wheelPath}
            onChange={(e) => setWheelPath(e.target.value)}
            placeholder="/path/to/package-1.0-py3-none-any.whl"
          />
        </label>
        <button type="submit" disabled={!wheelPath.trim()}>
          Add wheel
        </button>
      </form>
      {wheels.length === 0 ? (
        <p className="muted">No private wheels. Added wheels install in any build, offline too.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Reference</th>
              <th>File</th>
              <th>SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {wheels.map((w) => (
              <tr key={w.file}>
                <td>
                  <code>{w.reference}</code>
                </td>
                <td>{w.file}</td>
                <td>
                  <code>{w.sha256.slice(0, 16)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
