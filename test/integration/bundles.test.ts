import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleSummary, ImportOutcome } from '../../src/shared/api/bundleTypes';
import { BASE_IMAGE, dockerReady, startSecondEngine } from '../helpers/docker';
import { makeWheel, python, runCli, tempDir, waitUntil, writeEnvFolder } from '../helpers/workspace';

/**
 * Bundles end to end with the built CLI: a workspace's environment (a private wheel, a venv build and a built
 * image), a run that used it and a model from that run are exported, then imported into a second, empty workspace
 * whose Docker engine is a SECOND dockerd: the environment builds offline there, the run's metrics and files and
 * the model's checksum match, the image runs. Then what must be refused (damaged, cut off, a wheel missing) and a
 * kill -9 in the middle of an import.
 */

let ready = false;
let engine: { url: string; stop: () => Promise<void> } | undefined;
const source = tempDir('bt-bundle-a-');
const target = tempDir('bt-bundle-b-');
const scratch = tempDir('bt-bundle-x-');
const pythonVersion = execFileSync(python(), ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
  encoding: 'utf8',
}).trim();

const cliIn =
  (workspace: string) =>
  (args: string[], timeoutMs = 240_000) =>
    runCli(args, { workspace, timeoutMs, env: workspace === target && engine ? { DOCKER_HOST: engine.url } : {} });
const a = cliIn(source);
const b = cliIn(target);
async function ok<T>(cli: typeof a, args: string[]): Promise<T> {
  const result = await cli([...args, '--json']);
  expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

const SCRIPT = `
import os, privpkg
from azureml.core import Run
run = Run.get_context()
for step in range(3):
    run.log("loss", 1.0 / (step + 1), step=step)
run.log("private", privpkg.VALUE)
os.makedirs("outputs", exist_ok=True)
open("outputs/model.txt", "w").write("weights %d" % privpkg.VALUE)
`;

/** The image builds FROM the CI base image (named in the definition, so both workspaces compute the same key). */
function withBaseImage(dir: string): void {
  const file = path.join(dir, 'azureml_environment.json');
  const definition = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(file, JSON.stringify({ ...definition, docker: { baseImage: BASE_IMAGE } }, null, 2));
}

let runId = '';
let bundle = '';
let bigBundle: Promise<string> = Promise.resolve('');

/** A 200 MB model's bundle, made in a workspace of its own while the first test waits on Docker (the kill test's). */
async function makeBigBundle(): Promise<string> {
  const workspace = tempDir('bt-bundle-big-');
  const big = path.join(scratch, 'big');
  fs.mkdirSync(big);
  execFileSync('head', ['-c', String(200 * 1024 * 1024), '/dev/urandom'], {
    stdio: ['ignore', fs.openSync(path.join(big, 'w.bin'), 'w'), 'ignore'],
  });
  await ok(cliIn(workspace), ['model', 'register', '-n', 'big-model', '-p', big]);
  const file = path.join(scratch, 'big.btb');
  await ok(cliIn(workspace), ['export', 'model', 'big-model', '-o', file]);
  return file;
}

beforeAll(async () => {
  ready = await dockerReady();
  if (ready) engine = await startSecondEngine();
}, 90_000);
afterAll(async () => {
  await engine?.stop();
});

describe('bundles between two workspaces and two Docker engines', () => {
  it('exports an environment with its private wheel and image, a run and a model', async () => {
    if (!ready) return;
    bigBundle = makeBigBundle();
    bigBundle.catch(() => undefined); // awaited (and its failure reported) by the kill test
    const wheel = makeWheel(path.join(scratch, 'wheels'), 'privpkg', '1.0', 'VALUE = 7\n');
    await ok(a, ['wheel', 'add', wheel]);
    withBaseImage(writeEnvFolder(path.join(scratch, 'env'), 'bundle-env', ['privpkg==1.0'], { python: pythonVersion }));
    await ok(a, ['env', 'register', '-d', path.join(scratch, 'env')]);
    // Only the image is built here (the run goes into a container): the venv build is the second workspace's.
    await ok(a, ['env', 'build', '-n', 'bundle-env', '--backend', 'docker', '--offline']);
    fs.mkdirSync(path.join(scratch, 'src'));
    fs.writeFileSync(path.join(scratch, 'src', 'train.py'), SCRIPT);
    const run = await ok<{ id: string; status: string }>(a, [
      'run',
      'submit',
      '-d',
      path.join(scratch, 'src'),
      '-s',
      'train.py',
      '-e',
      'bundle-env:1',
      '--target',
      'docker',
      '--wait',
    ]);
    expect(run.status).toBe('Completed');
    runId = run.id;
    await ok(a, ['model', 'register', '-n', 'bundle-model', '-p', 'outputs/model.txt', '--run', runId]);
    bundle = path.join(scratch, 'all.btb');
    const summary = await ok<BundleSummary>(a, [
      'export',
      'env',
      'bundle-env:1',
      'model',
      'bundle-model',
      'run',
      runId,
      '-o',
      bundle,
      '--images',
    ]);
    expect(summary.parts.map((p) => p.kind).sort()).toEqual(['environment', 'model', 'run']);
    const inspected = await ok<BundleSummary>(a, ['import', '--dry-run', bundle]);
    expect(inspected.parts).toEqual(summary.parts);
    // A plain tar: GNU tar lists the manifest first and every part's files.
    const listing = execFileSync('tar', ['-tf', bundle], { encoding: 'utf8' }).trim().split('\n');
    expect(listing[0]).toBe('manifest.json');
    expect(listing.some((n) => n.endsWith('/wheels/privpkg-1.0-py3-none-any.whl'))).toBe(true);
    expect(listing.some((n) => n.endsWith('/image/images.tar'))).toBe(true);
  }, 300_000);

  it('imports into an empty workspace on a second engine: builds offline, same metrics, files, model, image', async () => {
    if (!ready) return;
    const outcome = await ok<ImportOutcome>(b, ['import', bundle]);
    expect(outcome.parts.map((p) => `${p.kind}:${p.action}`).sort()).toEqual([
      'environment:added',
      'model:added',
      'run:added',
    ]);
    expect(outcome.imagesLoaded.some((t) => t.startsWith('benchtop/env:'))).toBe(true);
    // Offline, from the wheel the bundle brought; and the docker build is the loaded image (no build, no pull).
    // The builds run while the read-only checks of the run and the model do (they touch neither).
    const builds = (async () => {
      const built = await b(['env', 'build', '-n', 'bundle-env', '--offline']);
      expect(built.code, built.stderr).toBe(0);
      const image = await b(['env', 'build', '-n', 'bundle-env', '--backend', 'docker', '--offline']);
      expect(image.code, image.stderr).toBe(0);
      expect(image.stdout + image.stderr).toMatch(/already has benchtop\/env:/);
    })();
    const [metricsA, metricsB] = await Promise.all([
      ok(a, ['run', 'metrics', runId]),
      ok(b, ['run', 'metrics', runId]),
      ok(b, ['run', 'download', runId, '-d', path.join(scratch, 'rb')]),
      ok(b, ['model', 'download', 'bundle-model', '-d', path.join(scratch, 'mb')]),
    ]);
    expect(metricsB).toEqual(metricsA);
    expect(fs.readFileSync(path.join(scratch, 'rb', 'outputs', 'model.txt'), 'utf8')).toBe('weights 7');
    expect(sha256(path.join(scratch, 'rb', 'outputs', 'model.txt'))).toBe(
      sha256(path.join(source, 'runs', runId, 'outputs', 'model.txt')),
    );
    await builds;
    expect(sha256(path.join(scratch, 'mb', 'model.txt'))).toBe(
      sha256(path.join(source, 'runs', runId, 'outputs', 'model.txt')),
    );
    // Again (alongside the container below): identical content keeps its version.
    const again = ok<ImportOutcome>(b, ['import', bundle]);
    // The image runs on the second engine, with the private package inside.
    const port = Number(new URL(engine!.url).port);
    const remote = new Docker({ host: '127.0.0.1', port, protocol: 'http' });
    const tag = outcome.imagesLoaded.find((t) => t.startsWith('benchtop/env:')) as string;
    const container = await remote.createContainer({
      Image: tag,
      Cmd: ['/opt/benchtop/env/bin/python', '-c', 'import privpkg; print("VALUE", privpkg.VALUE)'],
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    expect((await container.wait()).StatusCode).toBe(0);
    expect((await container.logs({ stdout: true, stderr: true })).toString()).toContain('VALUE 7');
    await container.remove();
    const repeated = await again;
    expect(repeated.parts.map((p) => p.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(repeated.imagesLoaded).toEqual([]); // the engine has them: not loaded twice
  }, 300_000);

  it('says so when different content comes under an existing name', async () => {
    if (!ready) return;
    withBaseImage(
      writeEnvFolder(path.join(scratch, 'env2'), 'bundle-env', ['privpkg==1.0', '--no-deps'], {
        python: pythonVersion,
      }),
    );
    await ok(a, ['env', 'register', '-d', path.join(scratch, 'env2')]);
    const file = path.join(scratch, 'env2.btb');
    await ok(a, ['export', 'env', 'bundle-env:2', '-o', file]);
    const outcome = await ok<ImportOutcome>(b, ['import', file]);
    expect(outcome.parts[0]).toMatchObject({ kind: 'environment', action: 'new-version', version: '2' });
    expect(outcome.parts[0]?.note).toMatch(/different content under an existing name: registered as version 2/);
  }, 120_000);

  it('refuses a damaged, cut off or incomplete bundle naming the part: nothing visible, no staging left', async () => {
    if (!ready) return;
    const fresh = tempDir('bt-bundle-c-');
    const c = cliIn(fresh);
    // Without the images: small enough to damage in memory.
    const small = path.join(scratch, 'small.btb');
    await ok(a, ['export', 'env', 'bundle-env:1', 'model', 'bundle-model', '-o', small]);
    const bytes = fs.readFileSync(small);
    const damaged = path.join(scratch, 'damaged.btb');
    const flipped = Buffer.from(bytes);
    const at = bytes.indexOf(Buffer.from('weights 7'));
    flipped[at] = 'W'.charCodeAt(0);
    fs.writeFileSync(damaged, flipped);
    const cut = path.join(scratch, 'cut.btb');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    // The wheel's file taken out of the tar and the manifest: the environment still names it.
    const noWheel = path.join(scratch, 'nowheel.btb');
    execFileSync(python(), ['-c', DROP_WHEEL, small, noWheel]);
    const [bad, truncated, missing] = await Promise.all([
      c(['import', damaged]),
      c(['import', cut]),
      c(['import', noWheel]),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/damaged in part "model bundle-model:1"/);
    expect(truncated.code).not.toBe(0);
    expect(truncated.stderr).toMatch(/cut off|missing/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /part "environment bundle-env:1".*needs the private wheel privpkg-1\.0-py3-none-any\.whl/,
    );
    const lists = [
      ['model', 'list'],
      ['run', 'list'],
      ['wheel', 'list'],
    ].map((list) => ok<unknown[] | { runs: unknown[] }>(c, list));
    for (const listed of await Promise.all(lists)) expect(Array.isArray(listed) ? listed : listed.runs).toHaveLength(0);
    expect(fs.existsSync(path.join(fresh, 'tmp')) ? fs.readdirSync(path.join(fresh, 'tmp')) : []).toEqual([]);
  }, 120_000);

  it('cancels on Ctrl-C, and leaves nothing half-visible when killed with -9 (the next start removes its staging)', async () => {
    if (!ready) return;
    const file = await bigBundle;
    const fresh = tempDir('bt-bundle-k-');
    const tmp = path.join(fresh, 'tmp');
    const staged = () => (fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((n) => n.startsWith('bundle-import-')) : []);
    const startImport = () =>
      spawn(
        process.execPath,
        [path.join(__dirname, '..', '..', 'bin', 'benchtop.js'), '--workspace', fresh, 'import', file],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
    // Ctrl-C while unpacking: the import says it was canceled, exits 1 and takes its staging folder away.
    // SIGSTOP as soon as the staging folder appears freezes the import mid-way however fast it unpacks; the
    // signal that follows is the one under test.
    const interrupted = startImport();
    let stderr = '';
    interrupted.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitUntil(() => staged().length > 0, 60_000);
    interrupted.kill('SIGSTOP');
    interrupted.kill('SIGINT');
    interrupted.kill('SIGCONT');
    const code = await new Promise((r) => interrupted.once('exit', r));
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/canceled; nothing was imported/);
    expect(staged()).toEqual([]);
    // kill -9 while unpacking: its staging folder stays, nothing is visible, the next start removes it.
    const killed = startImport();
    await waitUntil(() => staged().length > 0, 60_000);
    killed.kill('SIGSTOP');
    killed.kill('SIGKILL');
    await new Promise((r) => killed.once('exit', r));
    expect(staged()).toHaveLength(1);
    const models = await ok<unknown[]>(cliIn(fresh), ['model', 'list']);
    expect(models).toHaveLength(0);
    expect(staged()).toHaveLength(0);
  }, 180_000);
});

/** Rewrites a bundle without its wheel (tar entry and manifest file list), keeping the environment's record. */
const DROP_WHEEL = `
import io, json, sys, tarfile
src, out = sys.argv[1], sys.argv[2]
with tarfile.open(src) as t, tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as o:
    members = t.getmembers()
    manifest = json.load(t.extractfile(members[0]))
    drop = {f["entry"] for p in manifest["parts"] for f in p["files"] if "/wheels/" in f["entry"]}
    for p in manifest["parts"]:
        p["files"] = [f for f in p["files"] if f["entry"] not in drop]
    data = json.dumps(manifest).encode()
    info = tarfile.TarInfo("manifest.json"); info.size = len(data)
    o.addfile(info, io.BytesIO(data))
    for m in members[1:]:
        if m.name not in drop:
            o.addfile(m, t.extractfile(m))
`;
