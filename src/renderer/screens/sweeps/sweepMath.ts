import type { SweepDetail, SweepSummary, SweepTrial } from '../../../shared/api/sweepTypes';

export type Goal = 'maximize' | 'minimize';
type ParamValue = SweepTrial['params'][string];

/** Whether a is better than b for the goal. */
export const better = (goal: Goal, a: number, b: number) => (goal === 'maximize' ? a > b : a < b);

/** How many trials the sweep will run: max_total_runs, capped (grid) by the grid's size; null when not known. */
export function plannedTrials(sweep: SweepSummary): number | null {
  const { maxTotalRuns, sampling } = sweep.config;
  if (sampling.type !== 'grid') return maxTotalRuns;
  let size = 1;
  for (const [kind, args] of Object.values(sampling.parameterSpace)) {
    // Grid sampling takes only choice(...): Azure's wire form is ["choice", [[values...]]].
    const values = kind === 'choice' ? (args[0] as unknown[] | undefined) : undefined;
    if (!Array.isArray(values)) return maxTotalRuns;
    size *= values.length;
  }
  return Math.min(size, maxTotalRuns ?? size);
}

export interface Progress {
  completed: number;
  failed: number;
  canceled: number;
  earlyTerminated: number;
  running: number;
  queued: number;
  /** Trials not submitted yet (planned minus those that exist); null when the total is not known. */
  notStarted: number | null;
  total: number | null;
}

const FINAL = new Set(['Completed', 'Failed', 'Canceled']);

/** The sweep's progress from its trials: early-terminated trials count once, as early-terminated, not canceled. */
export function sweepProgress(sweep: SweepDetail): Progress {
  const p = { completed: 0, failed: 0, canceled: 0, earlyTerminated: 0, running: 0, queued: 0 };
  for (const t of sweep.trials) {
    if (t.earlyTerminated) p.earlyTerminated++;
    else if (t.status === 'Completed') p.completed++;
    else if (t.status === 'Failed') p.failed++;
    else if (t.status === 'Canceled') p.canceled++;
    else if (t.status === 'Queued' || t.status === 'NotStarted') p.queued++;
    else p.running++;
  }
  const planned = plannedTrials(sweep);
  const sweepFinal = FINAL.has(sweep.status);
  return {
    ...p,
    total: sweepFinal ? sweep.trials.length : planned,
    notStarted: sweepFinal || planned === null ? null : Math.max(0, planned - sweep.trials.length),
  };
}

/** Trials ended, in end order. */
function endedTrials(trials: SweepTrial[]): (SweepTrial & { endedAt: string; primaryValue: number })[] {
  return trials
    .filter(
      (t): t is SweepTrial & { endedAt: string; primaryValue: number } => t.endedAt !== null && t.primaryValue !== null,
    )
    .sort((a, b) => Date.parse(a.endedAt) - Date.parse(b.endedAt) || a.n - b.n);
}

/** The best primary value so far, one point per ended trial that logged it (an early-terminated trial's last value too). */
export function bestSoFar(
  trials: SweepTrial[],
  goal: Goal,
): { t: number; best: number; value: number; runId: string; stopped: boolean }[] {
  let best: number | null = null;
  return endedTrials(trials).map((trial) => {
    if (best === null || better(goal, trial.primaryValue, best)) best = trial.primaryValue;
    return {
      t: Date.parse(trial.endedAt),
      best,
      value: trial.primaryValue,
      runId: trial.runId,
      stopped: trial.earlyTerminated,
    };
  });
}

export type SortKey = { kind: 'n' } | { kind: 'metric' } | { kind: 'status' } | { kind: 'param'; name: string };
export type SortDir = 'asc' | 'desc';

function compareValues(a: ParamValue | null | undefined, b: ParamValue | null | undefined): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** The trials sorted by a column; trials without a value (no metric logged yet) always go last. */
export function sortTrials(trials: SweepTrial[], key: SortKey, dir: SortDir): SweepTrial[] {
  const valueOf = (t: SweepTrial): ParamValue | null | undefined =>
    key.kind === 'n'
      ? t.n
      : key.kind === 'metric'
        ? t.primaryValue
        : key.kind === 'status'
          ? t.status
          : t.params[key.name];
  const sign = dir === 'asc' ? 1 : -1;
  return trials.slice().sort((a, b) => {
    const va = valueOf(a);
    const vb = valueOf(b);
    const missingA = va === null || va === undefined;
    const missingB = vb === null || vb === undefined;
    if (missingA || missingB) return missingA === missingB ? a.n - b.n : missingA ? 1 : -1;
    return sign * compareValues(va, vb) || a.n - b.n;
  });
}

/** The parameter names in the order the parameter space gives them ("--lr", "--layers"). */
export function parameterNames(sweep: SweepSummary): string[] {
  return Object.keys(sweep.config.sampling.parameterSpace);
}

/** Log-scaled parameters: their axis is logarithmic (when every value is positive). */
const LOG_KINDS = new Set(['loguniform', 'qloguniform', 'lognormal', 'qlognormal']);

export type AxisKind = 'value' | 'log' | 'category';

/** How a parameter's axis is drawn: choice(...) and non-numbers as categories (its few values, no ticks between), numbers on a value (or log) axis. */
export function axisKind(sweep: SweepSummary, name: string, trials: SweepTrial[]): AxisKind {
  const kind = sweep.config.sampling.parameterSpace[name]?.[0];
  const values = trials.map((t) => t.params[name]).filter((v) => v !== undefined);
  if (kind === 'choice' || !values.every((v) => typeof v === 'number')) return 'category';
  return kind && LOG_KINDS.has(kind) && values.every((v) => (v as number) > 0) ? 'log' : 'value';
}

/** A category axis's values in order: numbers by value, others as text. */
export function categoryValues(name: string, trials: SweepTrial[]): string[] {
  const values = [...new Set(trials.map((t) => t.params[name]).filter((v) => v !== undefined))];
  return values.sort((a, b) => compareValues(a, b)).map((v) => formatValue(v));
}

export function formatValue(v: ParamValue | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number(v.toPrecision(5)).toString();
  return String(v);
}
