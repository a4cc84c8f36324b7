import { describe, expect, it } from 'vitest';
import {
  buildRelevantContent,
  canonicalPackage,
  registrationContent,
  stableStringify,
} from '../../src/shared/environments/canonical';
import { scaffoldDefinition, withPackages } from '../../src/shared/environments/definition';
import { computeBuildKey } from '../../src/main/core/builds/buildService';

describe('stableStringify', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(stableStringify({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
  });
  it('drops undefined members', () => {
    expect(stableStringify({ a: undefined, b: 2 })).toBe('{"b":2}');
  });
});

describe('canonicalPackage', () => {
  it('folds white space around operators and the name case', () => {
    expect(canonicalPackage('  NumPy >= 1.26 ')).toBe('numpy>=1.26');
    expect(canonicalPackage('scikit-learn == 1.5.2')).toBe('scikit-learn==1.5.2');
    expect(canonicalPackage('numpy=1.26')).toBe('numpy=1.26');
  });
  it('leaves pip options alone', () => {
    expect(canonicalPackage('--extra-index-url  https://example.invalid/simple')).toBe(
      '--extra-index-url https://example.invalid/simple',
    );
  });
});

describe('build key', () => {
  const base = withPackages(scaffoldDefinition('a', '3.11'), ['numpy'], ['six==1.16.0', 'packaging']);
  it('ignores name, version and environment variables', () => {
    const other = { ...base, name: 'b', version: '7', environmentVariables: { X: '1' } };
    expect(computeBuildKey(other, 'venv')).toBe(computeBuildKey(base, 'venv'));
  });
  it('ignores cosmetic spacing and case in package specs', () => {
    const spaced = withPackages(base, [' NumPy '], ['six == 1.16.0', 'packaging']);
    expect(computeBuildKey(spaced, 'venv')).toBe(computeBuildKey(base, 'venv'));
  });
  it('changes with dependency order, content, python, docker section and backend', () => {
    const key = computeBuildKey(base, 'venv');
    expect(computeBuildKey(withPackages(base, ['numpy'], ['packaging', 'six==1.16.0']), 'venv')).not.toBe(key);
    expect(computeBuildKey(withPackages(base, ['numpy'], ['six==1.16.0']), 'venv')).not.toBe(key);
    expect(computeBuildKey(scaffoldDefinition('a', '3.12'), 'venv')).not.toBe(
      computeBuildKey(scaffoldDefinition('a', '3.11'), 'venv'),
    );
    expect(computeBuildKey({ ...base, docker: { ...base.docker, baseImage: 'other:1' } }, 'venv')).not.toBe(key);
    expect(computeBuildKey(base, 'conda')).not.toBe(key);
  });
  it('covers the interpreter of a user-managed environment', () => {
    const um = {
      ...base,
      python: { ...base.python, userManagedDependencies: true, interpreterPath: '/usr/bin/python3' },
    };
    const other = { ...um, python: { ...um.python, interpreterPath: '/opt/py/bin/python' } };
    expect(computeBuildKey(um, 'user-managed')).not.toBe(computeBuildKey(other, 'user-managed'));
    expect(buildRelevantContent(um, 'user-managed')).toMatchObject({ python: { userManagedDependencies: true } });
  });
  it('is 32 hex characters', () => {
    expect(computeBuildKey(base, 'venv')).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('registrationContent', () => {
  it('is equal for definitions that differ only in name and version', () => {
    expect(registrationContent({ ...scaffoldDefinition('x', '3.11'), version: '3' })).toBe(
      registrationContent(scaffoldDefinition('y', '3.11')),
    );
  });
  it('differs when environment variables differ', () => {
    const a = scaffoldDefinition('x', '3.11');
    expect(registrationContent({ ...a, environmentVariables: { A: '2' } })).not.toBe(registrationContent(a));
  });
});
