import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetDetail, DatasetRecord, RegisteredDataset } from '../../src/shared/api/datasetTypes';
import { type Core, openCore } from '../../src/main/core/core';
import { folderTree, writeTree } from '../helpers/folderTree';
import { CLI, runCli, tempDir, waitUntil } from '../helpers/workspace';

let workspace: string;
let core: Core;

beforeAll(() => {
  workspace = tempDir('bt-datasets-');
  core = openCore(workspace);
});
afterAll(() => core?.close());

const cli = (args: string[]) => runCli(args, { workspace });
const json = <T>(text: string) => JSON.parse(text) as T;

async function register(args: string[]): Promise<RegisteredDataset> {
  const r = await cli(['--json', 'data', 'register', ...args]);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return json<RegisteredDataset>(r.stdout);
}

async function show(ref: string): Promise<DatasetDetail> {
  const r = await cli(['--json', 'data', 'show', ref]);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return json<DatasetDetail>(r.stdout);
}

/** Writes files (relative path -> content) under a fresh folder and returns it. */
const tree = (prefix: string, files: Record<string, string | Buffer>) => writeTree(tempDir(prefix), files);

const blobCount = () => core.models.blobs.digests().length;
const staged = () => {
  const tmp = path.join(workspace, 'models', 'tmp');
  return fs.existsSync(tmp) ? fs.readdirSync(tmp) : [];
};

function sparseFile(file: string, size: number): string {
  const fd = fs.openSync(file, 'w');
  fs.ftruncateSync(fd, size);
  fs.closeSync(fd);
  return file;
}

describe('dataset registry on a real workspace (the built CLI, real SQLite and files)', () => {
  it('registers a file, a folder and a glob with the relative paths the contract gives', async () => {
    const src = tree('bt-ds-src-', {
      'top.csv': 'a,b\n1,2\n',
      'images/cat.png': 'not really a png',
      'images/deep/dog.png': 'woof',
      'notes/readme.md': 'hello',
    });
    const file = await register(['-n', 'one-file', '-p', path.join(src, 'top.csv'), '--tag', 'stage=raw']);
    expect(file).toMatchObject({ name: 'one-file', version: 1, kind: 'file', fileCount: 1, created: true });
    expect(file.tags).toEqual({ stage: 'raw' });
    expect(file.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await show('one-file')).files.map((f) => f.path)).toEqual(['top.csv']);

    const folder = await register(['-n', 'images', '-p', path.join(src, 'images'), '--description', 'pets']);
    const folderDetail = await show('images:1');
    expect(folderDetail.files.map((f) => f.path)).toEqual(['cat.png', 'deep/dog.png']);
    expect(folderDetail).toMatchObject({
      description: 'pets',
      versions: 1,
      size: 20,
      source: [path.join(src, 'images')],
    });
    expect(folder.contentDigest).toMatch(/^[0-9a-f]{64}$/);

    // A glob's matches keep their path below its non-wildcard base; several sources add up.
    await register(['-n', 'pngs', '-p', `${src}/**/*.png`, '-p', path.join(src, 'notes', 'readme.md')]);
    expect((await show('pngs')).files.map((f) => f.path)).toEqual([
      'images/cat.png',
      'images/deep/dog.png',
      'readme.md',
    ]);

    // show --id finds the version by its GUID (Dataset.get_by_id).
    const byId = json<DatasetDetail>((await cli(['--json', 'data', 'show', '--id', folder.id])).stdout);
    expect(byId).toMatchObject({ name: 'images', version: 1 });
    const noId = await cli(['data', 'show', '--id', '00000000-0000-4000-8000-000000000000']);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain(
      'error: Cannot find dataset with id "00000000-0000-4000-8000-000000000000" in the workspace.',
    );

    const text = await cli(['data', 'show', 'images']);
    expect(text.stdout).toContain('images:1  (file, 2 files, 20 B, 1 version of images)');
    expect(text.stdout).toMatch(/Files:\n\s+16 B {2}cat\.png\n\s+4 B {2}deep\/dog\.png/);
    expect(text.stdout).toContain('Used by runs:\n  -\nModels:\n  -');
  });

  it('gives the existing version for the same content, the next for new content, and refuses with --no-new-version', async () => {
    const src = tree('bt-ds-ver-', { 'train.csv': 'x\n1\n' });
    const first = await register(['-n', 'train', '-p', src]);
    const blobs = blobCount();
    const again = await register(['-n', 'train', '-p', src]);
    expect(again).toMatchObject({ version: 1, created: false, id: first.id });
    expect(blobCount()).toBe(blobs);

    fs.writeFileSync(path.join(src, 'train.csv'), 'x\n1\n2\n');
    const refused = await cli(['data', 'register', '-n', 'train', '-p', src, '--no-new-version']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'error: There is already a dataset registered under name "train". Specify `create_new_version=True` to register the dataset as a new version. Use `update`, `add_tags`, or `remove_tags` to change only the description or tags.',
    );
    expect(refused.stderr).toContain('hint: Register it as version 2 with --new-version');
    expect(staged()).toEqual([]);
    // Identical content is not "other content": --no-new-version still gives the existing version.
    fs.writeFileSync(path.join(src, 'train.csv'), 'x\n1\n');
    expect(await register(['-n', 'train', '-p', src, '--no-new-version'])).toMatchObject({
      version: 1,
      created: false,
    });

    fs.writeFileSync(path.join(src, 'train.csv'), 'x\n1\n2\n');
    const second = await register(['-n', 'train', '-p', src, '--tag', 'rows=2']);
    expect(second).toMatchObject({ version: 2, created: true });
    expect(second.id).not.toBe(first.id);
    // The first content again is version 1, not a third version.
    fs.writeFileSync(path.join(src, 'train.csv'), 'x\n1\n');
    expect(await register(['-n', 'train', '-p', src])).toMatchObject({ version: 1, created: false });

    const list = json<DatasetRecord[]>((await cli(['--json', 'data', 'list', '-n', 'train'])).stdout);
    expect(list.map((d) => d.version)).toEqual([2, 1]);
    const latest = json<DatasetRecord[]>((await cli(['--json', 'data', 'list', '--latest'])).stdout);
    expect(latest.filter((d) => d.name === 'train').map((d) => d.version)).toEqual([2]);
    const tagged = json<DatasetRecord[]>((await cli(['--json', 'data', 'list', '--tag', 'rows=2'])).stdout);
    expect(tagged.map((d) => `${d.name}:${d.version}`)).toEqual(['train:2']);
    expect((await show('train')).versions).toBe(2);
  });

  it('stores identical bytes once across datasets and a model; a model delete keeps the dataset blobs', async () => {
    const src = tree('bt-ds-dedup-', { 'weights.bin': Buffer.alloc(200_000, 7), 'other.bin': 'unique to b' });
    const before = blobCount();
    await register(['-n', 'dedup-a', '-p', path.join(src, 'weights.bin')]);
    expect(blobCount()).toBe(before + 1);
    await register(['-n', 'dedup-b', '-p', src]);
    expect(blobCount()).toBe(before + 2);
    const model = await cli(['--json', 'model', 'register', '-n', 'dedup-model', '-p', path.join(src, 'weights.bin')]);
    expect(model.code, model.stderr).toBe(0);
    expect(blobCount()).toBe(before + 2);

    const deleted = await cli(['--json', 'model', 'delete', 'dedup-model:1']);
    expect(json<{ freedBytes: number }>(deleted.stdout).freedBytes).toBe(0);
    expect(blobCount()).toBe(before + 2);
    const out = tempDir('bt-ds-dedup-out-');
    const down = await cli(['--json', 'data', 'download', 'dedup-a', '-o', out]);
    expect(down.code, down.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, 'weights.bin'))).toEqual(Buffer.alloc(200_000, 7));
  });

  it('hides anonymous datasets from lists unless --all', async () => {
    const src = tree('bt-ds-anon-', { 'input.txt': 'anonymous input' });
    const anon = await register(['--anonymous', '-p', src]);
    expect(anon.name).toMatch(/^anonymous_[0-9a-f]{16}$/);
    expect(anon.name).toBe(`anonymous_${anon.contentDigest.slice(0, 16)}`);
    expect(await register(['--anonymous', '-p', src])).toMatchObject({ name: anon.name, version: 1, created: false });
    const visible = json<DatasetRecord[]>((await cli(['--json', 'data', 'list'])).stdout);
    expect(visible.some((d) => d.name === anon.name)).toBe(false);
    const all = json<DatasetRecord[]>((await cli(['--json', 'data', 'list', '--all'])).stdout);
    expect(all.some((d) => d.name === anon.name)).toBe(true);
    expect((await show(anon.name)).files.map((f) => f.path)).toEqual(['input.txt']);
  });

  it('downloads verified copies, keeps identical files, refuses other content without --overwrite', async () => {
    const src = tree('bt-ds-down-', { 'a.txt': 'alpha', 'sub/b.txt': 'beta' });
    await register(['-n', 'down', '-p', src]);
    const out = tempDir('bt-ds-down-out-');
    fs.writeFileSync(path.join(out, 'unrelated.txt'), 'stays');
    const first = await cli(['--json', 'data', 'download', 'down:1', '-o', out]);
    expect(first.code, first.stderr).toBe(0);
    expect(json(first.stdout)).toEqual({ path: out, files: 2, size: 9 });
    expect(folderTree(out)).toEqual({ 'a.txt': 'alpha', 'sub/b.txt': 'beta', 'unrelated.txt': 'stays' });
    // Again into the same folder: the files there are the dataset's own, so nothing is refused.
    expect((await cli(['data', 'download', 'down', '-o', out])).code).toBe(0);

    fs.writeFileSync(path.join(out, 'sub', 'b.txt'), 'edited by hand');
    const refused = await cli(['data', 'download', 'down', '-o', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `error: File "${path.join(out, 'sub', 'b.txt')}" already exists. Set overwrite=True to overwrite it, or choose an empty target path.`,
    );
    expect(folderTree(out)['sub/b.txt']).toBe('edited by hand');
    expect((await cli(['data', 'download', 'down', '-o', out, '--overwrite'])).code).toBe(0);
    expect(folderTree(out)).toEqual({ 'a.txt': 'alpha', 'sub/b.txt': 'beta', 'unrelated.txt': 'stays' });
    expect(fs.readdirSync(path.join(out, 'sub'))).toEqual(['b.txt']);
  });

  it('refuses to hand out a damaged stored file: every byte is checked on the way out', async () => {
    const src = tree('bt-ds-damaged-', { 'keep.txt': 'intact', 'broken.txt': 'will be damaged' });
    await register(['-n', 'damaged', '-p', src]);
    const file = (await show('damaged')).files.find((f) => f.path === 'broken.txt');
    const blob = core.models.blobs.blobPath(file?.digest as string);
    fs.chmodSync(blob, 0o644);
    fs.writeFileSync(blob, 'changed on disk');
    const out = tempDir('bt-ds-damaged-out-');
    const r = await cli(['data', 'download', 'damaged', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: The stored file .* does not match its checksum .* changed or damaged on disk\./);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('updates tags and the description', async () => {
    const src = tree('bt-ds-upd-', { 'f.txt': 'f' });
    await register(['-n', 'upd', '-p', src, '--tag', 'a=1', '--tag', 'b=2']);
    const r = await cli([
      '--json',
      'data',
      'update',
      'upd:1',
      '--tag',
      'c=3',
      '--remove-tag',
      'a',
      '--description',
      'new',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(json<DatasetRecord>(r.stdout)).toMatchObject({ tags: { b: '2', c: '3' }, description: 'new' });
    const noVersion = await cli(['data', 'update', 'upd', '--tag', 'x=1']);
    expect(noVersion.code).toBe(2);
    expect(noVersion.stderr).toContain('hint: Name the version: upd:1');
  });

  it('refuses deleting a version a run or a model used (naming them), then frees what nothing else holds', async () => {
    const src = tree('bt-ds-del-', { 'only-v1.bin': Buffer.alloc(70_000, 9), 'shared.bin': Buffer.alloc(30_000, 5) });
    await register(['-n', 'del', '-p', src]);
    const run = json<{ id: string }[]>((await cli(['--json', 'run', 'create', '--run-id', 'del-reader'])).stdout);
    expect(run[0]?.id).toBe('del-reader');
    // What the SDK records when a script reads the dataset through the API (datasets.recordUse).
    const use = await cli(['--json', 'data', 'use', 'del:1', '--run', 'del-reader', '--as', 'training']);
    expect(use.code, use.stderr).toBe(0);
    const model = await cli([
      'model',
      'register',
      '-n',
      'clf',
      '-p',
      path.join(src, 'shared.bin'),
      '--dataset',
      'training=del:1',
    ]);
    expect(model.code, model.stderr).toBe(0);

    // A dataset a run produced records the run (Dataset.register inside a script).
    const produced = await register(['-n', 'produced', '-p', path.join(src, 'shared.bin'), '--run', 'del-reader']);
    expect(produced.runId).toBe('del-reader');
    const unknownRun = await cli(['data', 'register', '-n', 'produced', '-p', src, '--run', 'no-such-run']);
    expect(unknownRun.code).toBe(2);

    const detail = await show('del:1');
    expect(detail.runs).toEqual([
      { runId: 'del-reader', inputName: 'training', name: 'del', version: 1, mode: 'direct', via: 'api', path: null },
    ]);
    expect(detail.models).toEqual([{ model: 'clf', modelVersion: 1, purpose: 'training', name: 'del', version: 1 }]);
    const text = await cli(['data', 'show', 'del:1']);
    expect(text.stdout).toContain(
      'Used by runs:\n  del-reader  as training (direct, read through the API)\nModels:\n  clf:1  (training)',
    );
    const refused = await cli(['data', 'delete', 'del:1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('error: Dataset del:1 is used by the run del-reader and the model clf:1');
    expect((await cli(['model', 'delete', 'clf:1'])).code).toBe(0);
    const stillUsed = await cli(['--json', 'data', 'delete', 'del:1']);
    expect(json<{ error: { code: string; message: string } }>(stillUsed.stdout).error).toMatchObject({
      code: 'IN_USE',
      message: 'Dataset del:1 is used by the run del-reader: their lineage needs it.',
    });

    // A second version nothing used: deleting it frees its own bytes, not the ones version 1 still holds.
    fs.writeFileSync(path.join(src, 'only-v2.bin'), Buffer.alloc(40_000, 3));
    fs.rmSync(path.join(src, 'only-v1.bin'));
    expect(await register(['-n', 'del', '-p', src])).toMatchObject({ version: 2 });
    const blobs = blobCount();
    const deleted = await cli(['--json', 'data', 'delete', 'del:2']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(json(deleted.stdout)).toEqual({ freedBytes: 40_000 });
    expect(blobCount()).toBe(blobs - 1);
    expect((await cli(['data', 'show', 'del:2'])).code).toBe(2);
    expect((await show('del:1')).files.map((f) => f.path)).toEqual(['only-v1.bin', 'shared.bin']);
  });

  it('refuses bad input with the problem and the fix, storing nothing', async () => {
    const src = tree('bt-ds-bad-', {
      'a/x.csv': 'a\n1\n',
      'b/x.csv': 'a\n2\n',
      'pics/p.png': 'png',
      'mix/t.csv': 'a\n',
      'mix/t.parquet': 'PAR1',
    });
    const blobs = blobCount();
    const cases: [string[], number, RegExp][] = [
      [['-n', 'bad', '-p', path.join(src, 'missing.csv')], 2, /The path ".*missing\.csv" does not exist/],
      [['-n', 'bad', '-p', `${src}/**/*.json`], 2, /The glob ".*\*\*\/\*\.json" matches no files in /],
      [['-n', 'bad', '-p', `${src}/nowhere/*.csv`], 2, /starts in .*nowhere, which is not an existing folder/],
      [['-n', 'bad name', '-p', src], 2, /"bad name" is not a valid dataset name/],
      [['-n', 'a/b', '-p', src], 2, /"a\/b" is not a valid dataset name/],
      [
        ['-n', 'bad', '-p', path.join(src, 'a'), '-p', path.join(src, 'b')],
        2,
        /Two sources give the same file "x\.csv"/,
      ],
      [['-n', 'bad', '-p', path.join(src, 'pics'), '--tabular'], 2, /holds no table files/],
      [
        ['-n', 'bad', '-p', path.join(src, 'mix'), '--tabular'],
        2,
        /mixes table formats: t\.csv \(delimited\), t\.parquet \(parquet\)/,
      ],
      [
        ['-n', 'bad', '-p', src, '--format', 'csv'],
        2,
        /--format, --separator, --no-header, --encoding and --no-infer-column-types describe tables/,
      ],
      [['-n', 'bad', '-p', path.join(src, 'a'), '--tabular', '--format', 'xlsx'], 2, /Unknown table format "xlsx"/],
      [['-p', src], 2, /A dataset needs a name/],
    ];
    for (const [args, code, message] of cases) {
      const r = await cli(['data', 'register', ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr, args.join(' ')).toMatch(/hint: /);
    }
    expect(blobCount()).toBe(blobs);
    expect(json<DatasetRecord[]>((await cli(['--json', 'data', 'list', '-n', 'bad'])).stdout)).toEqual([]);
    const missing = await cli(['--json', 'data', 'show', 'no-such']);
    expect(missing.code).toBe(2);
    expect(json<{ error: { code: string; message: string } }>(missing.stdout).error).toMatchObject({
      code: 'NOT_FOUND',
      message: 'No dataset named "no-such" is registered.',
    });
    const fileAsTable = await cli(['data', 'preview', 'one-file']);
    expect(fileAsTable.code).toBe(2);
    expect(fileAsTable.stderr).toContain('one-file:1 is a file dataset: it has no rows to read.');
  });

  it('registers tables: a bad row in the head is refused with its file and line; the profile is computed once', async () => {
    const src = tree('bt-ds-tab-', {
      'parts/2024.csv': 'city,temp,rain\nOslo,3.5,true\nRome,14,false\n',
      'parts/2025.csv': 'city,temp,rain\nLima,,true\n',
      'parts/README.md': 'not a table',
      'broken.csv': 'city,temp\nOslo,3\nRome,14,extra\n',
    });
    const blobs = blobCount();
    const broken = await cli(['data', 'register', '-n', 'weather', '-p', path.join(src, 'broken.csv'), '--tabular']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('error: broken.csv line 3: expected 2 fields (as the header), found 3.');
    expect(blobCount()).toBe(blobs);
    expect((await cli(['data', 'show', 'weather'])).code).toBe(2);

    const table = await register(['-n', 'weather', '-p', path.join(src, 'parts'), '--tabular']);
    expect(table).toMatchObject({
      kind: 'tabular',
      fileCount: 3,
      tabular: { format: 'delimited', separator: ',', header: true },
      profile: { rowCount: 3 },
    });
    expect(table.profile?.columns.map((c) => [c.name, c.type, c.missing])).toEqual([
      ['city', 'string', 0],
      ['temp', 'float', 1],
      ['rain', 'bool', 0],
    ]);
    expect(table.profile?.columns[1]).toMatchObject({ min: 3.5, max: 14 });
    // Stored with the version: asking again answers the same profile without computing it.
    const again = json<{ computedAt: string }>((await cli(['--json', 'data', 'profile', 'weather:1'])).stdout);
    expect(again.computedAt).toBe(table.profile?.computedAt);
    const recomputed = json<{ computedAt: string }>(
      (await cli(['--json', 'data', 'profile', 'weather:1', '--recompute'])).stdout,
    );
    expect(recomputed.computedAt > (table.profile?.computedAt ?? '')).toBe(true);

    const preview = await cli(['--json', 'data', 'preview', 'weather', '-r', '2']);
    expect(json(preview.stdout)).toEqual({
      columns: [
        { name: 'city', type: 'string' },
        { name: 'temp', type: 'float' },
        { name: 'rain', type: 'bool' },
      ],
      rows: [
        ['Oslo', 3.5, true],
        ['Rome', 14, false],
      ],
      truncated: true,
    });
    const shown = await cli(['data', 'show', 'weather', '--preview', '2']);
    expect(shown.stdout).toMatch(/Profile: +3 rows, 3 columns/);
    expect(shown.stdout).toMatch(/Preview:\ncity +temp +rain\nOslo +3\.5 +true\nRome +14 +false\n\(first 2 rows\)/);

    // The same files read another way are other content: a new version, and --no-profile leaves it uncomputed.
    const noHeader = await register([
      '-n',
      'weather',
      '-p',
      path.join(src, 'parts'),
      '--tabular',
      '--no-header',
      '--no-profile',
    ]);
    expect(noHeader).toMatchObject({ version: 2, created: true, profile: null, tabular: { header: false } });
    expect(blobCount()).toBe(blobs + 3);
    // Options given without --format keep the format the files' extensions say (a folder of .tsv: tab-separated).
    const tsv = tree('bt-ds-tsv-', { 'a.tsv': 'x\ty\n1\t2\n' });
    const latin = await register(['-n', 'tsv-latin1', '-p', tsv, '--tabular', '--encoding', 'latin1', '--no-profile']);
    expect(latin.tabular).toEqual({
      format: 'delimited',
      separator: '\t',
      header: true,
      encoding: 'latin1',
      inferColumnTypes: true,
    });
  });

  it('Ctrl-C during a registration cancels it: no version, no staged file', async () => {
    const big = sparseFile(path.join(tempDir('bt-ds-int-'), 'big.bin'), 3 * 1024 ** 3);
    const child = spawn(
      process.execPath,
      [CLI, '--workspace', workspace, 'data', 'register', '-n', 'interrupted', '-p', big],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitUntil(() =>
      staged().some(
        (f) => f.startsWith(`${child.pid}-`) && fs.statSync(path.join(workspace, 'models', 'tmp', f)).size > 0,
      ),
    );
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, stderr).toBe(1);
    expect(stderr).toContain('error: Registering interrupted was canceled; no version was created.');
    expect(staged()).toEqual([]);
    expect(json<unknown[]>((await cli(['--json', 'data', 'list', '-n', 'interrupted'])).stdout)).toEqual([]);
  }, 60_000);

  it('a registration of many small files canceled midway leaves no version and no staged file', async () => {
    const files = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f/${i}.txt`, `content ${i}`]));
    const src = tree('bt-ds-cancel-', files);
    const blobs = blobCount();
    let seenProgress = 0;
    const off = core.bus.on('job.updated', (job) => {
      if (job.subject.requestId !== 'cancel-small' || job.state !== 'running' || !job.progress) return;
      seenProgress = job.progress;
      core.jobs.cancel(job.id);
    });
    try {
      await expect(
        core.datasets.register({ name: 'canceled', paths: [src], kind: 'file', requestId: 'cancel-small' }),
      ).rejects.toMatchObject({
        code: 'CANCELED',
        message: 'Registering canceled was canceled; no version was created.',
      });
    } finally {
      off();
    }
    expect(seenProgress).toBeGreaterThan(0);
    expect(seenProgress).toBeLessThan(1);
    expect(staged()).toEqual([]);
    expect(blobCount()).toBe(blobs);
    expect(core.datasets.list({ name: 'canceled', all: true })).toEqual([]);
  });

  it('a registration killed mid-copy leaves nothing visible; the next one removes its staging', async () => {
    const big = sparseFile(path.join(tempDir('bt-ds-kill-'), 'big.bin'), 3 * 1024 ** 3);
    const child = spawn(
      process.execPath,
      [CLI, '--workspace', workspace, 'data', 'register', '-n', 'killed', '-p', big],
      {
        stdio: 'ignore',
      },
    );
    await waitUntil(() =>
      staged().some(
        (f) => f.startsWith(`${child.pid}-`) && fs.statSync(path.join(workspace, 'models', 'tmp', f)).size > 0,
      ),
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    expect(json<unknown[]>((await cli(['--json', 'data', 'list', '-n', 'killed', '--all'])).stdout)).toEqual([]);
    expect(staged().length).toBe(1);
    const small = tree('bt-ds-kill-small-', { 'ok.txt': 'ok' });
    await register(['-n', 'killed', '-p', small]);
    expect(staged()).toEqual([]);
  }, 60_000);

  it('lists the datastores: workspaceblobstore always, and any folder under datastores/', async () => {
    const first = json<{ name: string; path: string }[]>((await cli(['--json', 'data', 'datastores'])).stdout);
    expect(first).toEqual([
      { name: 'workspaceblobstore', path: path.join(workspace, 'datastores', 'workspaceblobstore') },
    ]);
    fs.mkdirSync(path.join(workspace, 'datastores', 'archive'));
    const second = json<{ name: string }[]>((await cli(['--json', 'data', 'datastores'])).stdout);
    expect(second.map((d) => d.name)).toEqual(['workspaceblobstore', 'archive']);
  });
});
