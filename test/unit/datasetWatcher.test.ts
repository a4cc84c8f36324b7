import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { watchDatasetChanges } from '../../src/main/core/datasets/datasetWatcher';
import { EventBus } from '../../src/main/core/events';
import { type Db, openDatabase } from '../../src/main/core/workspace/database';

let dir: string;
let ui: Db;
let cli: Db;
let stop: () => void;
let seen: string[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-dswatch-'));
  // Two connections to one workspace: the served UI's process and a CLI's.
  ui = openDatabase(path.join(dir, 'benchtop.db'));
  cli = openDatabase(path.join(dir, 'benchtop.db'));
  const bus = new EventBus();
  seen = [];
  bus.on('datasets.changed', ({ name }) => seen.push(name));
  stop = watchDatasetChanges(ui, bus);
});
afterEach(() => {
  stop();
  ui.close();
  cli.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const insert = (db: Db, name: string, version: number, tags = '{}') =>
  db
    .prepare(
      `INSERT INTO datasets (name, version, uuid, kind, tags, size, file_count, content_digest, created_at)
       VALUES (?, ?, ?, 'file', ?, 1, 1, 'd', '2026-01-01')`,
    )
    .run(name, version, `${name}-${version}`, tags);

const settle = () => new Promise((resolve) => setTimeout(resolve, 1600));

it('names the datasets another process registered, changed, used or deleted, and only those', async () => {
  insert(cli, 'train', 1);
  await settle();
  expect(seen).toEqual(['train']);

  seen = [];
  cli.prepare(`UPDATE datasets SET tags = '{"stage":"raw"}' WHERE name = 'train'`).run();
  cli.prepare(`INSERT INTO run_datasets VALUES ('run_1', 'training', 'train', 1, 'mount', 'input', NULL)`).run();
  insert(cli, 'other', 1);
  await settle();
  expect(seen.sort()).toEqual(['other', 'train']);

  seen = [];
  cli.prepare(`DELETE FROM datasets WHERE name = 'other'`).run();
  await settle();
  expect(seen).toEqual(['other']);
});

it('stays quiet while nothing changes elsewhere, and stops when the database closes', async () => {
  insert(ui, 'mine', 1);
  await settle();
  expect(seen).toEqual([]);
  ui.close();
  await settle();
  ui = openDatabase(path.join(dir, 'benchtop.db'));
});
