import { describe, expect, it } from 'vitest';
import { STATUS_MAP, benchtopName, isoOf } from '../../src/main/core/mlflowImport/exportLines';
import { pipFailure } from '../../src/main/core/tools/toolErrors';

describe('MLflow import rules', () => {
  it('keeps names Benchtop accepts and replaces what it refuses', () => {
    expect(benchtopName('train', 'x')).toBe('train');
    expect(benchtopName('eval set', 'x')).toBe('eval_set');
    expect(benchtopName('/Users/me@corp.com/exp', 'x')).toBe('Users_me_corp.com_exp');
    expect(benchtopName('***', 'mlflow-7')).toBe('mlflow-7');
  });

  it("maps MLflow's run statuses, keeping unfinished ones unfinished", () => {
    expect(STATUS_MAP).toEqual({
      FINISHED: 'Completed',
      FAILED: 'Failed',
      KILLED: 'Canceled',
      RUNNING: 'Running',
      SCHEDULED: 'Queued',
    });
    expect(isoOf(1_700_000_000_123)).toBe('2023-11-14T22:13:20.123Z');
    expect(isoOf(null)).toBeNull();
    expect(isoOf(0)).toBeNull();
  });
});

describe("a tool environment's pip failure", () => {
  it('names what is missing and the fix (a wheel in the workspace)', () => {
    const error = pipFailure(
      'ERROR: No matching distribution found for mlflow-skinny==3.17.2\n',
      ['mlflow-skinny==3.17.2'],
      true,
      1,
    );
    expect(error.code).toBe('PACKAGE_UNAVAILABLE');
    expect(error.message).toContain('mlflow-skinny==3.17.2');
    expect(error.message).toContain('offline');
    expect(error.hint).toContain('benchtop wheel add');
    expect(error.hint).toContain('pip download mlflow-skinny==3.17.2');
  });

  it('says when the package index cannot be reached', () => {
    const log =
      "WARNING: Retrying ... NewConnectionError('Failed to establish a new connection: [Errno 101] Network is unreachable')";
    const error = pipFailure(log, ['optuna==4.0.0'], false, 1);
    expect(error.code).toBe('PACKAGE_UNAVAILABLE');
    expect(error.message).toContain('the package index cannot be reached');
    expect(error.message).toContain('optuna==4.0.0');
  });

  it('leaves any other pip failure to the log', () => {
    expect(pipFailure('error: subprocess-exited-with-error', ['x==1'], false, 1).code).toBe('BUILD_FAILED');
  });
});
