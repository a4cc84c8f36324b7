import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, openCore } from '../../src/main/core/core';
import { matchInterpreter } from '../../src/main/core/python/interpreters';
import { TOOL_MARKER, type ToolSpec, toolKey } from '../../src/main/core/tools/toolEnvironment';
import { writeSettings } from '../../src/main/core/workspace/settings';
import { hasVenvPython } from '../helpers/sdkVenv';
import { makeSlowPackage, makeWheel, tempDir, waitUntil } from '../helpers/workspace';

/**
 * Tool environments (src/main/core/tools): a real venv and a real pip, installing from the
 * workspace's wheels (offline) and from a local package whose build is slow on purpose, so a
 * cancel and two concurrent builds of one tool can be watched.
 */

const root = tempDir('bt-tools-');
const workspace = path.join(root, 'ws');
let core: Core;
let hasPython = false;

const tiny: ToolSpec = { name: 'tiny', requirements: ['benchtop-tiny==1.0'], check: 'import benchtop_tiny' };

beforeAll(async () => {
  hasPython = await hasVenvPython();
  core = openCore(workspace);
});

afterAll(() => {
  core.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const entries = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

describe('tool environments', () => {
  it('offline without the wheel: the error names the package and the fix, and nothing is published', async (ctx) => {
    if (!hasPython) return ctx.skip();
    writeSettings(core.db, { offline: true });
    const error = await core.tools.ensure(tiny, () => undefined).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PACKAGE_UNAVAILABLE' });
    expect((error as Error).message).toContain('benchtop-tiny');
    expect((error as { hint: string }).hint).toContain('benchtop wheel add');
    expect(entries(core.tools.root)).toEqual([]);
  });

  it('builds from the workspace wheels offline, publishes whole under its hash, and is reused', async (ctx) => {
    if (!hasPython) return ctx.skip();
    core.wheels.add(makeWheel(path.join(root, 'wheels'), 'benchtop-tiny', '1.0', 'VALUE = 42\n'));
    const interpreter = await matchInterpreter(null, true);
    const prefix = path.join(core.tools.root, `tiny-${toolKey(tiny, interpreter.version)}`);
    // What a build killed mid-way leaves (its pid is gone): removed by the next build of the tool.
    const abandoned = `${prefix}.tmp-999999-deadbeef`;
    fs.mkdirSync(path.join(abandoned, 'lib'), { recursive: true });
    let log = '';
    const first = await core.tools.ensure(tiny, (text) => (log += text));
    expect(first).toMatchObject({ built: true, prefix });
    expect(log).toMatch(/pip install/);
    expect(log).toMatch(/Successfully installed benchtop-tiny-1\.0/);
    expect(
      execFileSync(first.python, ['-c', 'import benchtop_tiny; print(benchtop_tiny.VALUE)'], { encoding: 'utf8' }),
    ).toBe('42\n');
    expect(JSON.parse(fs.readFileSync(path.join(prefix, TOOL_MARKER), 'utf8'))).toMatchObject({
      name: 'tiny',
      requirements: tiny.requirements,
    });
    expect(entries(core.tools.root)).toEqual([path.basename(prefix)]);

    const started = Date.now();
    const again = await core.tools.ensure(tiny, () => undefined);
    expect(again).toMatchObject({ built: false, prefix, python: first.python });
    expect(Date.now() - started).toBeLessThan(3000);

    // Other requirements are another hash: another environment beside it.
    core.wheels.add(makeWheel(path.join(root, 'wheels'), 'benchtop-tiny', '2.0', 'VALUE = 2\n'));
    const other = await core.tools.ensure({ ...tiny, requirements: ['benchtop-tiny==2.0'] }, () => undefined);
    expect(other.prefix).not.toBe(prefix);
    expect(
      execFileSync(other.python, ['-c', 'import benchtop_tiny; print(benchtop_tiny.VALUE)'], { encoding: 'utf8' }),
    ).toBe('2\n');
    writeSettings(core.db, { offline: false });
  });

  it('two concurrent requests build once (the lock); a canceled build publishes nothing', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const flag = path.join(root, 'slow-flag');
    fs.writeFileSync(flag, '');
    const slow: ToolSpec = { name: 'slow', requirements: [makeSlowPackage(path.join(root, 'slow'), flag, 60)] };
    const both = Promise.all([core.tools.ensure(slow, () => undefined), core.tools.ensure(slow, () => undefined)]);
    await waitUntil(() => fs.existsSync(`${flag}.started`), 60_000);
    fs.rmSync(flag);
    const [a, b] = await both;
    expect([a.built, b.built].sort()).toEqual([false, true]);
    expect(a.prefix).toBe(b.prefix);
    expect(execFileSync(a.python, ['-c', 'import slowpkg; print(slowpkg.SLOW)'], { encoding: 'utf8' })).toBe('True\n');

    const cancelFlag = path.join(root, 'cancel-flag');
    fs.writeFileSync(cancelFlag, '');
    const canceled: ToolSpec = {
      name: 'canceled',
      requirements: [makeSlowPackage(path.join(root, 'cancel'), cancelFlag, 60)],
    };
    const controller = new AbortController();
    const pending = core.tools
      .ensure(canceled, () => undefined, { signal: controller.signal })
      .catch((e: unknown) => e);
    await waitUntil(() => fs.existsSync(`${cancelFlag}.started`), 60_000);
    controller.abort();
    expect(await pending).toMatchObject({ code: 'CANCELED' });
    expect(entries(core.tools.root).filter((n) => n.startsWith('canceled-'))).toEqual([]);
  });
});
