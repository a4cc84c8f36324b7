import type { QueueEntry, QueueState } from '../../shared/api/sweepTypes';
import { useRuns } from '../stores/runs';
import { cancelQueuedRun, setQueuePriority } from '../stores/queue';
import { useUi } from '../stores/ui';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "CPU slots 2 of 16 in use · GPUs 1 of 2 · at most 4 runs · pool: 1 of 2 slots on tcp://..." */
function capacityLine(state: QueueState): string {
  const running = state.entries.filter((e) => e.position === null);
  // Pool runs use their engine's slots, not this machine's CPU slots (as `benchtop queue` counts them).
  const cpus = running.filter((e) => !e.engine).reduce((n, e) => n + e.cpus, 0);
  const gpus = running.reduce((n, e) => n + e.assignedGpus.length, 0);
  const parts = [`CPU slots ${cpus} of ${state.capacity.cpus} in use`];
  parts.push(state.capacity.gpus.length ? `GPUs ${gpus} of ${state.capacity.gpus.length} in use` : 'no GPUs');
  if (state.capacity.maxConcurrentRuns !== null)
    parts.push(`at most ${plural(state.capacity.maxConcurrentRuns, 'run')}`);
  for (const e of state.capacity.engines) parts.push(`${e.url}: ${e.used} of ${e.slots} slots`);
  if (!state.owner.alive) parts.push('queue owner not running (it starts with the next submit)');
  return parts.join(' · ');
}

function openRun(runId: string) {
  useUi.getState().setScreen('runs');
  useRuns.getState().setView({ kind: 'detail', runId });
}

function QueueRow({ entry }: { entry: QueueEntry }) {
  const queued = entry.position !== null;
  const resources = [plural(entry.cpus, 'CPU'), plural(entry.gpus, 'GPU')].join(', ');
  const given = entry.assignedGpus.length ? ` (GPU ${entry.assignedGpus.join(', ')})` : '';
  return (
    <li className="queue-row" data-testid="queue-entry" data-run-id={entry.runId}>
      <span className="position" aria-label={queued ? `Position ${entry.position}` : 'Running'}>
        {queued ? `#${entry.position}` : '▶'}
      </span>
      <span className="queue-run">
        <button type="button" className="link" onClick={() => openRun(entry.runId)}>
          {entry.runId}
        </button>
        {entry.sweepId ? (
          <button
            type="button"
            className="link muted"
            title={`A trial of sweep ${entry.sweepId}: open the sweep`}
            onClick={() => openRun(entry.sweepId as string)}
          >
            (sweep)
          </button>
        ) : null}
      </span>
      <span className={`state ${entry.status.toLowerCase()}`}>{entry.status}</span>
      <span className="muted">priority {entry.priority}</span>
      <span className="muted">
        {resources}
        {given}
        {entry.engine ? ` on ${entry.engine}` : ''}
      </span>
      <span className="muted waiting" title={entry.waiting ?? undefined}>
        {entry.waiting ?? ''}
      </span>
      {/* The same columns for every row: a started run keeps its place, so it has no priority buttons. */}
      <span className="queue-actions">
        {queued ? (
          <>
            <button
              type="button"
              aria-label={`Raise the priority of ${entry.runId}`}
              title="Raise priority"
              onClick={() => void setQueuePriority(entry.runId, Math.min(1000, entry.priority + 1))}
            >
              ↑
            </button>
            <button
              type="button"
              aria-label={`Lower the priority of ${entry.runId}`}
              title="Lower priority"
              onClick={() => void setQueuePriority(entry.runId, Math.max(-1000, entry.priority - 1))}
            >
              ↓
            </button>
          </>
        ) : null}
        <button type="button" aria-label={`Cancel ${entry.runId}`} onClick={() => void cancelQueuedRun(entry.runId)}>
          Cancel
        </button>
      </span>
    </li>
  );
}

/** The run queue in the jobs panel: capacity, then running runs and queued ones in start order. */
export function QueueSection({ state }: { state: QueueState }) {
  const running = state.entries.filter((e) => e.position === null);
  const queued = state.entries.filter((e) => e.position !== null).sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  return (
    <section className="queue" aria-label="Run queue">
      <h4 className="group">Run queue</h4>
      <p className="muted capacity" data-testid="queue-capacity">
        {capacityLine(state)}
      </p>
      {state.entries.length === 0 ? (
        <p className="muted">No run is running or waiting. Submitted runs wait here for a free slot.</p>
      ) : (
        <ul className="queue-list" aria-label="Queued and running runs">
          {[...running, ...queued].map((e) => (
            <QueueRow key={e.runId} entry={e} />
          ))}
        </ul>
      )}
    </section>
  );
}
