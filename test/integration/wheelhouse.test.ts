import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasVenvPython } from '../helpers/sdkVenv';
import { makeWheel, runCli, tempDir, writeEnvFolder } from '../helpers/workspace';

/**
 * `env wheelhouse` end to end with the real CLI and pip: an environment built "online" (a local folder
 * of wheels stands in for the package index: PIP_FIND_LINKS + PIP_NO_INDEX, so the test needs no
 * network and cannot be broken by the index), made offline-ready, then its wheels carried into a fresh
 * workspace (fresh cache) where `env build --offline` names nothing missing and the env imports them.
 */

const root = tempDir('bt-wheelhouse-');
const index = path.join(root, 'index');
const online = { PIP_FIND_LINKS: index, PIP_NO_INDEX: '1' };
let hasPython = false;

beforeAll(async () => {
  hasPython = await hasVenvPython();
  makeWheel(index, 'bt-house', '1.0', 'VALUE = "house"\n');
  makeWheel(index, 'bt-extra', '2.0', 'VALUE = "extra"\n');
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('env wheelhouse', () => {
  it('refuses an environment that is not built, with the command that builds it', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const workspace = path.join(root, 'ws-unbuilt');
    await runCli(['env', 'register', '-d', writeEnvFolder(path.join(root, 'src-u'), 'unbuilt', ['bt-house==1.0'])], {
      workspace,
    });
    const r = await runCli(['env', 'wheelhouse', '-n', 'unbuilt'], { workspace });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unbuilt:1 is not built/);
    expect(r.stderr).toMatch(/benchtop env build -n unbuilt -v 1/);
  });

  it('fetches every locked wheel online; a fresh workspace then builds it offline', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const first = path.join(root, 'ws-online');
    const folder = writeEnvFolder(path.join(root, 'src'), 'house', ['bt-house==1.0', 'bt-extra']);
    expect((await runCli(['env', 'register', '-d', folder], { workspace: first })).code).toBe(0);
    const built = await runCli(['env', 'build', '-n', 'house', '--backend', 'venv'], { workspace: first, env: online });
    expect(built.code, built.stdout + built.stderr).toBe(0);

    const made = await runCli(['--json', 'env', 'wheelhouse', '-n', 'house:1'], { workspace: first, env: online });
    expect(made.code, made.stdout + made.stderr).toBe(0);
    const result = JSON.parse(made.stdout) as { fetched: string[]; present: string[]; failed: unknown[] };
    expect(result.fetched.sort()).toEqual(['bt_extra-2.0-py3-none-any.whl', 'bt_house-1.0-py3-none-any.whl']);
    expect(result.failed).toEqual([]);
    const wheels = JSON.parse((await runCli(['--json', 'wheel', 'list'], { workspace: first })).stdout) as {
      reference: string;
    }[];
    expect(wheels.map((w) => w.reference).sort()).toEqual(['bt-extra==2.0', 'bt-house==1.0']);

    // Again: nothing to fetch, both named as present.
    const again = await runCli(['env', 'wheelhouse', '-n', 'house'], { workspace: first, env: online });
    expect(again.stdout).toMatch(/present {2}bt-extra==2\.0/);
    expect(again.stdout).toMatch(/Offline-ready: 0 fetched, 2 already there/);

    // Another machine: a new workspace and cache, no index, only the carried wheels.
    const second = path.join(root, 'ws-offline');
    for (const file of fs.readdirSync(path.join(first, 'wheels')))
      expect((await runCli(['wheel', 'add', path.join(first, 'wheels', file)], { workspace: second })).code).toBe(0);
    await runCli(['env', 'register', '-d', folder], { workspace: second });
    const offline = await runCli(['env', 'build', '-n', 'house', '--backend', 'venv', '--offline'], {
      workspace: second,
    });
    expect(offline.code, offline.stdout + offline.stderr).toBe(0);
    expect(offline.stdout).not.toMatch(/do not include/);
    const shown = JSON.parse(
      (await runCli(['--json', 'env', 'show', '-n', 'house'], { workspace: second })).stdout,
    ) as {
      buildKey: string;
    };
    const python = path.join(second, 'cache', 'envs', shown.buildKey, 'bin', 'python');
    expect(
      execFileSync(python, ['-c', 'import bt_house, bt_extra; print(bt_house.VALUE, bt_extra.VALUE)'], {
        encoding: 'utf8',
      }),
    ).toBe('house extra\n');
  }, 120_000);
});
