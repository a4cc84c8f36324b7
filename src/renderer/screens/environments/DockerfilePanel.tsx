import { useEffect, useState } from 'react';
import type { BuildInfo, EnvironmentRecord } from '../../../shared/api/types';
import type { CallOutput } from '../../../shared/api/contract';
import { toApiError } from '../../../shared/errors';
import { CodeEditor } from '../../components/editor/CodeEditor';
import { client } from '../../transport/client';
import { Time } from '../../components/Time';

type Generated = CallOutput<'docker.dockerfile'>;

/** The Dockerfile the environment's image builds from, and whether its base images are on the engine. */
export function DockerfilePanel({ record }: { record: EnvironmentRecord }) {
  // Keyed by version, so switching versions starts from a clean state.
  return <DockerfileView key={`${record.name}:${record.version}`} record={record} />;
}

function DockerfileView({ record }: { record: EnvironmentRecord }) {
  const [generated, setGenerated] = useState<Generated | null>(null);
  const [present, setPresent] = useState<Set<string> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [build, setBuild] = useState<BuildInfo | null>(null);
  useEffect(() => {
    let live = true;
    client.docker
      .dockerfile({ name: record.name, version: record.version })
      .then(async (g) => {
        const info = await client.builds.info({ buildKey: g.buildKey });
        if (!live) return;
        setGenerated(g);
        setBuild(info);
      })
      .catch((err: unknown) => live && setError(toApiError(err).message));
    // The engine may be down: the Dockerfile still shows, only the base image check is missing.
    client.docker
      .images({})
      .then((images) => live && setPresent(new Set(images.flatMap((i) => i.tags))))
      .catch(() => live && setPresent(null));
    return () => {
      live = false;
    };
  }, [record.name, record.version]);
  if (error)
    return (
      <div className="error" role="alert">
        {error}
      </div>
    );
  if (!generated) return <p className="muted">Generating…</p>;
  return (
    <div className="dockerfile-panel">
      <dl className="facts">
        <dt>Image</dt>
        <dd>
          <code>{generated.imageTag}</code>
        </dd>
        <dt>Interpreter</dt>
        <dd>
          <code>{generated.pythonPath}</code>
        </dd>
        <dt>Base images</dt>
        <dd>
          {generated.baseImages.map((image) => (
            <span key={image} className="base-image">
              <code>{image}</code>{' '}
              {present === null ? (
                <span className="muted">(engine not reachable)</span>
              ) : present.has(image) || present.has(`${image}:latest`) ? (
                <span className="badge cached">on the engine</span>
              ) : (
                <span
                  className="badge failed"
                  title="Nothing is pulled from registries: load it in Settings → Docker engine, or make one with scripts/make-base-image.sh"
                >
                  missing: load it in Settings
                </span>
              )}
            </span>
          ))}
        </dd>
        <dt>Built</dt>
        <dd data-testid="image-build">
          {build ? (
            <>
              {build.state} {build.finishedAt ? <Time iso={build.finishedAt} /> : null}
              {build.state === 'ready' ? `, ${build.lock.length} packages (Python ${build.pythonVersion ?? '?'})` : ''}
            </>
          ) : (
            'not yet: Build tab → Build as a Docker image'
          )}
        </dd>
      </dl>
      <CodeEditor language="dockerfile" value={generated.dockerfile} readOnly label="Generated Dockerfile" />
      {build?.state === 'ready' && build.lock.length ? (
        <details>
          <summary>Installed in the image ({build.lock.length})</summary>
          <table className="table" aria-label="Packages in the image">
            <thead>
              <tr>
                <th>Package</th>
                <th>Version</th>
              </tr>
            </thead>
            <tbody>
              {build.lock.map((p) => (
                <tr key={p.name}>
                  <td>{p.name}</td>
                  <td>{p.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </div>
  );
}
