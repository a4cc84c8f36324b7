import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSweepRuns } from '../../bench/runsTableSeed';
import { openCore, type Core } from '../../src/main/core/core';
import { runTable } from '../../src/main/core/runs/runTable';
import { tempDir } from '../helpers/workspace';

describe('runs.table against real SQLite', () => {
  let core: Core;
  beforeAll(() => {
    core = openCore(tempDir('bt-runtable-'));
    seedSweepRuns(core.db, 10_000);
    seedSweepRuns(core.db, 5, 'other');
  });
  afterAll(() => core.close());

  it('answers 10,000 runs with params, last metrics and every column name, fast', () => {
    const started = performance.now();
    const table = runTable(core.db, { experiment: 'sweep' });
    const ms = performance.now() - started;
    expect(table.total).toBe(10_000);
    expect(table.runs).toHaveLength(10_000);
    expect(table.paramKeys).toEqual(['batch', 'lr', 'optimizer']);
    expect(table.metricKeys).toEqual(['accuracy', 'epoch', 'loss', 'system/cpu']);
    const newest = table.runs[0];
    expect(newest).toMatchObject({
      runId: 'sweep_9999',
      displayName: 'trial 9999',
      status: 'Completed',
      params: { lr: '0.1', batch: '128', optimizer: 'adam' },
      duration: 5 + (9999 % 50),
    });
    expect(typeof newest?.metrics.accuracy).toBe('number');
    // Three statements, no per-run query: well inside a frame budget of a user's click.
    expect(ms).toBeLessThan(2000);
  });

  it('pages and filters by experiment', () => {
    const page = runTable(core.db, { experiment: 'sweep', limit: 50, offset: 100 });
    expect(page.runs.map((r) => r.runId).slice(0, 2)).toEqual(['sweep_9899', 'sweep_9898']);
    expect(page.total).toBe(10_000);
    const other = runTable(core.db, { experiment: 'other' });
    expect(other.total).toBe(5);
    expect(other.runs.every((r) => r.experiment === 'other')).toBe(true);
    expect(runTable(core.db, {}).total).toBe(10_005);
  });

  it('reads a malformed row as empty instead of failing the table', () => {
    core.db.prepare(`UPDATE runs SET arguments = 'not json', metrics = '[1]' WHERE id = 'other_0'`).run();
    const row = runTable(core.db, { experiment: 'other' }).runs.find((r) => r.runId === 'other_0');
    expect(row).toMatchObject({ params: {}, metrics: {} });
  });
});
