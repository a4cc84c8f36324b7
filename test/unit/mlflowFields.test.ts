import { describe, expect, it } from 'vitest';
import { optionalString, requireString } from '../../src/main/core/mlflow/context';
import { MlflowError } from '../../src/main/core/mlflow/mlflowErrors';

/** What a field read throws, as MLflow's error JSON. */
function refusal(read: () => unknown): { error_code: string; message: string } {
  try {
    read();
  } catch (err) {
    if (err instanceof MlflowError) return err.toJSON();
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('MLflow request fields', () => {
  it('requireString: absent, null and empty are missing; a number is the wrong type', () => {
    const missing = {
      error_code: 'INVALID_PARAMETER_VALUE',
      message:
        "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.",
    };
    for (const fields of [{}, { run_id: null }, { run_id: '' }])
      expect(refusal(() => requireString(fields, 'run_id'))).toEqual(missing);
    expect(refusal(() => requireString({ run_id: 7 }, 'run_id'))).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: "Invalid value 7 for parameter 'run_id' supplied: a string is expected.",
    });
    expect(requireString({ run_id: 'abc' }, 'run_id')).toBe('abc');
  });

  it('optionalString: absent and null are undefined, empty is kept', () => {
    expect(optionalString({}, 'name')).toBeUndefined();
    expect(optionalString({ name: null }, 'name')).toBeUndefined();
    expect(optionalString({ name: '' }, 'name')).toBe('');
    expect(refusal(() => optionalString({ name: [1] }, 'name')).error_code).toBe('INVALID_PARAMETER_VALUE');
  });
});
