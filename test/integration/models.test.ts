import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, openCore } from '../../src/main/core/core';
import { contentHasher, hasherImplementations } from '../../src/main/core/models/contentHash';
import { folderSize } from '../../src/main/core/workspace/files';
import { findInterpreters } from '../../src/main/core/python/interpreters';
import { startServer } from '../../src/main/server/server';
import { folderTree, writeTree } from '../helpers/folderTree';
import { requireComponent, runCli, tempDir, waitUntil } from '../helpers/workspace';

let workspace: string;
let core: Core;

beforeAll(() => {
  workspace = tempDir('bt-models-');
  core = openCore(workspace);
});
afterAll(() => core?.close());

const cli = (args: string[], env?: NodeJS.ProcessEnv) => runCli(args, { workspace, env });
const json = <T>(text: string) => JSON.parse(text) as T;

/** A folder model with nesting, an empty file, a non-ASCII name and a path over tar's 100-byte field. */
function folderModel(): string {
  const root = path.join(tempDir('bt-model-src-'), 'bert-tiny');
  const files: Record<string, Buffer> = {
    'config.json': Buffer.from('{"layers": 2}\n'),
    'weights/part-0.bin': Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256)),
    'weights/empty.bin': Buffer.alloc(0),
    'tokenizer/vocabulaire-éàü.txt': Buffer.from('[CLS]\n[SEP]\n'),
    [`${'deep/'.repeat(20)}leaf.txt`]: Buffer.from('far down\n'),
  };
  return writeTree(root, files);
}

/** Every file under a folder, relative path -> bytes (base64). */
const tree = (dir: string) => folderTree(dir, 'base64');

describe('model registry on a real workspace', () => {
  it('counts versions up, stores identical content once, and filters by tag, property and latest', async () => {
    const dir = tempDir('bt-model-file-');
    const file = path.join(dir, 'model.joblib');
    fs.writeFileSync(file, Buffer.alloc(2 * 1024 * 1024, 3));
    const first = await cli([
      '--json',
      'model',
      'register',
      '-n',
      'iris',
      '-p',
      file,
      '--tag',
      'stage=dev',
      '--property',
      'auc=0.91',
      '--framework',
      'scikitlearn',
      '--framework-version',
      '1.5.2',
      '--description',
      'first try',
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(json<Record<string, unknown>>(first.stdout)).toMatchObject({
      name: 'iris',
      version: 1,
      id: 'iris:1',
      tags: { stage: 'dev' },
      properties: { auc: '0.91' },
      framework: 'ScikitLearn',
      frameworkVersion: '1.5.2',
      runId: null,
    });
    const stored = folderSize(path.join(workspace, 'models'));

    const second = await cli(['--json', 'model', 'register', '-n', 'iris', '-p', file, '--tag', 'stage=prod']);
    expect(second.code, second.stderr).toBe(0);
    expect(json<{ version: number }>(second.stdout).version).toBe(2);
    // Identical bytes: a second version, no second copy (the issue allows at most 1 MB more).
    expect(folderSize(path.join(workspace, 'models')) - stored).toBeLessThan(1024 * 1024);
    expect(fs.readdirSync(path.join(workspace, 'models', 'tmp'))).toEqual([]);

    const byTag = json<{ id: string }[]>((await cli(['--json', 'model', 'list', '--tag', 'stage=prod'])).stdout);
    expect(byTag.map((m) => m.id)).toEqual(['iris:2']);
    expect(
      json<{ id: string }[]>((await cli(['--json', 'model', 'list', '--tag', 'stage'])).stdout)
        .map((m) => m.id)
        .sort(),
    ).toEqual(['iris:1', 'iris:2']);
    expect(
      json<{ id: string }[]>((await cli(['--json', 'model', 'list', '--property', 'auc=0.91'])).stdout).map(
        (m) => m.id,
      ),
    ).toEqual(['iris:1']);
    expect(
      json<{ id: string }[]>((await cli(['--json', 'model', 'list', '-n', 'iris', '--latest'])).stdout).map(
        (m) => m.id,
      ),
    ).toEqual(['iris:2']);
    const shown = await cli(['model', 'show', 'iris:1']);
    expect(shown.stdout).toContain('iris:1  (ScikitLearn 1.5.2, file, 2.0 MB');
    expect(shown.stdout).toMatch(/2\.0 MB {2}model\.joblib/);

    // Tags change; properties are add-only.
    const tagged = await cli([
      '--json',
      'model',
      'update',
      'iris:1',
      '--tag',
      'owner=ana',
      '--remove-tag',
      'stage',
      '--property',
      'f1=0.8',
    ]);
    expect(json<Record<string, unknown>>(tagged.stdout)).toMatchObject({
      tags: { owner: 'ana' },
      properties: { auc: '0.91', f1: '0.8' },
    });
    const changed = await cli(['model', 'update', 'iris:1', '--property', 'auc=0.99']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain('error: Error, properties are immutable: "auc" is already "0.91" on iris:1.');
  });

  it('refuses bad input with the problem and the fix, and creates nothing', async () => {
    const file = path.join(tempDir('bt-model-bad-'), 'm.bin');
    fs.writeFileSync(file, 'x');
    const cases: [string[], RegExp][] = [
      [
        ['model', 'register', '-n', '-starts-with-dash', '-p', file],
        /error: "-starts-with-dash" is not a valid model name\.\nhint: Use 1 to 255 letters/,
      ],
      [['model', 'register', '-n', 'a'.repeat(256), '-p', file], /is not a valid model name/],
      [
        ['model', 'register', '-n', 'ok', '-p', '/no/such/model.pkl'],
        /error: Error, provided model path "\/no\/such\/model\.pkl" cannot be found\.\nhint: /,
      ],
      [
        ['model', 'register', '-n', 'ok', '-p', file, '--framework-version', '2.1'],
        /error: A framework version \(2\.1\) was given without a framework\.\nhint: Add the framework too/,
      ],
      [
        ['model', 'register', '-n', 'ok', '-p', file, '--framework', 'Caffe'],
        /Unknown framework "Caffe"\.\nhint: Use one of: Custom, Multi, Onnx, PyTorch, ScikitLearn, TensorFlow/,
      ],
      [['model', 'register', '-n', 'ok', '-p', file, '--tag', 'novalue'], /"novalue" is not a tag \(KEY=VALUE\)/],
      [
        ['model', 'register', '-n', 'ok', '-p', 'outputs/model.pkl', '--run', 'no-such-run'],
        /error: No run "no-such-run"\./,
      ],
      [['model', 'show', 'ghost'], /error: ModelNotFound: no model named "ghost"\./],
      [['model', 'delete', 'ghost'], /names no version/],
    ];
    for (const [args, expected] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(expected);
    }
    expect(json<unknown[]>((await cli(['--json', 'model', 'list', '-n', 'ok'])).stdout)).toEqual([]);
  });

  it('round-trips a folder model byte for byte, to a folder and as a tar through the server', async () => {
    const source = folderModel();
    const registered = await cli(['--json', 'model', 'register', '-n', 'bert', '-p', source, '--framework', 'PyTorch']);
    expect(registered.code, registered.stderr).toBe(0);
    expect(json<{ kind: string; fileCount: number }>(registered.stdout)).toMatchObject({
      kind: 'folder',
      fileCount: 5,
    });

    const target = tempDir('bt-model-dl-');
    const downloaded = await cli(['model', 'download', 'bert:1', '-d', target]);
    expect(downloaded.code, downloaded.stderr).toBe(0);
    expect(downloaded.stdout).toContain(`Downloaded bert:1 to ${path.join(target, 'bert-tiny')} (5 files`);
    expect(tree(path.join(target, 'bert-tiny'))).toEqual(tree(source));
    expect(fs.readdirSync(target)).toEqual(['bert-tiny']);

    const again = await cli(['model', 'download', 'bert', '-d', target]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('To overwrite, set exist_ok to True.');
    fs.writeFileSync(path.join(target, 'bert-tiny', 'config.json'), 'edited');
    expect((await cli(['model', 'download', 'bert', '-d', target, '--exist-ok'])).code).toBe(0);
    expect(tree(path.join(target, 'bert-tiny'))).toEqual(tree(source));

    const server = await startServer({ core, host: '127.0.0.1', port: 0, staticDir: tempDir('bt-static-') });
    try {
      const denied = await get(`http://127.0.0.1:${server.port}/download/models/bert/1`);
      expect(denied.status).toBe(401);
      const tar = await get(`http://127.0.0.1:${server.port}/download/models/bert/1?token=${server.token}`);
      expect(tar.status).toBe(200);
      expect(tar.headers['content-disposition']).toContain('filename="bert-tiny.tar"');
      expect(Number(tar.headers['content-length'])).toBe(tar.body.length);
      const extracted = tempDir('bt-model-tar-');
      fs.writeFileSync(path.join(extracted, 'm.tar'), tar.body);
      execFileSync('tar', ['-xf', 'm.tar'], { cwd: extracted });
      expect(tree(path.join(extracted, 'bert-tiny'))).toEqual(tree(source));
      const missing = await get(`http://127.0.0.1:${server.port}/download/models/bert/9?token=${server.token}`);
      expect(missing.status).toBe(404);
      expect(missing.body.toString()).toContain('has no version 9');
    } finally {
      await server.close();
    }
  });

  it('refuses to hand out a damaged copy: the checksum is checked on the way out', async () => {
    const file = path.join(tempDir('bt-model-rot-'), 'rot.bin');
    fs.writeFileSync(file, Buffer.alloc(100_000, 9));
    expect((await cli(['model', 'register', '-n', 'rot', '-p', file])).code).toBe(0);
    const [stored] = core.models.get('rot').files;
    const blob = core.models.blobs.blobPath(stored?.digest as string);
    fs.chmodSync(blob, 0o644);
    const fd = fs.openSync(blob, 'r+');
    fs.writeSync(fd, Buffer.from([1]), 0, 1, 5000);
    fs.closeSync(fd);
    const target = tempDir('bt-model-rot-dl-');
    const r = await cli(['model', 'download', 'rot', '-d', target]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /does not match its checksum .* changed or damaged on disk\.\nhint: Register the model again/,
    );
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it('a registration killed mid-copy leaves no visible version, and its leftovers are cleaned', async () => {
    const dir = tempDir('bt-model-kill-');
    const big = sparseFile(path.join(dir, 'big.bin'), 3 * 1024 ** 3);
    const child = spawn(
      process.execPath,
      [
        path.join(__dirname, '..', '..', 'bin', 'benchtop.js'),
        '--workspace',
        workspace,
        'model',
        'register',
        '-n',
        'killed',
        '-p',
        big,
      ],
      { stdio: 'ignore' },
    );
    const staging = path.join(workspace, 'models', 'tmp');
    await waitUntil(
      () =>
        fs.existsSync(staging) &&
        fs
          .readdirSync(staging)
          .some((f) => f.startsWith(`${child.pid}-`) && fs.statSync(path.join(staging, f)).size > 0),
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const listed = await cli(['--json', 'model', 'list', '-n', 'killed']);
    expect(json<unknown[]>(listed.stdout)).toEqual([]);
    expect((await cli(['model', 'show', 'killed'])).code).toBe(2);
    // The next registration (any name) removes the dead process's staging file.
    const small = path.join(dir, 'small.bin');
    fs.writeFileSync(small, 'ok');
    expect((await cli(['model', 'register', '-n', 'killed', '-p', small])).code).toBe(0);
    expect(fs.readdirSync(staging)).toEqual([]);
    expect(
      json<{ version: number }[]>((await cli(['--json', 'model', 'list', '-n', 'killed'])).stdout).map(
        (m) => m.version,
      ),
    ).toEqual([1]);
  }, 60_000);

  it('cancels a registration from its job: no version, nothing staged', async () => {
    const dir = tempDir('bt-model-cancel-');
    const big = sparseFile(path.join(dir, 'big.bin'), 3 * 1024 ** 3);
    const off = core.bus.on('job.updated', (job) => {
      if (job.subject.requestId === 'cancel-me' && job.state === 'running' && (job.progress ?? 0) > 0)
        core.jobs.cancel(job.id);
    });
    try {
      await expect(core.models.register({ name: 'canceled', path: big, requestId: 'cancel-me' })).rejects.toMatchObject(
        { code: 'CANCELED', message: 'Registering canceled was canceled; no version was created.' },
      );
    } finally {
      off();
    }
    expect(core.models.list({ name: 'canceled' })).toEqual([]);
    expect(fs.readdirSync(path.join(workspace, 'models', 'tmp'))).toEqual([]);
  }, 60_000);

  it('deletes a version, freeing content no other version uses (refusal while a service uses it: services.test.ts)', async () => {
    const dir = tempDir('bt-model-del-');
    fs.writeFileSync(path.join(dir, 'a.bin'), Buffer.alloc(50_000, 1));
    fs.writeFileSync(path.join(dir, 'b.bin'), Buffer.alloc(60_000, 2));
    await core.models.register({ name: 'gone', path: path.join(dir, 'a.bin') });
    await core.models.register({ name: 'gone', path: path.join(dir, 'a.bin') });
    await core.models.register({ name: 'gone', path: path.join(dir, 'b.bin') });
    const sharedDelete = await cli(['--json', 'model', 'delete', 'gone:1']);
    expect(json<{ freedBytes: number }>(sharedDelete.stdout).freedBytes).toBe(0);
    expect(json<{ freedBytes: number }>((await cli(['--json', 'model', 'delete', 'gone:3'])).stdout).freedBytes).toBe(
      60_000,
    );
    expect((await cli(['model', 'download', 'gone:2', '-d', tempDir('bt-model-del-dl-')])).code).toBe(0);
  });

  it('native and WebAssembly BLAKE3 agree, and match the published test vector', async () => {
    const input = Buffer.from('abc');
    const native = await (hasherImplementations.native() as Promise<
      () => Promise<{ update(d: Uint8Array): void; hex(): string }>
    >);
    const wasm = await hasherImplementations.wasm();
    const digests = await Promise.all(
      [native, wasm, await contentHasher()].map(async (make) => {
        const h = await make();
        h.update(input);
        return h.hex();
      }),
    );
    expect(new Set(digests)).toEqual(new Set(['6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85']));
  });
});

describe('model registry and runs (real Python)', () => {
  beforeAll(async () => {
    requireComponent(
      'Python 3 with venv',
      (await findInterpreters()).some((i) => i.hasEnsurepip),
    );
  });

  it('registers from a run: run.register_model in the script, --run on the CLI, lineage recorded both ways', async () => {
    const src = tempDir('bt-model-run-src-');
    fs.writeFileSync(
      path.join(src, 'train.py'),
      [
        'import os',
        'from azureml.core import Run',
        'from azureml.core.model import Model',
        'run = Run.get_context()',
        'os.makedirs("outputs/clf", exist_ok=True)',
        'open("outputs/model.pkl", "wb").write(b"weights-1")',
        'open("outputs/clf/a.txt", "w").write("A")',
        'm = run.register_model(model_name="clf", model_path="outputs/model.pkl", tags={"kind": "demo"}, model_framework="ScikitLearn", model_framework_version="1.5")',
        'print("REGISTERED", m.id, m.run_id == run.id, m.tags)',
        'again = Model(run.experiment, name="clf")',
        'print("FOUND", again.id, again.framework, again.experiment_name)',
        'try:',
        '    run.register_model(model_name="clf", model_path="outputs/missing.pkl")',
        'except Exception as err:',
        '    print("REFUSED", err)',
        'print("LISTED", [x.id for x in Model.list(None, name="clf", tags=[["kind", "demo"]])])',
        'path = again.download(target_dir="dl", exist_ok=True)',
        'print("DOWNLOADED", os.path.relpath(path), open(path, "rb").read())',
      ].join('\n'),
    );
    const submitted = await cli(
      ['--json', 'run', 'submit', '-d', src, '-s', 'train.py', '-x', 'iris-exp', '--show-output'],
      {},
    );
    expect(submitted.code, submitted.stderr + submitted.stdout).toBe(0);
    const run = json<{ id: string }>(submitted.stdout);
    const log = submitted.stderr;
    expect(log).toContain("REGISTERED clf:1 True {'kind': 'demo'}");
    expect(log).toContain('FOUND clf:1 ScikitLearn iris-exp');
    expect(log).toMatch(
      /REFUSED The run has no "outputs\/missing\.pkl"\.\r?\n {2}hint: Its outputs are: outputs\/clf, outputs\/model\.pkl\./,
    );
    expect(log).toContain("LISTED ['clf:1']");
    expect(log).toContain("DOWNLOADED dl/model.pkl b'weights-1'");

    const model = core.models.get('clf', 1);
    expect(model).toMatchObject({
      runId: run.id,
      experiment: 'iris-exp',
      environment: 'Benchtop-Minimal:1',
      framework: 'ScikitLearn',
      frameworkVersion: '1.5',
      source: 'outputs/model.pkl',
    });
    expect(core.runs.metrics(run.id).models).toEqual([{ name: 'clf', version: 1, path: 'outputs/model.pkl' }]);

    // After the run: a folder of its outputs, from the CLI.
    const folder = await cli(['--json', 'model', 'register', '-n', 'clf-folder', '--run', run.id, '-p', 'outputs/clf']);
    expect(folder.code, folder.stderr).toBe(0);
    expect(json<Record<string, unknown>>(folder.stdout)).toMatchObject({
      runId: run.id,
      kind: 'folder',
      root: 'clf',
      fileCount: 1,
    });
    expect(
      json<{ id: string }[]>((await cli(['--json', 'model', 'list', '--run', run.id])).stdout)
        .map((m) => m.id)
        .sort(),
    ).toEqual(['clf-folder:1', 'clf:1']);
    const outside = await cli(['model', 'register', '-n', 'x', '--run', run.id, '-p', '../../benchtop.db']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('is not a path inside a run');
  }, 240_000);
});

describe('disk full (real small filesystem)', () => {
  it('fails before copying when the disk cannot hold the model, and mid-copy leaves nothing behind', async () => {
    const mount = tempDir('bt-tmpfs-');
    let mounted = false;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount], { stdio: 'pipe' });
      mounted = true;
    } catch {
      mounted = false;
    }
    if (!requireComponent('a tmpfs mount (root)', mounted)) return;
    try {
      const small = openCore(path.join(mount, 'ws'));
      try {
        const big = path.join(tempDir('bt-model-full-'), 'big.bin');
        fs.writeFileSync(big, Buffer.alloc(12 * 1024 * 1024, 5));
        await expect(small.models.register({ name: 'big', path: big })).rejects.toMatchObject({
          code: 'DISK_FULL',
          message: expect.stringMatching(/^Not enough disk space for registering big: it needs 12\.0 MB, .* is free/),
        });
        // Past the up-front check (the disk fills while copying): ENOSPC, the staging copy removed.
        await expect(small.models.blobs.stage(big, {})).rejects.toMatchObject({ code: 'ENOSPC' });
        expect(fs.readdirSync(small.models.blobs.tmpDir)).toEqual([]);
        expect(small.models.list({})).toEqual([]);
        // Download onto the full disk: refused up front, nothing left in the target.
        const mid = path.join(tempDir('bt-model-mid-'), 'mid.bin');
        fs.writeFileSync(mid, Buffer.alloc(3 * 1024 * 1024, 6));
        await core.models.register({ name: 'mid', path: mid });
        const filler = path.join(mount, 'filler');
        fs.writeFileSync(filler, Buffer.alloc(6 * 1024 * 1024));
        await expect(core.models.download({ name: 'mid', directory: path.join(mount, 'out') })).rejects.toMatchObject({
          code: 'DISK_FULL',
        });
        expect(fs.readdirSync(path.join(mount, 'out'))).toEqual([]);
      } finally {
        small.close();
      }
    } finally {
      execFileSync('umount', [mount]);
    }
  });
});

/** A large file that takes no disk space (a register still reads and copies every byte). */
function sparseFile(file: string, size: number): string {
  const fd = fs.openSync(file, 'w');
  fs.ftruncateSync(fd, size);
  fs.closeSync(fd);
  return file;
}

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
