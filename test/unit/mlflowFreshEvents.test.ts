import { describe, expect, it } from 'vitest';
import { applyRunEvents, emptyMetrics, type RunEvent } from '../../src/shared/api/runEvents';
import { freshEvents } from '../../src/renderer/screens/runs/freshEvents';

/** The run view's live fold: repeats of the first read dropped, MLflow metrics with older timestamps kept. */
describe('freshEvents', () => {
  const read: RunEvent[] = [
    { type: 'scalar', name: 'loss', value: 1, step: 0, t: 100 },
    { type: 'row', name: 'r', value: { a: 1 }, t: 101 },
    { type: 'scalar', name: 'loss', value: 0.5, step: 1, t: 102 },
  ];
  const loaded = applyRunEvents(emptyMetrics(), read);

  it('drops what the first read held and keeps what is newer', () => {
    const pushed: RunEvent[] = [...read.slice(1), { type: 'scalar', name: 'loss', value: 0.2, step: 2, t: 103 }];
    expect(freshEvents(pushed, 102, loaded)).toEqual([pushed[2]]);
  });

  it('keeps an MLflow metric whose client timestamp is older than the last event seen', () => {
    const older: RunEvent = { type: 'scalar', name: 'loss', value: 0.9, step: 7, t: 50 };
    const params: RunEvent = { type: 'params', params: { lr: '0.1' }, t: 60 };
    const row: RunEvent = { type: 'row', name: 'r', value: { a: 2 }, t: 60 };
    expect(freshEvents([older, params, row], 102, loaded)).toEqual([older, params]);
  });
});
