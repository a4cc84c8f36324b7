import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Core, openCore } from '../../src/main/core/core';
import { handlers } from '../../src/main/core/api/handlers';
import type { RunMetricColumnsData } from '../../src/shared/api/runTypes';
import type { RunMetrics } from '../../src/shared/api/runEvents';
import { tempDir } from '../helpers/workspace';

// The core's metrics cache against a real workspace and events file: what a live run appends shows in the next
// runs.metrics call, a rewritten or shortened file is read again, and what a caller changes never reaches the cache.
const RUN = 'cache_1_test';
let core: Core;
let events: string;

const scalar = (name: string, value: unknown, step: number) =>
  `${JSON.stringify({ type: 'scalar', name, value, step, t: 1_700_000_000 + step })}\n`;
const series = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => scalar('loss', from + i, from + i)).join('');
const ctx = { connectionId: 'test', viewerFor: () => ({ write: () => undefined }) as never };
const call = async <T>(name: 'runs.metrics' | 'runs.metricColumns') =>
  (await handlers[name]({ runId: RUN }, ctx, core)) as T;

beforeEach(() => {
  core = openCore(tempDir('bt-metrics-cache-'));
  const t = new Date().toISOString();
  core.db
    .prepare(
      `INSERT INTO runs(id, experiment, status, script, arguments, environment, target, source_dir, created_at, started_at) VALUES (?, 'cache', 'Running', 'train.py', '[]', 'Benchtop-Minimal:1', 'local', '/src', ?, ?)`,
    )
    .run(RUN, t, t);
  fs.mkdirSync(core.paths.runDir(RUN), { recursive: true });
  events = path.join(core.paths.runDir(RUN), 'events.jsonl');
});
afterEach(() => core.close());

describe('runs.metrics cache', () => {
  it('returns what a live run appends, keeps a torn last line for later, and reads a rewritten file again', () => {
    expect(core.runs.metrics(RUN).scalars).toEqual({}); // no events file yet (a queued run)
    fs.writeFileSync(events, series(3));
    expect(core.runs.metrics(RUN).scalars.loss?.map((p) => p.value)).toEqual([0, 1, 2]);

    // The script appends two points and is halfway through writing a third.
    const next = series(3, 3);
    const torn = next.length - 5;
    fs.appendFileSync(events, next.slice(0, torn));
    expect(core.runs.metrics(RUN).scalars.loss?.map((p) => p.value)).toEqual([0, 1, 2, 3, 4]);
    fs.appendFileSync(events, next.slice(torn) + scalar('acc', 0.5, 0));
    const grown = core.runs.metrics(RUN);
    expect(grown.scalars.loss?.map((p) => p.value)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(grown.scalars.acc?.map((p) => p.value)).toEqual([0.5]);

    // Rewritten in place, longer than before and with another start: nothing of the old fold may survive.
    fs.writeFileSync(events, series(10, 100).replaceAll('"loss"', '"val_loss"'));
    const rewritten = core.runs.metrics(RUN);
    expect(Object.keys(rewritten.scalars)).toEqual(['val_loss']);
    expect(rewritten.scalars.val_loss).toHaveLength(10);

    // Shortened (a run's events replaced by a shorter file): read from the start.
    fs.writeFileSync(events, series(2));
    expect(core.runs.metrics(RUN).scalars).toEqual({ loss: expect.any(Array) });
    expect(core.runs.metrics(RUN).scalars.loss).toHaveLength(2);

    // Replaced by rename (a new inode) with the same length: read again too.
    const replacement = `${events}.tmp`;
    fs.writeFileSync(replacement, series(2).replaceAll('"loss"', '"lr__"'));
    fs.renameSync(replacement, events);
    expect(Object.keys(core.runs.metrics(RUN).scalars)).toEqual(['lr__']);
  });

  it('gives each caller its own copy: NaN encoded for the wire and a caller push stay out of the cache', async () => {
    fs.writeFileSync(
      events,
      series(2) + `${JSON.stringify({ type: 'scalar', name: 'loss', value: { $float: 'NaN' }, step: 2, t: 1 })}\n`,
    );
    const wire = await call<RunMetrics>('runs.metrics');
    expect(wire.scalars.loss?.[2]?.value).toBe('NaN');
    wire.scalars.loss?.push({ step: 99, value: 99, t: 0 });
    const again = core.runs.metrics(RUN);
    expect(again.scalars.loss).toHaveLength(3);
    expect(Number.isNaN(again.scalars.loss?.[2]?.value)).toBe(true);
  });

  it('runs.metricColumns: the same scalars as parallel arrays, the rest unchanged', async () => {
    fs.writeFileSync(
      events,
      series(3) +
        `${JSON.stringify({ type: 'scalar', name: 'loss', value: { $float: 'Infinity' }, step: 3, t: 4 })}\n` +
        `${JSON.stringify({ type: 'tags', tags: { team: 'a' }, t: 5 })}\n`,
    );
    const columns = await call<RunMetricColumnsData>('runs.metricColumns');
    expect(columns.scalarColumns.loss).toEqual({
      step: [0, 1, 2, 3],
      value: [0, 1, 2, 'Infinity'],
      t: [1_700_000_000, 1_700_000_001, 1_700_000_002, 4],
    });
    expect(columns.tags).toEqual({ team: 'a' });
    expect('scalars' in columns).toBe(false);
  });
});
