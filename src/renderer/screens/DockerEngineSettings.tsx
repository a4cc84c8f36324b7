import { useCallback, useEffect, useState } from 'react';
import type { EngineStatus, ImageSummary } from '../../shared/api/dockerTypes';
import type { Settings } from '../../shared/api/types';
import { formatBytes } from '../../shared/format';
import { PathField } from '../components/PathField';
import { useUi } from '../stores/ui';
import { client } from '../transport/client';
import { Time } from '../components/Time';

/** Which engine to use, its state (running, version, images, disk used), its images, and loading a base image from a file. */
export function DockerEngineSettings({
  settings,
  onSaved,
}: {
  settings: Settings;
  onSaved: (settings: Settings) => void;
}) {
  const dockerHost = settings.dockerHost;
  const [address, setAddress] = useState(dockerHost ?? '');
  const [status, setStatus] = useState<EngineStatus | null>(null);
  const [images, setImages] = useState<ImageSummary[]>([]);
  const [checking, setChecking] = useState(false);
  const [file, setFile] = useState('');
  const [tag, setTag] = useState('');
  const [loading, setLoading] = useState(false);
  const showError = useUi((s) => s.showError);

  /** Asks the engine; state is set only when the answer comes (never synchronously inside an effect). */
  const fetchEngine = useCallback(
    () =>
      client.docker
        .status({})
        .then(async (next) => {
          const list = next.running ? await client.docker.images({}) : [];
          setStatus(next);
          setImages(list);
        })
        .catch(showError),
    [showError],
  );
  const refresh = async () => {
    setChecking(true);
    await fetchEngine();
    setChecking(false);
  };
  useEffect(() => {
    void fetchEngine();
  }, [fetchEngine, dockerHost]);

  const save = async () => {
    try {
      onSaved(await client.settings.update({ dockerHost: address.trim() || null }));
    } catch (err) {
      showError(err);
    }
  };
  const setDefaultBase = async (image: string) => {
    try {
      onSaved(await client.settings.update({ dockerDefaultBaseImage: image || null }));
    } catch (err) {
      showError(err);
    }
  };
  const baseChoices = images.flatMap((i) => i.tags).filter((t) => !t.startsWith('benchtop/env:'));
  if (settings.dockerDefaultBaseImage && !baseChoices.includes(settings.dockerDefaultBaseImage))
    baseChoices.unshift(settings.dockerDefaultBaseImage);
  const load = async () => {
    setLoading(true);
    try {
      const result = await client.docker.load({ file, ...(tag.trim() ? { tag: tag.trim() } : {}) });
      useUi.getState().notify(result.tags.length ? `Loaded ${result.tags.join(', ')}` : 'Loaded.');
      setFile('');
      setTag('');
      await refresh();
    } catch (err) {
      showError(err);
    } finally {
      setLoading(false);
    }
  };

  return (
    <section aria-label="Docker engine">
      <h3>Docker engine</h3>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label>
          Engine address
          <input
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            placeholder="local (DOCKER_HOST, else /var/run/docker.sock)"
            aria-describedby="engine-help"
          />
        </label>
        <button type="submit" disabled={(address.trim() || null) === dockerHost}>
          Use this engine
        </button>
        <button type="button" onClick={() => void refresh()} disabled={checking}>
          {checking ? 'Checking…' : 'Check again'}
        </button>
      </form>
      <p id="engine-help" className="muted">
        unix:///path/docker.sock, tcp://HOST:2375 or ssh://USER@HOST for a bigger machine. A remote engine runs
        containers with copies of the run's files; services need a local one.
      </p>
      {status === null ? (
        <p className="muted">Asking the engine…</p>
      ) : status.running ? (
        <dl className="facts" data-testid="engine-status">
          <dt>State</dt>
          <dd>
            <span className="state completed">running</span> at <code>{status.url}</code> (
            {status.local ? 'local' : 'remote'})
          </dd>
          <dt>Version</dt>
          <dd>
            Docker {status.version} (API {status.apiVersion}), {status.os}
          </dd>
          <dt>Images</dt>
          <dd>
            {status.images} ({formatBytes(status.diskUsedBytes ?? 0)} on disk), {status.containers} containers
          </dd>
          <dt>GPUs</dt>
          <dd>
            {status.runtimes.includes('nvidia')
              ? 'NVIDIA runtime present: environments may ask for --gpus'
              : 'no NVIDIA runtime (GPU requests are refused)'}
          </dd>
        </dl>
      ) : (
        <div className="error" role="alert" data-testid="engine-status">
          <strong>{status.error?.message ?? 'The engine is not running.'}</strong>
          {status.error?.hint ? <div className="hint">{status.error.hint}</div> : null}
        </div>
      )}
      {status?.running ? (
        <>
          <label>
            Base image for environments without one of their own (Azure's default cannot be pulled here)
            <select
              aria-label="Default base image"
              value={settings.dockerDefaultBaseImage ?? ''}
              onChange={(e) => void setDefaultBase(e.target.value)}
            >
              <option value="">none: such environments need Azure's image loaded</option>
              {baseChoices.map((tag) => (
                <option key={tag} value={tag}>
                  {tag}
                </option>
              ))}
            </select>
          </label>
          <h4>Images</h4>
          {images.length === 0 ? (
            <p className="muted">
              No images. Nothing is pulled from registries: load a base image below, or make one with
              scripts/make-base-image.sh.
            </p>
          ) : (
            <table className="table" aria-label="Docker images">
              <thead>
                <tr>
                  <th>Image</th>
                  <th>ID</th>
                  <th>Size</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {images.map((i) => (
                  <tr key={i.id}>
                    <td>{i.tags.join(', ') || <span className="muted">untagged</span>}</td>
                    <td>
                      <code>{i.id.replace(/^sha256:/, '').slice(0, 12)}</code>
                    </td>
                    <td>{formatBytes(i.sizeBytes)}</td>
                    <td>
                      <Time iso={i.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault();
              void load();
            }}
          >
            <PathField
              label="Load an image from a file (docker save, or a root filesystem tarball)"
              value={file}
              onChange={setFile}
              kinds={['file']}
              placeholder="/path/to/image.tar"
            />
            <label>
              Name for a root filesystem tarball
              <input
                value={tag}
                onChange={(e) => setTag(e.target.value)}
                placeholder="mybase:1 (a docker save file keeps its own)"
              />
            </label>
            <div className="row">
              <button type="submit" disabled={!file.trim() || loading}>
                {loading ? 'Loading…' : 'Load image'}
              </button>
            </div>
          </form>
        </>
      ) : null}
    </section>
  );
}
