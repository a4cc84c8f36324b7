import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../../src/main/core/builds/buildLock';
import { handlers } from '../../src/main/core/api/handlers';
import { dispatch } from '../../src/main/core/api/router';
import type { Core } from '../../src/main/core/core';
import { folderTree } from '../helpers/folderTree';
import { workspaceWithMinimal } from '../helpers/minimalWorkspace';
import { runCli, tempDir, waitUntil } from '../helpers/workspace';

// A run's files reach the user (run download, the Files tab) even when its supervisor died,
// and never include anything from outside the run, whatever links the script made.

let workspace: string;
let core: Core;
const leftovers: number[] = [];

beforeAll(async () => {
  ({ workspace, core } = await workspaceWithMinimal('bt-run-files-'));
});
afterAll(() => {
  for (const pid of leftovers) if (processAlive(pid)) process.kill(pid, 'SIGKILL');
  core?.close();
});

const cli = (args: string[]) => runCli(args, { workspace });
const ctx = { connectionId: 'test', viewerFor: () => ({ id: 'test', write: () => undefined }) };
const call = (name: string, input: unknown) => dispatch(handlers, core, name, input, ctx as never);

function source(files: Record<string, string>): string {
  const dir = tempDir('bt-run-src-');
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

async function finished(id: string) {
  await waitUntil(() => ['Completed', 'Failed', 'Canceled'].includes(core.runs.get(id).status), 120_000);
  return core.runs.get(id);
}

describe('a run whose supervisor was killed', () => {
  it('is Failed, and its partial outputs and logs come back through run download and runs.files', async () => {
    const pidFile = path.join(tempDir('bt-run-pid-'), 'pid');
    const dir = source({
      'train.py': [
        'import os, sys, time',
        'open(sys.argv[1], "w").write(str(os.getpid()))',
        'os.makedirs("outputs", exist_ok=True)',
        'open("outputs/partial.txt", "w").write("epoch 1 weights")',
        'open("logs/train.log", "w").write("epoch 1 loss 0.5\\n")',
        'print("epoch 1 done", flush=True)',
        'time.sleep(120)',
        '',
      ].join('\n'),
    });
    const run = core.runs.submit({ sourceDirectory: dir, script: 'train.py', arguments: [pidFile] });
    const runDir = core.paths.runDir(run.id);
    await waitUntil(
      () =>
        fs.existsSync(path.join(runDir, 'work', 'outputs', 'partial.txt')) &&
        fs.existsSync(path.join(runDir, 'output.log')) &&
        fs.readFileSync(path.join(runDir, 'output.log'), 'utf8').includes('epoch 1 done'),
      60_000,
    );
    leftovers.push(Number(fs.readFileSync(pidFile, 'utf8')));
    const supervisor = core.runs.store.get(run.id)?.supervisor_pid as number;
    process.kill(supervisor, 'SIGKILL');
    await waitUntil(() => !processAlive(supervisor));

    // The CLI (another process) is what notices, as a user would.
    const target = tempDir('bt-run-dl-');
    const downloaded = await cli(['run', 'download', run.id, '-d', target]);
    expect(downloaded.code, downloaded.stderr).toBe(0);
    expect(fs.readFileSync(path.join(target, 'outputs', 'partial.txt'), 'utf8')).toBe('epoch 1 weights');
    expect(fs.readFileSync(path.join(target, 'logs', 'train.log'), 'utf8')).toBe('epoch 1 loss 0.5\n');
    expect(fs.readFileSync(path.join(target, 'output.log'), 'utf8')).toContain('epoch 1 done');

    const after = core.runs.get(run.id);
    expect(after.status).toBe('Failed');
    expect(after.reason).toMatch(/supervisor process is gone.*outputs and logs so far are kept/s);
    const files = await call('runs.files', { runId: run.id });
    expect(files).toMatchObject({ ok: true, value: { outputs: ['partial.txt'], logs: ['train.log'] } });
    const file = await call('runs.file', { runId: run.id, path: 'outputs/partial.txt' });
    expect(Buffer.from((file as { value: { base64: string } }).value.base64, 'base64').toString()).toBe(
      'epoch 1 weights',
    );
    expect(fs.existsSync(path.join(runDir, 'work'))).toBe(false);
  });

  it('an already-Failed run with its outputs still in work/ (an older Benchtop) shows them too', async () => {
    const dir = source({ 'quick.py': 'print("ok")\n' });
    const run = core.runs.submit({ sourceDirectory: dir, script: 'quick.py' });
    await finished(run.id);
    const runDir = core.paths.runDir(run.id);
    fs.mkdirSync(path.join(runDir, 'work', 'outputs'), { recursive: true });
    fs.writeFileSync(path.join(runDir, 'work', 'outputs', 'late.txt'), 'late');
    expect(await call('runs.files', { runId: run.id })).toMatchObject({ value: { outputs: ['late.txt'] } });
  });
});

describe('links a run makes', () => {
  it('runs.file refuses links out of the run, and run download copies none of their targets', async () => {
    const secret = path.join(tempDir('bt-secret-'), 'secret.txt');
    fs.writeFileSync(secret, 'secret outside the run');
    const hostname = fs.existsSync('/etc/hostname') ? fs.readFileSync('/etc/hostname', 'utf8') : null;
    const dir = source({
      'links.py': [
        'import os, sys',
        'os.makedirs("outputs/sub", exist_ok=True)',
        'open("outputs/real.txt", "w").write("mine")',
        'os.symlink("/etc/hostname", "outputs/host")',
        'os.symlink(sys.argv[1], "outputs/secret.txt")',
        'os.symlink("real.txt", "outputs/alias.txt")',
        'os.symlink(os.path.dirname(sys.argv[1]), "outputs/sub/outside")',
        'os.symlink("/nonexistent", "outputs/dangling")',
        'os.rmdir("logs")',
        'os.symlink(os.path.dirname(sys.argv[1]), "logs")',
        '',
      ].join('\n'),
    });
    const run = core.runs.submit({ sourceDirectory: dir, script: 'links.py', arguments: [secret] });
    expect((await finished(run.id)).status).toBe('Completed');

    for (const rel of ['outputs/host', 'outputs/secret.txt', 'outputs/sub/outside/secret.txt', 'logs/secret.txt']) {
      const refused = await call('runs.file', { runId: run.id, path: rel });
      expect(refused, rel).toMatchObject({
        ok: false,
        error: { code: 'BAD_INPUT', message: expect.stringContaining("outside this run's folders") },
      });
    }
    expect(await call('runs.file', { runId: run.id, path: '../../../../etc/hostname' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const alias = await call('runs.file', { runId: run.id, path: 'outputs/alias.txt' });
    expect(alias).toMatchObject({ ok: true, value: { base64: Buffer.from('mine').toString('base64') } });
    expect(await call('runs.files', { runId: run.id })).toMatchObject({
      value: { outputs: ['real.txt'], logs: [] },
    });

    const target = tempDir('bt-run-dl-');
    fs.writeFileSync(path.join(target, 'notes.txt'), 'my notes');
    const downloaded = await cli(['run', 'download', run.id, '-d', target]);
    expect(downloaded.code, downloaded.stderr).toBe(0);
    expect(downloaded.stdout).toContain('Not copied: ');
    const copied = folderTree(target);
    expect(Object.keys(copied).sort()).toEqual(['notes.txt', 'output.log', 'outputs/alias.txt', 'outputs/real.txt']);
    expect(copied['outputs/alias.txt']).toBe('mine');
    for (const content of Object.values(copied)) {
      expect(content).not.toContain('secret outside the run');
      if (hostname) expect(content).not.toBe(hostname);
    }

    // Registering a model from the run takes the run's own files only.
    for (const rel of ['outputs/secret.txt', 'outputs']) {
      const registered = await cli(['model', 'register', '-n', 'leak', '--run', run.id, '-p', rel]);
      expect(registered.code, rel).toBe(2);
      expect(registered.stderr).toMatch(/is a link to .*, outside the run: a model registered from a run holds/);
    }
    expect((await cli(['model', 'register', '-n', 'fine', '--run', run.id, '-p', 'outputs/alias.txt'])).code).toBe(0);
  });
});
