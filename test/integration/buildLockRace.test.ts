import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { tryAcquireBuildLock } from '../../src/main/core/builds/buildLock';
import { ROOT, tempDir, waitUntil } from '../helpers/workspace';

const RACERS = 12;
const ROUNDS = 15;
const racers: ChildProcess[] = [];
afterAll(() => racers.forEach((r) => r.exitCode === null && r.kill('SIGKILL')));

/** The pid of a process that has exited: a lock holding it is stale. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('stale build-lock takeover', () => {
  it('many processes racing for one stale lock: exactly one takes it over each time', async () => {
    const dir = tempDir('bt-lock-race-');
    const bundle = path.join(dir, 'racer.js');
    buildSync({
      entryPoints: [path.join(ROOT, 'test', 'helpers', 'lockRacer.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'warning',
    });
    for (let i = 0; i < RACERS; i++)
      racers.push(spawn(process.execPath, [bundle, dir, String(i), String(ROUNDS)], { stdio: 'inherit' }));
    const lock = path.join(dir, 'key.lock');
    const winners: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      fs.writeFileSync(lock, String(deadPid()));
      fs.writeFileSync(path.join(dir, `go-${round}`), '');
      const result = (i: number) => path.join(dir, `result-${round}-${i}`);
      await waitUntil(() => Array.from({ length: RACERS }, (_, i) => fs.existsSync(result(i))).every(Boolean), 60_000);
      const outcomes = Array.from({ length: RACERS }, (_, i) => fs.readFileSync(result(i), 'utf8'));
      expect(outcomes.filter((o) => o !== 'won' && o !== 'waited')).toEqual([]);
      winners.push(outcomes.filter((o) => o === 'won').length);
      fs.writeFileSync(path.join(dir, `release-${round}`), '');
      await waitUntil(() => !fs.existsSync(lock), 30_000);
    }
    expect(winners).toEqual(Array.from({ length: ROUNDS }, () => 1));
    // Nothing is left behind: no claim or temporary files.
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('key.lock'))).toEqual([]);
  });

  it('a live holder is never taken over; a lock left empty or unreadable by a crash is', () => {
    const dir = tempDir('bt-lock-');
    const lock = path.join(dir, 'key.lock');
    fs.writeFileSync(lock, `${process.ppid} sometoken`);
    expect(tryAcquireBuildLock(lock)).toBeNull();
    expect(fs.readFileSync(lock, 'utf8')).toBe(`${process.ppid} sometoken`);
    fs.writeFileSync(lock, '');
    const release = tryAcquireBuildLock(lock);
    expect(release).not.toBeNull();
    expect(Number.parseInt(fs.readFileSync(lock, 'utf8'), 10)).toBe(process.pid);
    release?.();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
