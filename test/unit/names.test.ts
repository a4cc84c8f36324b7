import { describe, expect, it } from 'vitest';
import { assertNotReserved, assertValidName, parseNameVersion } from '../../src/shared/environments/names';

describe('environment names', () => {
  it('accepts Azure-style names', () => {
    for (const name of ['a', 'my-env', 'env_1.2', '9lives', 'x'.repeat(255)])
      expect(() => assertValidName(name)).not.toThrow();
  });
  it('refuses invalid names with the rule in the hint', () => {
    for (const name of ['', '-x', '.x', 'a b', 'a/b', 'x'.repeat(256), 'é']) {
      expect(() => assertValidName(name)).toThrow(/not a valid environment name/);
    }
  });
  it('reserves AzureML, Microsoft and Benchtop prefixes, in any case', () => {
    for (const name of ['AzureML-Foo', 'azureml', 'Microsoft.x', 'Benchtop-Mine', 'benchtop']) {
      expect(() => assertNotReserved(name)).toThrow(/reserved/);
    }
    expect(() => assertNotReserved('my-azureml')).not.toThrow();
  });
  it('parses NAME[:VERSION]', () => {
    expect(parseNameVersion('env')).toEqual({ name: 'env' });
    expect(parseNameVersion('env:12')).toEqual({ name: 'env', version: '12' });
    expect(() => parseNameVersion('env:latest')).toThrow(/must be a number/);
  });
});
