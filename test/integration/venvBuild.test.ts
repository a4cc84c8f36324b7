import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READY_MARKER } from '../../src/main/core/builds/buildService';
import { type Core, openCore } from '../../src/main/core/core';
import { findInterpreters } from '../../src/main/core/python/interpreters';
import {
  CLI,
  makeSlowPackage,
  makeWheel,
  requireComponent,
  runCli,
  tempDir,
  writeEnvFolder,
} from '../helpers/workspace';
import { stripAnsi } from '../../src/shared/ansi';

const plain = stripAnsi;

async function waitFor<T>(what: string, check: () => T | null | undefined | false, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let hasPython = false;
beforeAll(async () => {
  hasPython = requireComponent(
    'Python 3 with venv',
    (await findInterpreters()).some((i) => i.hasEnsurepip),
  );
});

describe('venv builds with a real Python and pip', () => {
  const workspace = tempDir('bt-venv-');

  it('installs a real package from the package index, records the lock, then reuses the build', async (ctx) => {
    if (!hasPython) return ctx.skip();
    await runCli(
      [
        'env',
        'register',
        '-d',
        writeEnvFolder(tempDir('bt-src-'), 'with-six', ['six==1.16.0'], { conda: ['packaging=24'] }),
      ],
      { workspace },
    );
    const first = await runCli(['env', 'build', '-n', 'with-six', '--backend', 'venv'], { workspace });
    expect(first.code, first.stderr + first.stdout).toBe(0);
    const log = plain(first.stdout);
    expect(log).toContain('conda -> pip: packaging=24 -> packaging==24.*');
    expect(log).toMatch(/Successfully installed .*six-1\.16\.0/);
    expect(log).toMatch(/built: build key [0-9a-f]{32}/);

    const shown = JSON.parse((await runCli(['--json', 'env', 'show', '-n', 'with-six'], { workspace })).stdout) as {
      buildKey: string;
      buildState: string;
      lock: { name: string; version: string }[];
    };
    expect(shown.buildState).toBe('ready');
    expect(shown.lock).toContainEqual({ name: 'six', version: '1.16.0' });
    const prefix = path.join(workspace, 'cache', 'envs', shown.buildKey);
    expect(fs.existsSync(path.join(prefix, READY_MARKER))).toBe(true);
    expect(
      execFileSync(path.join(prefix, 'bin', 'python'), ['-c', 'import six; print(six.__version__)'], {
        encoding: 'utf8',
      }).trim(),
    ).toBe('1.16.0');

    const second = await runCli(['env', 'build', '-n', 'with-six', '--backend', 'venv'], { workspace });
    expect(second.code).toBe(0);
    expect(plain(second.stdout)).toContain('cached:');
    expect(plain(second.stdout)).not.toContain('pip install');

    const cache = JSON.parse((await runCli(['--json', 'env', 'cache', 'list'], { workspace })).stdout) as {
      buildKey: string;
      sizeBytes: number;
      environments: string[];
    }[];
    const entry = cache.find((e) => e.buildKey === shown.buildKey);
    expect(entry?.sizeBytes).toBeGreaterThan(1_000_000);
    expect(entry?.environments).toEqual(['with-six:1']);
  });

  it('a package that does not exist fails the build naming it, and leaves nothing behind', async (ctx) => {
    if (!hasPython) return ctx.skip();
    await runCli(
      [
        'env',
        'register',
        '-d',
        writeEnvFolder(tempDir('bt-src-'), 'missing-pkg', ['benchtop-no-such-package-zz9==1.0']),
      ],
      { workspace },
    );
    const r = await runCli(['env', 'build', '-n', 'missing-pkg', '--backend', 'venv'], { workspace });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not available: benchtop-no-such-package-zz9/);
    const shown = JSON.parse((await runCli(['--json', 'env', 'show', '-n', 'missing-pkg'], { workspace })).stdout) as {
      buildKey: string;
      buildState: string;
    };
    expect(shown.buildState).toBe('failed');
    expect(fs.existsSync(path.join(workspace, 'cache', 'envs', shown.buildKey))).toBe(false);
  });

  it('builds offline from a private wheel made here, and names what is missing offline', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const wheel = makeWheel(tempDir('bt-wheel-'), 'bt-private', '2.0', 'ANSWER = 42\n');
    const added = await runCli(['wheel', 'add', wheel], { workspace });
    expect(added.stdout.trim()).toBe('bt-private==2.0');
    await runCli(['env', 'register', '-d', writeEnvFolder(tempDir('bt-src-'), 'offline-ok', ['bt-private==2.0'])], {
      workspace,
    });
    const ok = await runCli(['env', 'build', '-n', 'offline-ok', '--backend', 'venv', '--offline'], { workspace });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(plain(ok.stdout)).toContain('--no-index');
    const shown = JSON.parse((await runCli(['--json', 'env', 'show', '-n', 'offline-ok'], { workspace })).stdout) as {
      buildKey: string;
    };
    const py = path.join(workspace, 'cache', 'envs', shown.buildKey, 'bin', 'python');
    expect(execFileSync(py, ['-c', 'import bt_private; print(bt_private.ANSWER)'], { encoding: 'utf8' }).trim()).toBe(
      '42',
    );

    await runCli(
      ['env', 'register', '-d', writeEnvFolder(tempDir('bt-src-'), 'offline-missing', ['bt-private==2.0', 'requests'])],
      { workspace },
    );
    const missing = await runCli(['env', 'build', '-n', 'offline-missing', '--backend', 'venv', '--offline'], {
      workspace,
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Not available offline: requests\./);
    expect(missing.stderr).toMatch(/hint: Add their wheels with `benchtop wheel add/);
  });

  it('checks a user-managed interpreter and records its version and packages', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const interpreter = (await findInterpreters())[0]?.path as string;
    const dir = writeEnvFolder(tempDir('bt-um-'), 'um-real', []);
    fs.writeFileSync(
      path.join(dir, 'azureml_environment.json'),
      JSON.stringify({ name: 'um-real', python: { userManagedDependencies: true, interpreterPath: interpreter } }),
    );
    await runCli(['env', 'register', '-d', dir], { workspace });
    const r = await runCli(['env', 'build', '-n', 'um-real'], { workspace });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(plain(r.stdout)).toMatch(/User-managed environment: using .* as it is/);
    const shown = JSON.parse((await runCli(['--json', 'env', 'show', '-n', 'um-real'], { workspace })).stdout) as {
      backend: string;
      lock: unknown[];
    };
    expect(shown.backend).toBe('user-managed');
    expect(shown.lock.length).toBeGreaterThan(0);
  });
});

describe('a build is published atomically', () => {
  let core: Core;
  const workspace = tempDir('bt-atomic-');
  const work = tempDir('bt-slow-');
  const flag = path.join(work, 'slow.flag');
  const slow = makeSlowPackage(work, flag, 120);
  beforeAll(() => {
    core = openCore(workspace);
  });
  afterAll(() => core.close());

  it('cancel mid-build keeps nothing, and the next build starts clean and succeeds', async (ctx) => {
    if (!hasPython) return ctx.skip();
    fs.writeFileSync(flag, '');
    fs.rmSync(`${flag}.started`, { force: true });
    const registered = core.environments.register({
      name: 'slow-env',
      python: { condaDependencies: { dependencies: ['python', { pip: [slow] }] } },
    });
    const started = core.builds.start(registered.environment.definition, 'slow-env:1', { backend: 'venv' });
    const live = core.jobs.get(started.job.id);
    await waitFor('the slow build to start', () => fs.existsSync(`${flag}.started`), 120_000);
    const prefix = core.paths.envDir(started.buildKey);
    expect(fs.existsSync(prefix)).toBe(true);
    core.jobs.cancel(started.job.id);
    const finished = await live.done;
    expect(finished.state).toBe('canceled');
    expect(fs.existsSync(prefix)).toBe(false);
    expect(core.builds.ready(started.buildKey)).toBeNull();
    expect(core.builds.info(started.buildKey)?.state).toBe('canceled');
    expect(live.output.text()).toContain('Build canceled; nothing was kept');

    fs.rmSync(flag);
    const again = core.builds.start(registered.environment.definition, 'slow-env:1', { backend: 'venv' });
    expect(again.cached).toBe(false);
    expect((await core.jobs.get(again.job.id).done).state).toBe('completed');
    expect(core.builds.ready(again.buildKey)?.pythonPath).toBe(path.join(prefix, 'bin', 'python'));
  });

  it('a build whose process was killed is not reused; the next one takes over its lock and starts clean', async (ctx) => {
    if (!hasPython) return ctx.skip();
    fs.writeFileSync(flag, '');
    fs.rmSync(`${flag}.started`, { force: true });
    const ws = tempDir('bt-killed-');
    await runCli(['env', 'register', '-d', writeEnvFolder(tempDir('bt-src-'), 'killed', [slow, 'six==1.16.0'])], {
      workspace: ws,
    });
    const child = spawn(
      process.execPath,
      [CLI, '--workspace', ws, 'env', 'build', '-n', 'killed', '--backend', 'venv'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('the slow build to start', () => fs.existsSync(`${flag}.started`), 120_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const key = /Building ([0-9a-f]{32})/.exec(out)?.[1] as string;
    expect(fs.existsSync(path.join(ws, 'cache', 'locks', `${key}.lock`))).toBe(true);
    expect(fs.existsSync(path.join(ws, 'cache', 'envs', key, READY_MARKER))).toBe(false);
    // Never left "building"/"running": the dead process's build and job read as failed.
    const cache = JSON.parse((await runCli(['--json', 'env', 'cache', 'list'], { workspace: ws })).stdout) as {
      buildKey: string;
      state: string;
    }[];
    expect(cache.find((e) => e.buildKey === key)?.state).toBe('failed');
    const observer = openCore(ws);
    const orphan = observer.jobs.list().find((j) => j.subject.buildKey === key);
    observer.close();
    expect(orphan).toMatchObject({
      state: 'failed',
      error: { message: expect.stringMatching(/process running this job stopped/) },
    });

    fs.rmSync(flag);
    const again = await runCli(['env', 'build', '-n', 'killed', '--backend', 'venv'], { workspace: ws });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(plain(again.stdout)).not.toContain('cached:');
    expect(plain(again.stdout)).toMatch(/Successfully installed/);
    expect(fs.existsSync(path.join(ws, 'cache', 'envs', key, READY_MARKER))).toBe(true);
  });

  it('two processes building one key at once: one builds, the other waits and reuses it', async (ctx) => {
    if (!hasPython) return ctx.skip();
    fs.writeFileSync(flag, '');
    fs.rmSync(`${flag}.started`, { force: true });
    const ws = tempDir('bt-twice-');
    await runCli(['env', 'register', '-d', writeEnvFolder(tempDir('bt-src-'), 'twice', [slow])], { workspace: ws });
    const a = runCli(['env', 'build', '-n', 'twice', '--backend', 'venv'], { workspace: ws });
    await new Promise((r) => setTimeout(r, 1500));
    const b = runCli(['env', 'build', '-n', 'twice', '--backend', 'venv'], { workspace: ws });
    setTimeout(() => fs.rmSync(flag, { force: true }), 6000);
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.code, ra.stdout + ra.stderr).toBe(0);
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    const outputs = [plain(ra.stdout), plain(rb.stdout)];
    expect(outputs.filter((o) => /Building [0-9a-f]{32} with venv/.test(o))).toHaveLength(1);
    expect(
      outputs.filter((o) => /waiting to reuse its result[\s\S]*cached: built meanwhile by another process/.test(o)),
    ).toHaveLength(1);
  });
});
