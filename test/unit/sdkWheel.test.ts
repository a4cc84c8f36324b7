import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pep440, sdkWheelFileName, writeSdkWheel } from '../../src/main/core/sdk/sdkWheel';

const RUNTIME = path.resolve(__dirname, '..', '..', 'src', 'runtime');

describe('the benchtop_sdk wheel', () => {
  it('names versions the PEP 440 way', () => {
    expect(pep440('0.1.0')).toBe('0.1.0');
    expect(pep440('0.2.0-dev.3')).toBe('0.2.0.dev3');
    expect(pep440('1.0.0-rc.1')).toBe('1.0.0rc1');
    expect(pep440('1.0.0-beta')).toBe('1.0.0b0');
    expect(sdkWheelFileName('0.1.0')).toBe('benchtop_sdk-0.1.0-py3-none-any.whl');
  });

  it('is reproducible: the same sources give the same bytes', () => {
    const a = writeSdkWheel({
      runtimeDir: RUNTIME,
      outDir: fs.mkdtempSync(path.join(os.tmpdir(), 'bt-whl-')),
      version: '0.1.0',
    });
    const b = writeSdkWheel({
      runtimeDir: RUNTIME,
      outDir: fs.mkdtempSync(path.join(os.tmpdir(), 'bt-whl-')),
      version: '0.1.0',
    });
    const bytes = fs.readFileSync(a);
    expect(bytes.equals(fs.readFileSync(b))).toBe(true);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    // Names are stored as they are: the packages and the dist-info, never the runs-only sitecustomize.
    const text = bytes.toString('latin1');
    expect(text).toContain('azureml/core/__init__.py');
    expect(text).toContain('benchtop_sdk-0.1.0.dist-info/RECORD');
    expect(text).not.toContain('sitecustomize');
    expect(text).not.toContain('__pycache__');
  });
});
