/**
 * The run queue's decision, as a pure function: given the queued runs (in start order), the runs that hold slots and
 * the capacity, which runs start now with which GPUs / engine, and why each other one waits.
 *
 * Policy (documented in the README): strict order by priority DESC, then submit order, with conservative
 * backfilling: a run that cannot start reserves the free CPU slots, GPUs and pool slots it needs, so a run behind it
 * may start only on what is left; it can never delay the runs ahead of it. Limits that are not resources (the
 * workspace's max concurrent runs, a sweep's max_concurrent_runs) reserve nothing: a run held by them cannot start
 * anyway.
 */

export interface QueuedRun {
  id: string;
  cpus: number;
  /** null: not asked, the workspace default applies (Settings.queueDefaultGpus ?? 1 with GPUs, else 0). */
  gpus: number | null;
  pool: boolean;
  /** The sweep (parent run HD_...) it is a trial of. */
  sweepId: string | null;
  /** A child of a script run (submit_child): it runs inside its parent's CPU slot, so a parent waiting for its
   * children cannot deadlock the queue. */
  insideParent: boolean;
  /** Its parent run (for a child inside its parent's slot: a child that does not ask for GPUs shares the parent's). */
  parentId?: string | null;
  /** Set when its row cannot be read (a corrupt resources column): it is skipped with this reason. */
  invalid?: string;
}

export interface ActiveRun {
  id: string;
  cpus: number;
  gpus: number[];
  engine: string | null;
  sweepId: string | null;
  insideParent: boolean;
}

export interface QueueCapacity {
  cpus: number;
  /** GPU indices present. */
  gpus: number[];
  maxConcurrentRuns: number | null;
  defaultGpus: number | null;
  engines: { url: string; slots: number }[];
  /** Pool engines that do not answer now (url -> why): runs are not sent there; the queue owner fills this in. */
  unusableEngines?: Record<string, string>;
  /** Sweep id -> its max_concurrent_runs (null: no limit). */
  sweepLimits: Record<string, number | null>;
}

export interface Assignment {
  /** Left out on a machine without GPUs (the run's environment then sets no CUDA_VISIBLE_DEVICES). */
  gpus?: number[];
  engine?: string;
}

export interface ScheduleResult {
  starts: { runId: string; assignment: Assignment }[];
  /** Run id -> why it waits (every queued run that does not start). */
  waiting: Record<string, string>;
}

/** How many GPUs a run takes: what it asked, else the workspace default. Pool runs take none (they run elsewhere). */
export function gpusWanted(
  run: Pick<QueuedRun, 'gpus' | 'pool'>,
  capacity: Pick<QueueCapacity, 'gpus' | 'defaultGpus'>,
) {
  if (run.pool) return 0;
  if (run.gpus !== null) return run.gpus;
  return Math.min(capacity.defaultGpus ?? (capacity.gpus.length > 0 ? 1 : 0), capacity.gpus.length);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Why a pool run waits: no pool, engines full, or engines down (named, so the user knows which to fix). */
function poolWait(engines: number, unusable: Record<string, string>): string {
  if (engines === 0) return 'no Docker pool is set up (benchtop docker pool add URL --slots N)';
  const down = Object.entries(unusable);
  if (down.length === 0) return engines === 1 ? 'the pool engine is full' : `all ${engines} pool engines are full`;
  const named = down.map(([url, why]) => `${url} (${why})`).join(', ');
  if (down.length === engines)
    return `no pool engine answers: ${named}; start dockerd there or remove it (benchtop docker pool remove URL)`;
  return `the other pool engines are full; not answering: ${named}`;
}

export function schedule(queued: QueuedRun[], active: ActiveRun[], capacity: QueueCapacity): ScheduleResult {
  const result: ScheduleResult = { starts: [], waiting: {} };
  // Pool runs run on their engine, not on this machine's CPU slots; children share their parent's slot.
  const takesSlot = (run: { pool?: boolean; engine?: string | null; insideParent: boolean }) =>
    !run.insideParent && !(run.pool ?? Boolean(run.engine));
  let freeCpus = capacity.cpus - active.filter(takesSlot).reduce((n, r) => n + r.cpus, 0);
  const usedGpus = new Set(active.flatMap((r) => r.gpus));
  let freeGpus = capacity.gpus.filter((g) => !usedGpus.has(g));
  const initialFreeCpus = freeCpus;
  const initialFreeGpus = freeGpus.length;
  let running = active.filter((r) => !r.insideParent).length;
  const engineUse = new Map(capacity.engines.map((e) => [e.url, 0]));
  for (const r of active)
    if (r.engine && engineUse.has(r.engine)) engineUse.set(r.engine, engineUse.get(r.engine)! + 1);
  let reservedEngineSlots = 0;
  const unusable = capacity.unusableEngines ?? {};
  const usableEngines = capacity.engines.filter((e) => !(e.url in unusable));
  const sweepActive = new Map<string, number>();
  for (const r of active) if (r.sweepId) sweepActive.set(r.sweepId, (sweepActive.get(r.sweepId) ?? 0) + 1);

  for (const run of queued) {
    if (run.invalid) {
      result.waiting[run.id] = run.invalid;
      continue;
    }
    const sweepLimit = run.sweepId ? capacity.sweepLimits[run.sweepId] : null;
    if (run.sweepId && sweepLimit != null && (sweepActive.get(run.sweepId) ?? 0) >= sweepLimit) {
      result.waiting[run.id] = `sweep limit ${sweepLimit} reached (max_concurrent_runs)`;
      continue;
    }
    if (!run.insideParent && capacity.maxConcurrentRuns !== null && running >= capacity.maxConcurrentRuns) {
      result.waiting[run.id] =
        `workspace limit of ${plural(capacity.maxConcurrentRuns, 'concurrent run')} reached (queueMaxConcurrentRuns)`;
      continue;
    }
    const cpus = takesSlot(run) ? run.cpus : 0;
    const sharesParentGpus = run.insideParent && run.gpus === null;
    const gpus = sharesParentGpus ? 0 : gpusWanted(run, capacity);
    const freeEngines = run.pool ? usableEngines.filter((e) => (engineUse.get(e.url) ?? 0) < e.slots) : usableEngines;
    const freeEngineSlots = usableEngines.reduce((n, e) => n + Math.max(0, e.slots - (engineUse.get(e.url) ?? 0)), 0);
    const reasons: string[] = [];
    const cpusInUse = capacity.cpus - initialFreeCpus;
    const gpusInUse = usedGpus.size;
    const held = (n: number) => (n > 0 ? ` (${n} held for runs ahead)` : '');
    if (cpus > freeCpus)
      reasons.push(
        `waiting for ${plural(cpus, 'CPU slot')}: ${cpusInUse} of ${capacity.cpus} in use${held(initialFreeCpus - Math.max(freeCpus, 0))}`,
      );
    if (gpus > freeGpus.length)
      reasons.push(
        `waiting for ${plural(gpus, 'GPU')}: ${gpusInUse} of ${capacity.gpus.length} in use${held(initialFreeGpus - freeGpus.length)}`,
      );
    if (run.pool && (freeEngines.length === 0 || freeEngineSlots - reservedEngineSlots <= 0))
      reasons.push(poolWait(capacity.engines.length, unusable));
    if (reasons.length > 0) {
      result.waiting[run.id] = reasons.join('; ');
      // Hold what it needs of what is free, so runs behind it cannot take it (no delay for the head).
      freeCpus -= Math.min(cpus, Math.max(freeCpus, 0));
      freeGpus = freeGpus.slice(Math.min(gpus, freeGpus.length));
      if (run.pool) reservedEngineSlots += 1;
      continue;
    }
    const parentGpus = () => active.find((a) => a.id === run.parentId)?.gpus ?? [];
    const assignment: Assignment =
      capacity.gpus.length > 0 ? { gpus: sharesParentGpus ? parentGpus() : freeGpus.slice(0, gpus) } : {};
    freeGpus = freeGpus.slice(gpus);
    freeCpus -= cpus;
    if (!run.insideParent) running += 1;
    if (run.pool) {
      // The engine with the most free slots, so a pool spreads its runs.
      const engine = [...freeEngines].sort(
        (a, b) => b.slots - (engineUse.get(b.url) ?? 0) - (a.slots - (engineUse.get(a.url) ?? 0)),
      )[0]!;
      assignment.engine = engine.url;
      engineUse.set(engine.url, (engineUse.get(engine.url) ?? 0) + 1);
    }
    if (run.sweepId) sweepActive.set(run.sweepId, (sweepActive.get(run.sweepId) ?? 0) + 1);
    result.starts.push({ runId: run.id, assignment });
  }
  return result;
}
