import { useEffect, useState } from 'react';
import type { CacheEntry } from '../../shared/api/types';
import { formatBytes } from '../../shared/format';
import { useConfirm } from '../components/ConfirmDialog';
import { EmptyState } from '../components/EmptyState';
import { Time } from '../components/Time';
import { useUi } from '../stores/ui';
import { client } from '../transport/client';
import { ACTIVE_RUN_STATUSES, type CacheDependents, dependentsOf } from './cacheDependents';

/** Fetches the services and active runs once, for the confirmation. */
async function loadDependents(entry: CacheEntry): Promise<CacheDependents> {
  const [services, ...runLists] = await Promise.all([
    client.services.list({}),
    ...ACTIVE_RUN_STATUSES.map((status) => client.runs.list({ status, limit: 500 })),
  ]);
  return dependentsOf(
    entry,
    services,
    runLists.flatMap((l) => l.runs),
  );
}

const shortKey = (key: string) => `${key.slice(0, 12)}…`;

/** Built environments on disk, with their sizes, and ways to reclaim the space. Every removal asks first. */
export function CacheScreen() {
  const [entries, setEntries] = useState<CacheEntry[] | null>(null);
  const [keep, setKeep] = useState(3);
  const [busy, setBusy] = useState(false);
  const confirm = useConfirm();
  const load = () =>
    void client.cache
      .list({})
      .then(setEntries)
      .catch((e: unknown) => useUi.getState().showError(e));
  useEffect(load, []);
  const prune = async (input: { keep?: number; buildKeys?: string[] }) => {
    setBusy(true);
    try {
      const result = await client.cache.prune(input);
      useUi.getState().notify(`Removed ${result.removed.length} build(s), freed ${formatBytes(result.freedBytes)}.`);
      load();
    } catch (err) {
      useUi.getState().showError(err);
    } finally {
      setBusy(false);
    }
  };
  const removeOne = async (entry: CacheEntry) => {
    let dependents;
    try {
      dependents = await loadDependents(entry);
    } catch (err) {
      useUi.getState().showError(err);
      return;
    }
    const title = `Remove build ${shortKey(entry.buildKey)}?`;
    if (dependents.active.length > 0) {
      await confirm({
        title,
        dependents: dependents.active,
        dependentsLabel: 'In use right now by',
        blocked: 'This build is in use. Stop or delete the service, or cancel the run, then remove the build.',
      });
      return;
    }
    const ok = await confirm({
      title,
      message: `${entry.backend === 'docker' ? 'The image is removed from the Docker engine' : 'Its files are deleted'} (${formatBytes(entry.sizeBytes)}). The environments below stay registered; their next build or run builds it again.`,
      dependents: dependents.environments,
      dependentsLabel: 'Environment versions built by it',
      confirmLabel: 'Remove',
    });
    if (ok) await prune({ buildKeys: [entry.buildKey] });
  };
  const pruneOld = async () => {
    const doomed = (entries ?? []).filter((e) => e.state === 'ready').slice(keep);
    const failed = (entries ?? []).filter((e) => e.state !== 'ready' && e.state !== 'building');
    const ok = await confirm({
      title: `Prune the build cache?`,
      message: `Keeps the ${keep} most recently used build(s); removes ${doomed.length} older build(s) and ${failed.length} failed or unfinished one(s). Builds in use are kept.`,
      dependents: doomed.flatMap((e) => e.environments),
      dependentsLabel: 'Environment versions to be built again',
      confirmLabel: 'Prune',
    });
    if (ok) await prune({ keep });
  };
  const removeFailed = async () => {
    const failed = (entries ?? []).filter((e) => e.state !== 'ready' && e.state !== 'building');
    const ok = await confirm({
      title: 'Remove failed builds?',
      message: `Removes ${failed.length} failed or unfinished build(s); ready builds are kept.`,
      confirmLabel: 'Remove',
    });
    if (ok) await prune({});
  };
  if (entries === null) return <div className="muted pad">Loading the cache…</div>;
  const total = entries.reduce((sum, e) => sum + (e.sizeBytes ?? 0), 0);
  return (
    <section className="page" aria-label="Build cache">
      <header className="detail-header">
        <h2>Build cache</h2>
        <span className="count-badge" aria-label={`${entries.length} builds`}>
          {entries.length}
        </span>
        <span className="muted">{formatBytes(total)} on disk</span>
        <span className="spacer" />
        <label className="inline">
          Keep
          <input
            type="number"
            min={0}
            value={keep}
            onChange={(e) => setKeep(Math.max(0, Number(e.target.value)))}
            className="narrow"
            aria-label="Builds to keep"
          />
          most recent
        </label>
        <button type="button" onClick={() => void pruneOld()} disabled={busy || entries.length === 0}>
          Prune…
        </button>
        <button type="button" onClick={() => void removeFailed()} disabled={busy || entries.length === 0}>
          Remove failed…
        </button>
      </header>
      {entries.length === 0 ? (
        <EmptyState icon="▦" title="Nothing built yet">
          Build an environment on the Environments screen; each distinct definition is built once and shows up here with
          its size.
        </EmptyState>
      ) : (
        <div className="table-wide">
          <table className="table cache-table">
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
                    <code title={e.buildKey}>{shortKey(e.buildKey)}</code>
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
                  <td>
                    <Time iso={e.lastUsedAt ?? e.finishedAt} />
                  </td>
                  <td>{e.environments.join(', ') || '-'}</td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      disabled={busy}
                      onClick={() => void removeOne(e)}
                      aria-label={`Remove ${e.buildKey}`}
                    >
                      Remove…
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
