import { describe, expect, it } from 'vitest';
import { condaToPip } from '../../src/main/core/python/packageMapping';

describe('conda -> pip mapping', () => {
  it.each([
    ['numpy', 'numpy', null],
    ['numpy=1.26', 'numpy==1.26.*', 'numpy=1.26 -> numpy==1.26.*'],
    ['numpy=1.26.4', 'numpy==1.26.4', 'numpy=1.26.4 -> numpy==1.26.4'],
    ['numpy=1.26.4=py311h64a7726_0', 'numpy==1.26.4', 'numpy=1.26.4=py311h64a7726_0 -> numpy==1.26.4'],
    ['numpy>=1.20', 'numpy>=1.20', null],
    ['conda-forge::scipy', 'scipy', 'conda-forge::scipy -> scipy'],
    ['pytorch=2.1', 'torch==2.1.*', 'pytorch=2.1 -> torch==2.1.*'],
    ['py-xgboost', 'xgboost', 'py-xgboost -> xgboost'],
    ['scikit-learn 1.5.2', 'scikit-learn==1.5.2.*', 'scikit-learn 1.5.2 -> scikit-learn==1.5.2.*'],
  ])('%s -> %s', (conda, pip, note) => {
    const mapped = condaToPip(conda);
    expect(mapped.pip).toBe(pip);
    expect(mapped.note).toBe(note);
  });
  it('skips conda-only packages and says so', () => {
    for (const name of ['mkl', 'cudatoolkit=11.8', 'python=3.11', 'pip']) {
      const mapped = condaToPip(name);
      expect(mapped.pip).toBeNull();
      expect(mapped.note).toMatch(/conda-only, skipped/);
    }
  });
});
