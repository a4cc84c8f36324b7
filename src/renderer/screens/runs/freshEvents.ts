import type { RunEvent, RunMetrics } from '../../../shared/api/runEvents';

/** Records whose second application changes nothing (they set, not append). */
const IDEMPOTENT = new Set<RunEvent['type']>(['tags', 'properties', 'params', 'list', 'table']);

/**
 * The events of a live push that the view does not hold yet. The first read and the live pushes overlap, and
 * Benchtop's own writers stamp each event with the time it is written, so "newer than the last event seen" drops
 * the repeats. An MLflow metric carries the client's timestamp instead, which can be older than events already
 * seen (log_batch with earlier timestamps): an older scalar is new unless its series holds that point (same
 * time and step), and an older record that only sets values is applied again, harmlessly.
 */
export function freshEvents(events: RunEvent[], seen: number, metrics: RunMetrics): RunEvent[] {
  const index = new Map<string, Set<string>>();
  const held = (name: string, t: number, step: unknown): boolean => {
    let points = index.get(name);
    if (!points) {
      points = new Set((metrics.scalars[name] ?? []).map((p) => `${p.t}|${p.step}`));
      index.set(name, points);
    }
    return typeof step === 'number' ? points.has(`${t}|${step}`) : [...points].some((key) => key.startsWith(`${t}|`));
  };
  return events.filter((e) => {
    if (e.t > seen) return true;
    if (e.type === 'scalar') return !held(e.name, e.t, e.step);
    return IDEMPOTENT.has(e.type);
  });
}
