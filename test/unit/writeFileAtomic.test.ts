import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/main/core/workspace/files';

describe('writeFileAtomic', () => {
  it('replaces the file whole, leaving no temp file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-atomic-'));
    const file = path.join(dir, 'a.json');
    fs.writeFileSync(file, 'old');
    writeFileAtomic(file, 'new', false);
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.readdirSync(dir)).toEqual(['a.json']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('removes its temp file when the rename fails, and leaves what was there untouched', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-atomic-'));
    const target = path.join(dir, 'taken');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside.txt'), 'keep');
    expect(() => writeFileAtomic(target, 'data', false)).toThrow();
    expect(fs.readdirSync(dir)).toEqual(['taken']);
    expect(fs.readFileSync(path.join(target, 'inside.txt'), 'utf8')).toBe('keep');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
