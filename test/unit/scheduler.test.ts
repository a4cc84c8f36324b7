import { describe, expect, it } from 'vitest';
import { type ActiveRun, type QueueCapacity, type QueuedRun, schedule } from '../../src/main/queue/scheduler';
import Database from 'better-sqlite3';
import { parseGpuCsv } from '../../src/main/queue/capacity';
import { gpuEnvironment, readAssignment } from '../../src/main/supervisor/runAssignment';
import type { Db } from '../../src/main/core/workspace/database';

const queued = (id: string, extra: Partial<QueuedRun> = {}): QueuedRun => ({
  id,
  cpus: 1,
  gpus: null,
  pool: false,
  sweepId: null,
  insideParent: false,
  ...extra,
});
const active = (id: string, extra: Partial<ActiveRun> = {}): ActiveRun => ({
  id,
  cpus: 1,
  gpus: [],
  engine: null,
  sweepId: null,
  insideParent: false,
  ...extra,
});
const capacity = (extra: Partial<QueueCapacity> = {}): QueueCapacity => ({
  cpus: 2,
  gpus: [],
  maxConcurrentRuns: null,
  defaultGpus: null,
  engines: [],
  sweepLimits: {},
  ...extra,
});
const started = (r: ReturnType<typeof schedule>) => r.starts.map((s) => s.runId);

describe('schedule: CPU slots and order', () => {
  it('starts runs in the given order while slots are free; the rest wait with the count', () => {
    const r = schedule([queued('a'), queued('b'), queued('c')], [], capacity());
    expect(started(r)).toEqual(['a', 'b']);
    expect(r.waiting.c).toBe('waiting for 1 CPU slot: 0 of 2 in use (2 held for runs ahead)');
  });

  it('counts the slots running runs hold', () => {
    const r = schedule([queued('a')], [active('x', { cpus: 2 })], capacity());
    expect(started(r)).toEqual([]);
    expect(r.waiting.a).toBe('waiting for 1 CPU slot: 2 of 2 in use');
  });

  it('is strict for CPU: a small run does not pass a big one waiting ahead of it', () => {
    const r = schedule([queued('big', { cpus: 2 }), queued('small')], [active('x')], capacity());
    expect(started(r)).toEqual([]);
    expect(Object.keys(r.waiting)).toEqual(['big', 'small']);
  });

  it('honours the workspace limit of concurrent runs', () => {
    const r = schedule([queued('a'), queued('b')], [active('x')], capacity({ cpus: 8, maxConcurrentRuns: 2 }));
    expect(started(r)).toEqual(['a']);
    expect(r.waiting.b).toMatch(/workspace limit of 2 concurrent runs/);
  });

  it("runs a script's child run inside its parent's slot (no deadlock when the parent waits for it)", () => {
    const r = schedule([queued('child', { insideParent: true })], [active('parent', { cpus: 2 })], capacity());
    expect(started(r)).toEqual(['child']);
  });

  it('skips a run whose row is invalid, with the reason, and goes on', () => {
    const r = schedule([queued('bad', { invalid: 'skipped: corrupt' }), queued('ok')], [], capacity());
    expect(started(r)).toEqual(['ok']);
    expect(r.waiting.bad).toBe('skipped: corrupt');
  });
});

describe('schedule: GPUs', () => {
  const gpus = capacity({ cpus: 8, gpus: [0, 1] });

  it('gives each run its own GPUs (1 each by default on a GPU machine); a third waits', () => {
    const r = schedule([queued('a'), queued('b'), queued('c')], [], gpus);
    expect(r.starts).toEqual([
      { runId: 'a', assignment: { gpus: [0] } },
      { runId: 'b', assignment: { gpus: [1] } },
    ]);
    expect(r.waiting.c).toMatch(/^waiting for 1 GPU: 0 of 2 in use/);
  });

  it('gives the GPUs running runs do not hold', () => {
    const r = schedule([queued('a', { gpus: 1 })], [active('x', { gpus: [0] })], gpus);
    expect(r.starts).toEqual([{ runId: 'a', assignment: { gpus: [1] } }]);
  });

  it('a run asking 0 GPUs gets none (an empty CUDA_VISIBLE_DEVICES)', () => {
    const r = schedule([queued('a', { gpus: 0 })], [], gpus);
    expect(r.starts).toEqual([{ runId: 'a', assignment: { gpus: [] } }]);
  });

  it('follows Settings.queueDefaultGpus', () => {
    const r = schedule([queued('a')], [], { ...gpus, defaultGpus: 2 });
    expect(r.starts).toEqual([{ runId: 'a', assignment: { gpus: [0, 1] } }]);
  });

  it('backfills a CPU-only run past one waiting for GPUs, but never with the GPUs the head waits for', () => {
    const r = schedule(
      [queued('two', { gpus: 2 }), queued('one', { gpus: 1 }), queued('cpu', { gpus: 0 })],
      [active('x', { gpus: [0] })],
      gpus,
    );
    expect(started(r)).toEqual(['cpu']);
    expect(r.waiting.two).toBe('waiting for 2 GPUs: 1 of 2 in use');
    expect(r.waiting.one).toBe('waiting for 1 GPU: 1 of 2 in use (1 held for runs ahead)');
  });

  it("a script's child run that does not ask for GPUs shares its parent's (no deadlock on a 1-GPU machine)", () => {
    const one = capacity({ cpus: 8, gpus: [0] });
    const r = schedule(
      [queued('child', { insideParent: true, parentId: 'parent' }), queued('other')],
      [active('parent', { gpus: [0] })],
      one,
    );
    expect(r.starts).toEqual([{ runId: 'child', assignment: { gpus: [0] } }]);
    expect(r.waiting.other).toMatch(/^waiting for 1 GPU: 1 of 1 in use/);
  });

  it('sets no GPUs at all on a machine without any', () => {
    const r = schedule([queued('a')], [], capacity());
    expect(r.starts).toEqual([{ runId: 'a', assignment: {} }]);
  });
});

describe('schedule: sweeps and the Docker pool', () => {
  it("holds a sweep's trials at its max_concurrent_runs, counting only started ones", () => {
    const r = schedule(
      [queued('t1', { sweepId: 'HD_1' }), queued('t2', { sweepId: 'HD_1' }), queued('other')],
      [active('t0', { sweepId: 'HD_1' })],
      capacity({ cpus: 8, sweepLimits: { HD_1: 2 } }),
    );
    expect(started(r)).toEqual(['t1', 'other']);
    expect(r.waiting.t2).toBe('sweep limit 2 reached (max_concurrent_runs)');
  });

  it('spreads pool runs over the engine with the most free slots; they take no CPU slot here', () => {
    const engines = [
      { url: 'tcp://a:2375', slots: 1 },
      { url: 'tcp://b:2375', slots: 2 },
    ];
    const r = schedule(
      [
        queued('p1', { pool: true }),
        queued('p2', { pool: true }),
        queued('p3', { pool: true }),
        queued('p4', { pool: true }),
      ],
      [active('local', { cpus: 2 })],
      capacity({ engines }),
    );
    expect(r.starts.map((s) => [s.runId, s.assignment.engine])).toEqual([
      ['p1', 'tcp://b:2375'],
      ['p2', 'tcp://a:2375'],
      ['p3', 'tcp://b:2375'],
    ]);
    expect(r.waiting.p4).toBe('all 2 pool engines are full');
  });

  it('counts running pool runs against their engine', () => {
    const r = schedule(
      [queued('p', { pool: true })],
      [active('x', { engine: 'tcp://a:2375' })],
      capacity({ engines: [{ url: 'tcp://a:2375', slots: 1 }] }),
    );
    expect(r.waiting.p).toBe('the pool engine is full');
  });

  it('sends no run to a pool engine that does not answer, and says which one when none does', () => {
    const engines = [
      { url: 'tcp://a:2375', slots: 2 },
      { url: 'tcp://b:2375', slots: 2 },
    ];
    const down = { 'tcp://a:2375': 'connect ECONNREFUSED' };
    const r = schedule(
      [queued('p1', { pool: true }), queued('p2', { pool: true }), queued('p3', { pool: true })],
      [],
      capacity({ engines, unusableEngines: down }),
    );
    expect(r.starts.map((s) => s.assignment.engine)).toEqual(['tcp://b:2375', 'tcp://b:2375']);
    expect(r.waiting.p3).toBe('the other pool engines are full; not answering: tcp://a:2375 (connect ECONNREFUSED)');
    const none = schedule(
      [queued('p', { pool: true })],
      [],
      capacity({ engines, unusableEngines: { ...down, 'tcp://b:2375': 'did not answer within 3 s' } }),
    );
    expect(none.starts).toEqual([]);
    expect(none.waiting.p).toBe(
      'no pool engine answers: tcp://a:2375 (connect ECONNREFUSED), tcp://b:2375 (did not answer within 3 s); ' +
        'start dockerd there or remove it (benchtop docker pool remove URL)',
    );
  });
});

describe('parseGpuCsv', () => {
  it("reads nvidia-smi's query CSV and leaves out what does not parse", () => {
    expect(parseGpuCsv('0, NVIDIA H200, 143771\n1, NVIDIA H200, [N/A]\nNo devices were found\n')).toEqual([
      { index: 0, name: 'NVIDIA H200', memoryMb: 143771 },
      { index: 1, name: 'NVIDIA H200', memoryMb: null },
    ]);
  });
});

describe('run assignment (what the supervisor reads)', () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE runs (id TEXT PRIMARY KEY, assigned TEXT)');
  const read = (assigned: string) => {
    db.prepare('INSERT OR REPLACE INTO runs(id, assigned) VALUES (?, ?)').run('r', assigned);
    return readAssignment(db as unknown as Db, 'r');
  };

  it('gives a process run its GPUs alone, none when it asked for none, and leaves a GPU-less machine alone', () => {
    expect(gpuEnvironment(read('{"gpus":[1,0]}'))).toEqual({
      CUDA_VISIBLE_DEVICES: '1,0',
      NVIDIA_VISIBLE_DEVICES: '1,0',
    });
    expect(gpuEnvironment(read('{"gpus":[]}'))).toEqual({ CUDA_VISIBLE_DEVICES: '', NVIDIA_VISIBLE_DEVICES: '' });
    expect(gpuEnvironment(read('{}'))).toEqual({});
  });

  it('reads a corrupt column as no assignment instead of failing the run', () => {
    for (const bad of ['{not json', 'null', '[1]', '{"gpus":"0","engine":7}'])
      expect(read(bad)).toEqual({ gpus: null, engine: null });
    expect(read('{"gpus":[0,"x",-1],"engine":"tcp://a:2375"}')).toEqual({ gpus: [0], engine: 'tcp://a:2375' });
  });
});
