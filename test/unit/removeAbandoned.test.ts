import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeAbandoned } from '../../src/main/core/workspace/abandoned';

/** The pid of a process that has exited (a child we ran to the end), so it is surely not alive. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('removeAbandoned', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('removes the entries of dead owners, keeps a live owner and what is not of its kind', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-abandoned-'));
    dirs.push(dir);
    const dead = deadPid();
    fs.mkdirSync(path.join(dir, `job-${dead}`));
    fs.writeFileSync(path.join(dir, `job-${dead}`, 'half.bin'), 'x');
    fs.mkdirSync(path.join(dir, `job-${process.pid}`));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'the user put this here');
    removeAbandoned(dir, (entry) => (/^job-(\d+)$/.exec(entry) ? Number(entry.slice(4)) : null));
    expect(fs.readdirSync(dir).sort()).toEqual([`job-${process.pid}`, 'notes.txt']);
  });

  it('does nothing for a folder that does not exist', () => {
    expect(() => removeAbandoned(path.join(os.tmpdir(), 'bt-abandoned-none', 'x'), () => 1)).not.toThrow();
  });
});
