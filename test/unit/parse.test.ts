import { describe, expect, it } from 'vitest';
import { BenchtopError } from '../../src/shared/errors';
import {
  parseCondaYaml,
  parseDefinitionText,
  parseJsonText,
  parsePipRequirements,
} from '../../src/shared/environments/parse';
import { pythonVersionOf, scaffoldDefinition, withPythonVersion } from '../../src/shared/environments/definition';

function errorOf(fn: () => unknown): BenchtopError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BenchtopError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('conda YAML', () => {
  it('reads dependencies with a pip section', () => {
    const spec = parseCondaYaml(
      'name: x\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - numpy\n  - pip:\n    - six==1.16.0\n',
    );
    expect(spec.dependencies).toEqual(['python=3.11', 'numpy', { pip: ['six==1.16.0'] }]);
  });
  it('names the line and column of a syntax error', () => {
    const err = errorOf(() => parseCondaYaml('name: x\ndependencies:\n  - numpy\n - scipy\n', 'env.yml'));
    expect(err.code).toBe('PARSE_ERROR');
    expect(err.location?.line).toBe(4);
    expect(err.message).toMatch(/env\.yml: invalid YAML at line 4, column \d+/);
    expect(err.hint).toBeTruthy();
  });
  it('refuses unknown top-level keys, naming them and their line', () => {
    const err = errorOf(() => parseCondaYaml('name: x\ndependencies: []\nfoo: 1\n'));
    expect(err.message).toContain('"foo"');
    expect(err.location?.line).toBe(3);
  });
  it('refuses conda specs that start with "-"', () => {
    expect(errorOf(() => parseCondaYaml('dependencies:\n  - "--bad"\n')).message).toMatch(/invalid package name/);
  });
  it('refuses a dependency that is neither a string nor a pip list', () => {
    expect(errorOf(() => parseCondaYaml('dependencies:\n  - {npm: [x]}\n')).code).toBe('BAD_INPUT');
  });
});

describe('JSON', () => {
  it('names the line and column of a syntax error', () => {
    const err = errorOf(() => parseJsonText('{\n  "name": "x",\n  "version" null\n}', 'a.json'));
    expect(err.code).toBe('PARSE_ERROR');
    expect(err.location?.line).toBe(3);
  });
});

describe('definition text', () => {
  it('round-trips YAML and JSON', () => {
    const def = scaffoldDefinition('round', '3.11');
    expect(parseDefinitionText(JSON.stringify(def), 'json')).toEqual(def);
  });
  it('reports a wrong type with its line', () => {
    const err = errorOf(() =>
      parseDefinitionText(
        'name: x\nenvironmentVariables:\n  A: 1\npython:\n  userManagedDependencies: "yes"\n',
        'yaml',
      ),
    );
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toMatch(/userManagedDependencies|environmentVariables/);
  });
  it('keeps fields Benchtop does not use', () => {
    const def = parseDefinitionText(
      JSON.stringify({ name: 'x', spark: { packages: [] }, r: null, python: { baseCondaEnvironment: 'b' } }),
      'json',
    );
    expect(def.spark).toEqual({ packages: [] });
    expect(def.python.baseCondaEnvironment).toBe('b');
  });
});

describe('pip requirements', () => {
  it('drops comments and blank lines, keeps options', () => {
    expect(parsePipRequirements('# c\nsix==1.16.0  # pinned\n\n--find-links /w\nnumpy>=1\n')).toEqual([
      'six==1.16.0',
      '--find-links /w',
      'numpy>=1',
    ]);
  });
});

describe('python version', () => {
  it('reads python=X.Y in its spellings and sets it', () => {
    const def = scaffoldDefinition('p', '3.10');
    expect(pythonVersionOf(def)).toBe('3.10');
    expect(pythonVersionOf(withPythonVersion(def, '3.12.1'))).toBe('3.12.1');
    const loose = { ...def, python: { ...def.python, condaDependencies: { dependencies: ['python'] } } };
    expect(pythonVersionOf(loose)).toBeNull();
    const spaced = {
      ...def,
      python: { ...def.python, condaDependencies: { dependencies: ['conda-forge::python==3.9'] } },
    };
    expect(pythonVersionOf(spaced)).toBe('3.9');
  });
});
