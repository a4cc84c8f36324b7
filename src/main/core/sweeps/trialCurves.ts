import path from 'node:path';
import { decodeValue } from '../../../shared/api/runEvents';
import { readRunEvents } from '../runs/readRunEvents';

/** What a trial's script has logged so far: the primary metric's values in order, and every metric's name. */
export interface CurveState {
  offset: number;
  values: number[];
  names: Set<string>;
}

/**
 * Tails each trial's events.jsonl from where the last read stopped (the queue owner lives long, so a running
 * trial's file is read once, not once per tick). A non-numeric or non-finite value of the metric is not a point:
 * Azure's policies compare numbers.
 */
export class TrialCurves {
  private readonly curves = new Map<string, CurveState>();

  read(runDir: string, runId: string, metric: string): CurveState {
    let state = this.curves.get(runId);
    if (!state) {
      state = { offset: 0, values: [], names: new Set() };
      this.curves.set(runId, state);
    }
    const { events, offset } = readRunEvents(path.join(runDir, 'events.jsonl'), state.offset);
    state.offset = offset;
    for (const event of events) {
      if (event.type !== 'scalar') continue;
      state.names.add(event.name);
      if (event.name !== metric) continue;
      const value = decodeValue(event.value);
      if (typeof value === 'number' && Number.isFinite(value)) state.values.push(value);
    }
    return state;
  }

  /** A finished sweep's trials are read no more. */
  forget(runIds: string[]): void {
    for (const id of runIds) this.curves.delete(id);
  }
}
