import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseInputFlags } from '../../src/main/cli/commands/runInputFlags';
import {
  MAX_DESCRIPTION_BYTES,
  checkInputArguments,
  inputVariables,
  substituteInputArguments,
} from '../../src/main/core/datasets/inputEnvironment';
import { linkModelDatasets, recordApiUse, runDatasets, insertRunUses } from '../../src/main/core/datasets/lineage';
import { placeRunInputs } from '../../src/main/core/datasets/placeInputs';
import { releaseRunInputs } from '../../src/main/core/datasets/releaseInputs';
import {
  type ResolvedRunInput,
  inputUses,
  rerunInputs,
  resolveRunInputs,
} from '../../src/main/core/datasets/runInputs';
import { hasherImplementations } from '../../src/main/core/models/contentHash';
import { type Db, openDatabase } from '../../src/main/core/workspace/database';

let dir: string;
let db: Db;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-runinputs-'));
  db = openDatabase(path.join(dir, 'ws', 'benchtop.db'));
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function blake3(text: string): Promise<string> {
  const factory = await (
    hasherImplementations.wasm as () => Promise<() => Promise<{ update(d: Uint8Array): void; hex(): string }>>
  )();
  const hasher = await factory();
  hasher.update(Buffer.from(text));
  return hasher.hex();
}

/** A dataset version as the registry stores it: rows, and its blobs in the store. */
async function addDataset(
  name: string,
  version: number,
  kind: 'file' | 'tabular',
  files: Record<string, string>,
  source: string[],
): Promise<void> {
  const digests: [string, string, number][] = [];
  for (const [rel, content] of Object.entries(files)) {
    const digest = await blake3(content);
    const blob = path.join(dir, 'ws', 'models', 'blobs', digest.slice(0, 2), digest);
    fs.mkdirSync(path.dirname(blob), { recursive: true });
    if (!fs.existsSync(blob)) {
      fs.writeFileSync(blob, content);
      fs.chmodSync(blob, 0o444);
    }
    digests.push([rel, digest, content.length]);
  }
  db.prepare(
    `INSERT INTO datasets(name, version, uuid, kind, tabular, source, size, file_count, content_digest, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, '2026-01-01T00:00:00Z')`,
  ).run(
    name,
    version,
    `${name}-${version}-0000-0000-000000000000`,
    kind,
    kind === 'tabular' ? JSON.stringify({ format: 'delimited', separator: ',', header: true }) : null,
    JSON.stringify(source),
    digests.length,
    `${name}${version}`,
  );
  for (const [rel, digest, size] of digests)
    db.prepare('INSERT INTO dataset_files(name, version, path, size, digest) VALUES (?, ?, ?, ?, ?)').run(
      name,
      version,
      rel,
      size,
      digest,
    );
}

function snapshot(files: string[] = []): string {
  const snap = path.join(dir, 'snapshot');
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(snap, f)), { recursive: true });
    fs.writeFileSync(path.join(snap, f), '');
  }
  fs.mkdirSync(snap, { recursive: true });
  return snap;
}

describe('--input flags', () => {
  it('reads NAME=DATASET[:VERSION][:MODE] from the right, and --input-path for the path on compute', () => {
    expect(
      parseInputFlags(['a=ds', 'b=ds:3', 'c=ds:download', 'd=ds:2:direct', 'e=ds:latest:mount'], ['b=data/b']),
    ).toEqual([
      { name: 'a', dataset: 'ds' },
      { name: 'b', dataset: 'ds', version: 3, pathOnCompute: 'data/b' },
      { name: 'c', dataset: 'ds', mode: 'download' },
      { name: 'd', dataset: 'ds', version: 2, mode: 'direct' },
      { name: 'e', dataset: 'ds', mode: 'mount' },
    ]);
  });

  it('names the flag and the form when one is wrong', () => {
    expect(() => parseInputFlags(['ds'])).toThrow('--input "ds": no input name');
    expect(() => parseInputFlags(['a=ds:x:mount'])).toThrow('"x" is not a version or a mode');
    expect(() => parseInputFlags(['a=ds:0'])).toThrow('versions start at 1');
    expect(() => parseInputFlags(['1st=ds'])).toThrow('Invalid input name "1st". The name can only be alphanumeric');
    expect(() => parseInputFlags(['my-data=ds'])).toThrow('Invalid input name "my-data"');
    expect(() => parseInputFlags(['a=ds'], ['b=x'])).toThrow('--input-path "b=x" names no input');
  });
});

describe('resolving inputs at submit', () => {
  it('picks the newest version, mount for files and direct for tables, and the single file of a one-file dataset', async () => {
    await addDataset('files', 1, 'file', { 'a.txt': 'one' }, ['/data/files']);
    await addDataset('files', 2, 'file', { 'a.txt': 'two' }, ['/data/files']);
    await addDataset('single', 1, 'file', { 'train.csv': 'x' }, ['/data/train.csv']);
    await addDataset('table', 1, 'tabular', { 't.csv': 'x,y' }, ['/data/t.csv']);
    const resolved = resolveRunInputs(
      db,
      [
        { name: 'f', dataset: 'files' },
        { name: 's', dataset: 'single', pathOnCompute: 'data/s/' },
        { name: 't', dataset: 'table' },
      ],
      snapshot(['train.py']),
    );
    expect(resolved.map((r) => [r.name, r.version, r.mode, r.folder, r.singleFile])).toEqual([
      ['f', 2, 'mount', 'inputs/f', null],
      ['s', 1, 'mount', 'work/data/s', 'train.csv'],
      ['t', 1, 'direct', null, null],
    ]);
    expect(inputUses('R', '/runs/R', resolved).map((u) => u.path)).toEqual([
      '/runs/R/inputs/f',
      '/runs/R/work/data/s/train.csv',
      null,
    ]);
  });

  it('refuses what Azure refuses, and paths that would hide the snapshot or land in what the run keeps', async () => {
    await addDataset('files', 1, 'file', { 'a.txt': 'one' }, ['/data/files']);
    await addDataset('table', 1, 'tabular', { 't.csv': 'x,y' }, ['/data/t.csv']);
    const snap = snapshot(['train.py', 'data/x.csv']);
    const refused = (inputs: Parameters<typeof resolveRunInputs>[1]) => () => resolveRunInputs(db, inputs, snap);
    expect(refused([{ name: 't', dataset: 'table', mode: 'download' }])).toThrow(
      "<class 'azureml.data.tabular_dataset.TabularDataset'> does not support download. Only FileDataset supports download",
    );
    expect(
      refused([
        { name: 'a', dataset: 'files' },
        { name: 'a', dataset: 'files' },
      ]),
    ).toThrow('Two inputs are named "a"');
    // An absolute path is Azure's compute's; here the input stays inside the run, at the default place.
    expect(resolveRunInputs(db, [{ name: 'a', dataset: 'files', pathOnCompute: '/tmp/a' }], snap)[0]?.folder).toBe(
      'inputs/a',
    );
    expect(refused([{ name: 'a', dataset: 'files', pathOnCompute: '../up' }])).toThrow('outside the working directory');
    expect(refused([{ name: 'a', dataset: 'files', pathOnCompute: 'outputs/a' }])).toThrow('which the run keeps');
    expect(refused([{ name: 'a', dataset: 'files', pathOnCompute: 'data/x.csv' }])).toThrow('is taken by data/x.csv');
    expect(refused([{ name: 'a', dataset: 'files', pathOnCompute: 'train.py/in' }])).toThrow('is taken by train.py');
    expect(
      refused([
        { name: 'a', dataset: 'files', pathOnCompute: 'in' },
        { name: 'b', dataset: 'files', pathOnCompute: 'in/b' },
      ]),
    ).toThrow('would share the folder work/in/b');
    expect(refused([{ name: 'a', dataset: 'files', version: 4 }])).toThrow('has no version 4 (newest: 1)');
    expect(() => checkInputArguments(['DatasetConsumptionConfig:zz'], [{ name: 'a' }])).toThrow(
      'names no input of this run',
    );
  });

  it('a rerun keeps the recorded versions and replaces only the inputs given', () => {
    const recorded = [
      { name: 'a', dataset: 'files', version: 1, mode: 'mount', pathOnCompute: 'data/a' },
      { name: 'b', dataset: 'table', version: 3, mode: 'direct', pathOnCompute: null },
    ] as ResolvedRunInput[];
    expect(rerunInputs(recorded, [{ name: 'b', dataset: 'table', version: 4 }])).toEqual([
      { name: 'a', dataset: 'files', version: 1, mode: 'mount', pathOnCompute: 'data/a' },
      { name: 'b', dataset: 'table', version: 4 },
    ]);
  });
});

describe('what the script is given', () => {
  const input = (over: Partial<ResolvedRunInput>): ResolvedRunInput => ({
    name: 'train',
    dataset: 'files',
    version: 2,
    id: 'guid-1',
    kind: 'file',
    mode: 'mount',
    tabular: null,
    pathOnCompute: null,
    folder: 'inputs/train',
    singleFile: null,
    files: ['a.txt'],
    ...over,
  });

  it('replaces DatasetConsumptionConfig:NAME arguments with the path (or the id for direct), as the script sees it', () => {
    const inputs = [input({}), input({ name: 'tab', mode: 'direct', folder: null, id: 'guid-2' })];
    const inContainer = (p: string) => p.replace('/runs/R', '/benchtop/run');
    expect(
      substituteInputArguments(
        ['--data', 'DatasetConsumptionConfig:train', 'DatasetConsumptionConfig:tab', 'DatasetConsumptionConfig:x'],
        '/runs/R',
        inputs,
        inContainer,
      ),
    ).toEqual(['--data', '/benchtop/run/inputs/train', 'guid-2', 'DatasetConsumptionConfig:x']);
  });

  it('sets BENCHTOP_INPUT_DATASETS, AZUREML_DATAREFERENCE_<NAME> and <NAME>, never over a variable already set', () => {
    const { env, skipped } = inputVariables(
      '/runs/R',
      [input({}), input({ name: 'PATH', mode: 'download', folder: 'inputs/PATH' })],
      (p) => p,
      (name) => name === 'PATH',
    );
    expect(env.train).toBe('/runs/R/inputs/train');
    expect(env.AZUREML_DATAREFERENCE_train).toBe('/runs/R/inputs/train');
    expect(env.PATH).toBeUndefined();
    expect(env.AZUREML_DATAREFERENCE_PATH).toBe('/runs/R/inputs/PATH');
    expect(skipped).toEqual(['PATH']);
    expect(JSON.parse(env.BENCHTOP_INPUT_DATASETS as string)).toEqual({
      train: {
        name: 'files',
        version: 2,
        id: 'guid-1',
        kind: 'file',
        mode: 'mount',
        path: '/runs/R/inputs/train',
        tabular: null,
        files: ['a.txt'],
      },
      PATH: expect.objectContaining({ mode: 'download', path: '/runs/R/inputs/PATH' }),
    });
  });

  it('lists the files of a very large input in a file: one variable over 128 KiB would stop the script starting', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => `part-${i}.csv`);
    const { env, fileLists } = inputVariables(
      '/runs/R',
      [input({ files: many }), input({ name: 'small' })],
      (p) => p,
      () => false,
    );
    const described = JSON.parse(env.BENCHTOP_INPUT_DATASETS as string) as Record<
      string,
      { files: unknown; filesFile?: string }
    >;
    expect((env.BENCHTOP_INPUT_DATASETS as string).length).toBeLessThan(MAX_DESCRIPTION_BYTES);
    expect(described.train).toMatchObject({ files: null, filesFile: '/runs/R/inputs/.files/train.json' });
    expect(described.small?.files).toEqual(['a.txt']);
    expect(fileLists).toEqual([{ path: '/runs/R/inputs/.files/train.json', files: many }]);
  });
});

describe('placing inputs in the run folder', () => {
  it('a mount is read-only folders of links into the store, a download verified writable copies; both go at the end', async () => {
    await addDataset('files', 1, 'file', { 'a.txt': 'alpha', 'sub/b.txt': 'beta' }, ['/data/files']);
    const runDir = path.join(dir, 'ws', 'runs', 'R');
    fs.mkdirSync(path.join(runDir, 'work'), { recursive: true });
    const resolved = resolveRunInputs(
      db,
      [
        { name: 'm', dataset: 'files' },
        { name: 'd', dataset: 'files', mode: 'download', pathOnCompute: 'data/d' },
      ],
      snapshot(),
    );
    const blobs = path.join(dir, 'ws', 'models', 'blobs');
    const notes: string[] = [];
    const files = db.prepare('SELECT path, size, digest FROM dataset_files ORDER BY path').all() as {
      path: string;
      size: number;
      digest: string;
    }[];
    const placed = await placeRunInputs(runDir, resolved, () => files, {
      blobs,
      blobAlias: null,
      copyMounts: false,
      signal: new AbortController().signal,
      note: (l) => notes.push(l),
    });
    const mount = path.join(runDir, 'inputs', 'm');
    const download = path.join(runDir, 'work', 'data', 'd');
    expect(placed).toEqual({ mounts: [mount], folders: [mount, download] });
    // Hard links to the store's files (same disk): nothing copied.
    const blobOf = (i: number) => path.join(blobs, (files[i]?.digest ?? '').slice(0, 2), files[i]?.digest ?? '');
    expect(fs.statSync(path.join(mount, 'sub', 'b.txt')).ino).toBe(fs.statSync(blobOf(1)).ino);
    expect(fs.statSync(mount).mode & 0o777).toBe(0o555);
    expect(fs.statSync(path.join(mount, 'sub')).mode & 0o777).toBe(0o555);
    expect(fs.lstatSync(path.join(download, 'a.txt')).isFile()).toBe(true);
    fs.writeFileSync(path.join(download, 'a.txt'), 'mine');
    expect(notes[0]).toMatch(/^Input m: files:1 \(2 files, 9 B\) mounted read-only at /);

    releaseRunInputs(runDir);
    expect(fs.existsSync(path.join(runDir, 'inputs'))).toBe(false);
    expect(fs.existsSync(download)).toBe(false);
    expect(fs.existsSync(path.join(runDir, 'work', 'data'))).toBe(true);
    // The store is as it was: links and copies went, never their targets.
    expect(
      fs.readFileSync(path.join(blobs, (files[0]?.digest ?? '').slice(0, 2), files[0]?.digest ?? ''), 'utf8'),
    ).toBe('alpha');
  });

  it('a download refuses a blob that no longer matches its digest', async () => {
    await addDataset('files', 1, 'file', { 'a.txt': 'alpha' }, ['/data/files']);
    const files = db.prepare('SELECT path, size, digest FROM dataset_files').all() as {
      path: string;
      size: number;
      digest: string;
    }[];
    const digest = files[0]?.digest ?? '';
    const blob = path.join(dir, 'ws', 'models', 'blobs', digest.slice(0, 2), digest);
    fs.chmodSync(blob, 0o644);
    fs.writeFileSync(blob, 'damaged');
    const runDir = path.join(dir, 'ws', 'runs', 'R');
    const resolved = resolveRunInputs(db, [{ name: 'd', dataset: 'files', mode: 'download' }], snapshot());
    await expect(
      placeRunInputs(runDir, resolved, () => files, {
        blobs: path.join(dir, 'ws', 'models', 'blobs'),
        blobAlias: null,
        copyMounts: false,
        signal: new AbortController().signal,
        note: () => undefined,
      }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('does not match its checksum'),
      hint: expect.stringContaining('Register the dataset again'),
    });
    releaseRunInputs(runDir);
    expect(fs.existsSync(path.join(runDir, 'inputs'))).toBe(false);
  });
});

describe('lineage', () => {
  it('an API read is recorded once; an input stays the one record; a model from the run inherits them as "input"', async () => {
    await addDataset('files', 1, 'file', { 'a.txt': 'one' }, ['/data/files']);
    await addDataset('files', 2, 'file', { 'a.txt': 'two' }, ['/data/files']);
    await addDataset('table', 1, 'tabular', { 't.csv': 'x,y' }, ['/data/t.csv']);
    const resolved = resolveRunInputs(db, [{ name: 'train', dataset: 'files', version: 1 }], snapshot());
    insertRunUses(db, inputUses('R', '/runs/R', resolved));
    expect(recordApiUse(db, { runId: 'R', name: 'files', version: 1 })).toMatchObject({
      via: 'input',
      inputName: 'train',
    });
    const api = recordApiUse(db, { runId: 'R', name: 'table' });
    expect(recordApiUse(db, { runId: 'R', name: 'table' })).toEqual(api);
    expect(api).toEqual({
      runId: 'R',
      inputName: 'table',
      name: 'table',
      version: 1,
      mode: 'direct',
      via: 'api',
      path: null,
    });
    expect(runDatasets(db, 'R').map((u) => `${u.inputName}=${u.name}:${u.version}:${u.via}`)).toEqual([
      'train=files:1:input',
      'table=table:1:api',
    ]);
    const links = linkModelDatasets(db, 'model', 1, [{ purpose: 'training', name: 'table', version: 1 }], 'R');
    expect(links.map((l) => `${l.purpose}=${l.name}:${l.version}`)).toEqual(['training=table:1', 'input=files:1']);
    expect(() => linkModelDatasets(db, 'model', 2, [{ purpose: 'training', name: 'files', version: 9 }], null)).toThrow(
      'has no version 9',
    );
  });
});
