import fs from 'node:fs';
import path from 'node:path';
import { FINAL_STATUSES, type RunSummary } from '../../../shared/api/runTypes';
import { applyRunEvents, emptyMetrics, type RunMetrics } from '../../../shared/api/runEvents';
import type { EventBus } from '../events';
import type { WorkspacePaths } from '../workspace/paths';
import { readRunEvents } from './readRunEvents';
import { RunStore, rowToSummary } from './runStore';
import { SDK_TARGET, summaryColumns } from './sdkRuns';

const WATCH_INTERVAL_MS = 400;

/** Polls unfinished runs (from any process) and tells the UI: run.updated on a change, run.metrics for watched runs. */
export class RunWatcher {
  /** Unfinished runs this process reports on, with the last summary it sent (to send only changes). */
  private readonly known = new Map<string, string>();
  private readonly metricWatchers = new Map<string, { offset: number; count: number }>();
  private readonly liveFolds = new Map<string, { offset: number; metrics: RunMetrics }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: RunStore,
    private readonly paths: WorkspacePaths,
    private readonly bus: EventBus,
    /** Marks a run whose supervisor is gone as Failed (RunService.reconcile). */
    private readonly reconcile: (id: string) => void,
  ) {}

  /** Emits run.updated for runs that change status, and metrics for watched runs, while any run is unfinished. */
  watch(run?: RunSummary): void {
    if (run) this.known.set(run.id, JSON.stringify(run));
    if (this.timer) return;
    for (const row of this.store.unfinished()) this.known.set(row.id, JSON.stringify(rowToSummary(row)));
    this.timer = setInterval(() => this.tick(), WATCH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Streams a run's new metric events (from now on; the caller reads what came before with metrics()). */
  watchMetrics(id: string, on: boolean): void {
    const file = this.eventsFile(id);
    const entry = this.metricWatchers.get(id) ?? { offset: fs.existsSync(file) ? fs.statSync(file).size : 0, count: 0 };
    entry.count += on ? 1 : -1;
    if (entry.count <= 0) this.metricWatchers.delete(id);
    else this.metricWatchers.set(id, entry);
    this.watch();
  }

  private tick(): void {
    // Runs submitted by other processes (the CLI) are picked up too.
    for (const row of this.store.unfinished()) if (!this.known.has(row.id)) this.known.set(row.id, '');
    for (const [id, last] of this.known) {
      this.reconcile(id);
      this.foldLive(id);
      const row = this.store.get(id);
      if (!row) continue;
      const summary = rowToSummary(row);
      const json = JSON.stringify(summary);
      if (json !== last) {
        this.bus.emit('run.updated', summary);
        this.known.set(id, json);
      }
      if (FINAL_STATUSES.has(row.status)) this.known.delete(id);
    }
    for (const [id, entry] of this.metricWatchers) {
      const read = readRunEvents(this.eventsFile(id), entry.offset);
      entry.offset = read.offset;
      if (read.events.length > 0) this.bus.emit('run.metrics', { runId: id, events: read.events });
    }
  }

  /**
   * A run made from Python has no supervisor to fold its events into the list's columns while it
   * is live: the app does it, for the unfinished ones it watches (its end folds the whole file).
   */
  private foldLive(id: string): void {
    const row = this.store.get(id);
    if (!row || row.target !== SDK_TARGET || FINAL_STATUSES.has(row.status)) {
      this.liveFolds.delete(id);
      return;
    }
    const fold = this.liveFolds.get(id) ?? { offset: 0, metrics: emptyMetrics() };
    this.liveFolds.set(id, fold);
    const read = readRunEvents(this.eventsFile(id), fold.offset);
    fold.offset = read.offset;
    if (read.events.length === 0) return;
    applyRunEvents(fold.metrics, read.events);
    this.store.updateUnfinished(id, summaryColumns(fold.metrics));
  }

  private eventsFile(id: string): string {
    return path.join(this.paths.runDir(id), 'events.jsonl');
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
