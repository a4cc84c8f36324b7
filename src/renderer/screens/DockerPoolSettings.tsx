import { useCallback, useEffect, useState } from 'react';
import type { PoolEngine } from '../../shared/api/dockerTypes';
import { useUi } from '../stores/ui';
import { client } from '../transport/client';

/** The Docker pool: engines that pool runs and sweeps (--pool) spread over, each with its slots and use. */
export function DockerPoolSettings() {
  const [pool, setPool] = useState<PoolEngine[] | null>(null);
  const [url, setUrl] = useState('');
  const [slots, setSlots] = useState('2');
  const showError = useUi((s) => s.showError);
  const load = useCallback(() => client.docker.pool({}).then(setPool).catch(showError), [showError]);
  useEffect(() => {
    void load();
  }, [load]);
  const add = async (engineUrl: string, engineSlots: number) => {
    try {
      const answer = await client.docker.poolAdd({ url: engineUrl, slots: engineSlots });
      setPool(answer.pool);
      setUrl('');
      useUi
        .getState()
        .notify(
          answer.previousSlots === null
            ? `Added ${answer.url} with ${engineSlots} slots.`
            : `${answer.url}: ${answer.previousSlots} -> ${engineSlots} slots.`,
        );
    } catch (err) {
      showError(err);
    }
  };
  const remove = async (engineUrl: string) => {
    try {
      setPool((await client.docker.poolRemove({ url: engineUrl })).pool);
    } catch (err) {
      showError(err);
    }
  };
  const slotCount = Number(slots);
  const slotsValid = Number.isInteger(slotCount) && slotCount >= 1;
  return (
    <>
      <h3>Docker pool</h3>
      <p className="muted">
        Runs and sweeps submitted with <code>--pool</code> (or <q>any pool engine</q> when submitting) go to an engine
        here with a free slot; the environment's image is copied or built there first.
      </p>
      {pool === null ? null : pool.length === 0 ? (
        <p className="muted">
          No engines yet. Add <code>local</code> (this machine&apos;s engine) or a <code>tcp://host:2375</code> /{' '}
          <code>ssh://user@host</code> engine.
        </p>
      ) : (
        <table className="table" aria-label="Docker pool">
          <thead>
            <tr>
              <th>Engine</th>
              <th>Slots</th>
              <th>In use</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {pool.map((e) => (
              <PoolRow key={e.url} engine={e} onSlots={(n) => void add(e.url, n)} onRemove={() => void remove(e.url)} />
            ))}
          </tbody>
        </table>
      )}
      <form
        className="row"
        aria-label="Add an engine to the pool"
        onSubmit={(e) => {
          e.preventDefault();
          if (url.trim() && slotsValid) void add(url.trim(), slotCount);
        }}
      >
        <label>
          Engine URL{' '}
          <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="local or tcp://10.0.0.5:2375" />
        </label>
        <label>
          Slots{' '}
          <input className="narrow" type="number" min={1} value={slots} onChange={(e) => setSlots(e.target.value)} />
        </label>
        <button type="submit" disabled={!url.trim() || !slotsValid}>
          Add engine
        </button>
      </form>
    </>
  );
}

function PoolRow({
  engine,
  onSlots,
  onRemove,
}: {
  engine: PoolEngine;
  onSlots: (slots: number) => void;
  onRemove: () => void;
}) {
  const [slots, setSlots] = useState(String(engine.slots));
  const n = Number(slots);
  const changed = Number.isInteger(n) && n >= 1 && n !== engine.slots;
  return (
    <tr>
      <td>
        <code>{engine.url}</code>
        {engine.local ? <span className="muted"> (this machine)</span> : null}
      </td>
      <td>
        <input
          className="narrow"
          type="number"
          min={1}
          aria-label={`Slots of ${engine.url}`}
          value={slots}
          onChange={(e) => setSlots(e.target.value)}
        />{' '}
        {changed ? (
          <button type="button" onClick={() => onSlots(n)}>
            Save
          </button>
        ) : null}
      </td>
      <td>
        {engine.used} of {engine.slots}
      </td>
      <td>
        {engine.reachable ? (
          <span className="state completed">reachable</span>
        ) : (
          <span className="state failed" title={engine.error?.hint}>
            {engine.error?.message ?? 'not reachable'}
          </span>
        )}
      </td>
      <td>
        <button type="button" className="danger" aria-label={`Remove ${engine.url}`} onClick={onRemove}>
          Remove
        </button>
      </td>
    </tr>
  );
}
