import { describe, expect, it } from 'vitest';
import { type Route, href, parseHash, screenOf } from '../../src/renderer/routing/routes';
import { uiError, uiWords } from '../../src/renderer/forms/uiErrors';
import { BenchtopError } from '../../src/shared/errors';

describe('hash routes', () => {
  const routes: Route[] = [
    { kind: 'environments' },
    { kind: 'environments', name: 'my env/ü', version: '2' },
    { kind: 'runs' },
    { kind: 'runs', experiment: 'a b+c' },
    { kind: 'run', runId: 'Default_17_x/y' },
    { kind: 'compare', runIds: ['a,1', 'b'] },
    { kind: 'submit' },
    { kind: 'import' },
    { kind: 'sweeps' },
    { kind: 'sweep', sweepId: 'HD_1' },
    { kind: 'models', name: 'iris', version: 3 },
    { kind: 'data', name: 'train' },
    { kind: 'services', name: 'iris-svc' },
    { kind: 'cache' },
    { kind: 'settings' },
  ];
  it.each(routes.map((r) => [href(r), r]))('%s round-trips', (link, route) => {
    expect(parseHash(link)).toEqual(JSON.parse(JSON.stringify(route)));
  });
  it('keeps the links the SDK has always given, and ignores links that name no place', () => {
    expect(parseHash('#/runs/abc')).toEqual({ kind: 'run', runId: 'abc' });
    expect(parseHash('#/runs?experiment=x')).toEqual({ kind: 'runs', experiment: 'x' });
    expect(parseHash('')).toBeNull();
    expect(parseHash('#/nowhere')).toBeNull();
    expect(parseHash('#/models/m/notanumber')).toEqual({ kind: 'models', name: 'm', version: undefined });
    expect(parseHash('#/runs/%E0%A4%A')).toEqual({ kind: 'run', runId: '%E0%A4%A' });
    expect(screenOf({ kind: 'sweep', sweepId: 's' })).toBe('runs');
  });
});

describe('core errors in the UI words', () => {
  it('puts a missing source folder beside its field, without the CLI flag', () => {
    const e = uiError(
      new BenchtopError(
        'NOT_FOUND',
        'Source folder not found: /x',
        'Give the folder that holds your training script with -d.',
      ),
      'submitRun',
    );
    expect(e).toMatchObject({ field: 'sourceDirectory', message: 'Source folder not found: /x' });
    expect(e.hint).not.toMatch(/-d\b/);
  });
  it('translates flags it knows and drops hints that only make sense on a command line', () => {
    expect(uiWords('Pick an empty folder, or pass --overwrite.')).toBe('Pick an empty folder.');
    expect(uiWords('See `benchtop run list`.')).toBeUndefined();
    expect(uiWords('Use letters and digits.')).toBe('Use letters and digits.');
    const deploy = uiError(
      { code: 'NOT_FOUND', message: 'The entry script /a/score.py does not exist.' },
      'deployService',
    );
    expect(deploy.field).toBe('entryScript');
    expect(uiError(new Error('boom'), 'registerModel')).toMatchObject({ field: 'form', code: 'INTERNAL' });
  });
});
