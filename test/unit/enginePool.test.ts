import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addPoolEngine, imageSourceEngines, poolUrl, removePoolEngine } from '../../src/main/core/docker/enginePool';
import { type Db, openDatabase } from '../../src/main/core/workspace/database';
import { readSettings, writeSettings } from '../../src/main/core/workspace/settings';

let dir: string;
let db: Db;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-pool-unit-'));
  db = openDatabase(path.join(dir, 'benchtop.db'));
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return {
      code: (err as { code?: string }).code,
      message: (err as Error).message,
      hint: (err as { hint?: string }).hint,
    };
  }
  throw new Error('expected a refusal');
};

describe('the Docker pool setting', () => {
  it('keeps engines by their URL: "local" is this machine\'s engine, a trailing slash is dropped', () => {
    const local = process.env.DOCKER_HOST?.trim() || 'unix:///var/run/docker.sock';
    expect(poolUrl('local')).toBe(local);
    expect(poolUrl(' tcp://10.0.0.5:2375/ ')).toBe('tcp://10.0.0.5:2375');
    expect(refusal(() => poolUrl('10.0.0.5:2375'))).toEqual({
      code: 'BAD_INPUT',
      message: '"10.0.0.5:2375" is not a Docker engine address.',
      hint: 'Use unix:///var/run/docker.sock, tcp://HOST:2375 or ssh://USER@HOST (Settings -> Docker engine).',
    });
  });

  it('adds, changes the slots of, and removes engines, in order, with the fix in every refusal', () => {
    expect(addPoolEngine(db, 'tcp://a:2375', 2)).toMatchObject({ url: 'tcp://a:2375', previousSlots: null });
    expect(addPoolEngine(db, 'ssh://me@b', 1).pool).toEqual([
      { url: 'tcp://a:2375', slots: 2 },
      { url: 'ssh://me@b', slots: 1 },
    ]);
    expect(addPoolEngine(db, 'tcp://a:2375/', 4)).toMatchObject({ previousSlots: 2 });
    expect(readSettings(db).dockerPool).toEqual([
      { url: 'tcp://a:2375', slots: 4 },
      { url: 'ssh://me@b', slots: 1 },
    ]);
    expect(refusal(() => addPoolEngine(db, 'tcp://c:2375', 0))).toMatchObject({
      code: 'BAD_INPUT',
      message: '--slots must be a whole number from 1 to 1024; got 0.',
    });
    expect(refusal(() => removePoolEngine(db, 'tcp://c:2375'))).toEqual({
      code: 'NOT_FOUND',
      message: 'tcp://c:2375 is not in the Docker pool.',
      hint: 'The pool has: tcp://a:2375, ssh://me@b (benchtop docker pool).',
    });
    expect(removePoolEngine(db, 'tcp://a:2375').pool).toEqual([{ url: 'ssh://me@b', slots: 1 }]);
    removePoolEngine(db, 'ssh://me@b');
    expect(refusal(() => removePoolEngine(db, 'ssh://me@b')).hint).toBe(
      'The pool is empty; add an engine with: benchtop docker pool add URL --slots N.',
    );
  });

  it('looks for an image on the workspace engine first, then the pool, never on the target itself', () => {
    writeSettings(db, {
      dockerHost: 'tcp://build:2375',
      dockerPool: [
        { url: 'tcp://a:2375', slots: 1 },
        { url: 'tcp://build:2375', slots: 1 },
        { url: 'tcp://b:2375', slots: 1 },
      ],
    });
    expect(imageSourceEngines(db, 'tcp://a:2375').map((e) => e.address().url)).toEqual([
      'tcp://build:2375',
      'tcp://b:2375',
    ]);
  });
});
