import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirectory } from '../../src/main/core/workspace/makeDirectory';

describe('makeDirectory (user-named download and export folders)', () => {
  it('creates every missing level and accepts an existing folder', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-mkdir-'));
    const deep = path.join(root, 'a', 'b', 'c');
    makeDirectory(deep);
    expect(fs.statSync(deep).isDirectory()).toBe(true);
    makeDirectory(deep);
    fs.rmSync(root, { recursive: true });
  });

  it('names a file in the way instead of creating anything', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-mkdir-'));
    fs.writeFileSync(path.join(root, 'file'), 'x');
    expect(() => makeDirectory(path.join(root, 'file', 'sub'))).toThrow(/is a file/);
    expect(() => makeDirectory(path.join(root, 'file'))).toThrow(/is a file, not a folder/);
    fs.rmSync(root, { recursive: true });
  });

  it('fails at once under /proc, where fs.mkdirSync(recursive) never returns on Node 20', () => {
    expect(() => makeDirectory('/proc/no-such/dir')).toThrow(/Cannot create the folder \/proc\/no-such\/dir/);
  });
});
