import { useEffect, useState } from 'react';
import type { CacheEntry } from '../../shared/api/types';
import { EmptyState } from '../components/ErrorBanner';
import { useUi } from '../stores/ui';
import { client } from '../transport/client';
import { formatBytes } from '../../shared/format';

/** Built environments on disk, with their sizes, and ways to reclaim the space. */
export function CacheScreen() {
  const [entries, setEntries] = useState<CacheEntry[] | null>(null);
  const [keep, setKeep] = useState(3);
  const load = () =>
    void client.cache
      .list({})
      .then(setEntries)
      .catch((e: unknown) => useUi.getState().showError(e));
  useEffect(load, []);
  const prune = async (input: { keep?: number; buildKeys?: string[] }) => {
    try {
      const result = await client.cache.prune(input);
      useUi.getState().notify(`Removed ${result.removed.length} build(s), freed ${formatBytes(result.freedBytes)}.`);
      load();
    } catch (err) {
      useUi.getState().showError(err);
    }
  };
  if (entries === null) return <div className="muted pad">Loading the cache...</div>;
  const total = entries.reduce((sum, e) => sum + (e.sizeBytes ?? 0), 0);
  return (
    <section className="page" aria-label="Build cache">
      <header className="detail-header">
        <h2>Build cache</h2>
        <span className="muted">
          {entries.length} build(s), {formatBytes(total)}
        </span>
        <span className="spacer" />
        <label>
          Keep{' '}
          <input
            type="number"
            min={0}
            value={keep}
            onChange={(e) => setKeep(Number(e.target.value))}
            style={{ width: '4em' }}
          />{' '}
          most recent
        </label>
        <button type="button" onClick={() => void prune({ keep })}>
          Prune
        </button>
        <button type="button" onClick={() => void prune({})}>
          Remove failed
        </button>
      </header>
      {entries.length === 0 ? (
        <EmptyState title="Nothing built yet">
          Build an environment on the Environments screen; each distinct definition is built once and shows up here with
          its size.
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Build key</th>
              <th>Backend</th>
              <th>State</th>
              <th>Size</th>
              <th>Last used</th>
              <th>Used by</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.buildKey}>
                <td>
                  <code>{e.buildKey}</code>
                </td>
                <td>
                  {e.backend === 'docker' ? (
                    <>
                      image <code>benchtop/env:{e.buildKey.slice(0, 8)}…</code>
                    </>
                  ) : (
                    e.backend
                  )}
                </td>
                <td>
                  <span className={`state ${e.state}`}>{e.state}</span>
                </td>
                <td>{formatBytes(e.sizeBytes)}</td>
                <td>{e.lastUsedAt ?? '-'}</td>
                <td>{e.environments.join(', ') || '-'}</td>
                <td>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => void prune({ buildKeys: [e.buildKey] })}
                    aria-label={`Remove ${e.buildKey}`}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
