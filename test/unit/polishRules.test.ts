import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/shared/api/runTypes';
import type { ServiceRecord } from '../../src/shared/api/serviceTypes';
import type { CacheEntry } from '../../src/shared/api/types';
import type { EnvironmentDefinition } from '../../src/shared/environments/definition';
import { exactText, relativeText } from '../../src/renderer/components/timeFormat';
import { dependentsOf } from '../../src/renderer/screens/cacheDependents';
import { definitionYaml } from '../../src/renderer/screens/environments/definitionView';

const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('relativeText', () => {
  it.each([
    [NOW - 20_000, 'just now'],
    [NOW - 3 * 60_000, '3 min. ago'],
    [NOW - 2 * 3_600_000, '2 hr. ago'],
    [NOW - 86_400_000, 'yesterday'],
    [NOW + 2 * 3_600_000, 'in 2 hr.'],
  ])('%s reads %s', (ms, words) => {
    // Intl's English short style (the test runs with an English default locale).
    expect(relativeText(ms, NOW).replace(/\s/g, ' ')).toBe(words);
  });
  it('shows the date itself past 30 days, and the exact text names the seconds', () => {
    expect(relativeText(NOW - 40 * 86_400_000, NOW)).toMatch(/2026/);
    expect(exactText(Date.parse('2026-03-10T12:00:07Z'))).toMatch(/:07/);
  });
});

const def = (extra: Record<string, unknown>) =>
  ({ name: 'e', version: null, environmentVariables: {}, python: {}, docker: {}, ...extra }) as EnvironmentDefinition;

describe('definitionYaml', () => {
  const azure = def({
    docker: { baseImage: 'img', baseImageRegistry: { address: null, password: null }, enabled: false, arguments: [] },
    spark: { packages: [], precachePackages: true, repositories: [] },
    python: { userManagedDependencies: false, interpreterPath: 'python', condaDependencies: { dependencies: ['x'] } },
    environmentVariables: { EXAMPLE_ENV_VAR: 'EXAMPLE_VALUE' },
    r: null,
  });
  it('hides nulls, empty sections and azureml-core defaults, keeping name, version and what was set', () => {
    const { text, hidden } = definitionYaml(azure, false);
    expect(text).toBe(
      'name: e\nversion: null\npython:\n  condaDependencies:\n    dependencies:\n      - x\ndocker:\n  baseImage: img\n',
    );
    expect(hidden).toBeGreaterThanOrEqual(10);
  });
  it('shows every field when asked, and keeps a non-default value of a defaulted field', () => {
    expect(definitionYaml(azure, true).text).toContain('password: null');
    expect(definitionYaml(def({ spark: { precachePackages: false } }), false).text).toContain(
      'precachePackages: false',
    );
  });
});

describe('dependentsOf', () => {
  const entry = (backend: string): CacheEntry => ({
    buildKey: 'k'.repeat(32),
    backend,
    state: 'ready',
    path: null,
    sizeBytes: 1,
    lastUsedAt: null,
    finishedAt: null,
    environments: ['env:1'],
  });
  const service = (name: string, state: ServiceRecord['state'], target: 'local' | 'docker', environment = 'env:1') =>
    ({ name, state, target, environment }) as ServiceRecord;
  const run = (id: string, buildKey: string | null, environment = 'env:1', target = 'local') =>
    ({ id, displayName: null, status: 'Running', buildKey, environment, target }) as RunSummary;

  it('names running services and active runs on the same build and target; ignores deleted and failed ones', () => {
    const services = [
      service('a', 'running', 'local'),
      service('b', 'deleted', 'local'),
      service('c', 'failed', 'local'),
      service('d', 'running', 'docker'),
      service('e', 'running', 'local', 'other:1'),
    ];
    const runs = [
      run('r1', 'k'.repeat(32)),
      run('r2', 'z'.repeat(32)),
      run('r3', null),
      run('r4', null, 'env:1', 'docker'),
    ];
    expect(dependentsOf(entry('venv'), services, runs).active).toEqual([
      'service "a" (running, env:1)',
      'run r1 (Running, env:1)',
      'run r3 (Running, env:1)',
    ]);
    expect(dependentsOf(entry('docker'), services, []).active).toEqual(['service "d" (running, env:1)']);
  });
});
