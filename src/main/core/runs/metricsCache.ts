import fs from 'node:fs';
import {
  applyRunEvents,
  emptyMetrics,
  type MetricValue,
  type RunMetrics,
  type ScalarPoint,
} from '../../../shared/api/runEvents';
import type { RunMetricColumnsData } from '../../../shared/api/runTypes';
import { readRunEvents } from './readRunEvents';

/** How many bytes of the file's start are kept to tell an append from a rewrite that kept the same inode. */
const HEAD_BYTES = 4096;

interface Fold {
  metrics: RunMetrics;
  /** Where the next read continues (after the last complete line). */
  offset: number;
  /** The file as it was when last looked at: a change of inode or a shrink means it was replaced. */
  size: number;
  mtimeMs: number;
  ino: number;
  head: Buffer;
}

/**
 * The folded metrics of the most recently asked runs, so that runs.metrics on a 100,000-point run costs a stat
 * (and, for a live run, reading only the lines appended since) instead of re-reading and re-parsing the whole
 * events file on every request. Bounded (least recently used dropped first): each fold holds every point.
 */
export class RunMetricsCache {
  private readonly folds = new Map<string, Fold>();

  constructor(private readonly limit = 16) {}

  /** The run's metrics from its events file; a fresh copy of the containers the caller may change (see snapshot). */
  get(runId: string, file: string): RunMetrics {
    return snapshot(this.fold(runId, file));
  }

  /** Forgets a run (its files were removed or replaced). */
  drop(runId: string): void {
    this.folds.delete(runId);
  }

  get size(): number {
    return this.folds.size;
  }

  private fold(runId: string, file: string): RunMetrics {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      this.folds.delete(runId);
      return emptyMetrics(); // no events yet (a queued run)
    }
    let fold = this.folds.get(runId);
    this.folds.delete(runId);
    if (fold && !this.isSameFileGrown(fold, file, stat)) fold = undefined;
    if (fold && stat.size === fold.size && stat.mtimeMs === fold.mtimeMs) {
      this.remember(runId, fold);
      return fold.metrics;
    }
    fold ??= { metrics: emptyMetrics(), offset: 0, size: 0, mtimeMs: 0, ino: stat.ino, head: Buffer.alloc(0) };
    const read = readRunEvents(file, fold.offset);
    if (read.events.length) applyRunEvents(fold.metrics, read.events);
    fold.offset = read.offset;
    fold.size = stat.size;
    fold.mtimeMs = stat.mtimeMs;
    if (fold.head.length < HEAD_BYTES) fold.head = readHead(file);
    this.remember(runId, fold);
    return fold.metrics;
  }

  /** True when the file is the one folded, unchanged or only appended to (same inode, not shorter, same start). */
  private isSameFileGrown(fold: Fold, file: string, stat: fs.Stats): boolean {
    if (stat.ino !== fold.ino || stat.size < fold.size) return false;
    if (stat.size === fold.size) return stat.mtimeMs === fold.mtimeMs; // same length but touched: reread to be safe
    return readHead(file, fold.head.length).equals(fold.head);
  }

  private remember(runId: string, fold: Fold): void {
    this.folds.set(runId, fold); // a Map keeps insertion order: the most recently used is last
    while (this.folds.size > this.limit) this.folds.delete(this.folds.keys().next().value as string);
  }
}

function readHead(file: string, length = HEAD_BYTES): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, length, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A copy that shares the (never changed) points but not the arrays and records the fold goes on appending to, so
 * what a caller holds or changes (the router's NaN encoding) neither moves under it nor leaks into the cache.
 */
function snapshot(metrics: RunMetrics): RunMetrics {
  const copyArrays = <T>(record: Record<string, T[]>) =>
    Object.fromEntries(Object.entries(record).map(([key, values]) => [key, values.slice()]));
  return {
    scalars: copyArrays(metrics.scalars),
    lists: copyArrays(metrics.lists),
    rows: Object.fromEntries(Object.entries(metrics.rows).map(([key, row]) => [key, copyArrays(row)])),
    tables: Object.fromEntries(Object.entries(metrics.tables).map(([key, table]) => [key, copyArrays(table)])),
    images: copyArrays(metrics.images),
    tags: { ...metrics.tags },
    properties: { ...metrics.properties },
    params: { ...metrics.params },
    files: metrics.files.slice(),
    models: metrics.models.slice(),
    status: metrics.status ? { ...metrics.status } : null,
  };
}

/** runs.metricColumns: each scalar series as parallel arrays (no per-point keys to write, send and parse). */
export function toScalarColumns(metrics: RunMetrics): RunMetricColumnsData {
  const { scalars, ...rest } = metrics;
  const scalarColumns: RunMetricColumnsData['scalarColumns'] = {};
  for (const [name, points] of Object.entries(scalars)) {
    const step = new Array<number>(points.length);
    const value = new Array<MetricValue>(points.length);
    const t = new Array<number>(points.length);
    for (let i = 0; i < points.length; i++) {
      const p = points[i] as ScalarPoint;
      step[i] = p.step;
      // JSON has no NaN or infinities: they cross as strings, as in runs.metrics.
      value[i] = typeof p.value === 'number' && !Number.isFinite(p.value) ? String(p.value) : p.value;
      t[i] = p.t;
    }
    scalarColumns[name] = { step, value, t };
  }
  return { ...rest, scalarColumns };
}
