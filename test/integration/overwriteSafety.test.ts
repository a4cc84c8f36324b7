import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, openCore } from '../../src/main/core/core';
import { runCli, tempDir, writeEnvFolder } from '../helpers/workspace';

// Commands that write into a folder the user chose (or prune the cache) touch only what they
// write themselves: `env download --overwrite` and `cache.prune`.

let workspace: string;
let core: Core;
beforeAll(() => {
  workspace = tempDir('bt-overwrite-');
  core = openCore(workspace);
});
afterAll(() => core?.close());

const cli = (args: string[]) => runCli(args, { workspace });

describe('env download --overwrite', () => {
  it("writes the environment's files only, and refuses a stale BaseDockerfile rather than deleting it", async () => {
    const source = writeEnvFolder(path.join(tempDir('bt-env-src-'), 'e'), 'safe-env', ['requests==2.0']);
    expect((await cli(['env', 'register', '-d', source])).code).toBe(0);

    const target = tempDir('bt-env-dl-');
    fs.writeFileSync(path.join(target, 'notes.txt'), 'my notes');
    fs.writeFileSync(path.join(target, 'BaseDockerfile'), 'FROM something-else\n');
    const outside = path.join(tempDir('bt-env-outside-'), 'elsewhere.json');
    fs.writeFileSync(outside, 'not the environment');
    fs.symlinkSync(outside, path.join(target, 'azureml_environment.json'));

    const refused = await cli(['env', 'download', '-n', 'safe-env', '-d', target, '--overwrite']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `${path.join(target, 'BaseDockerfile')} is there, but this environment has no BaseDockerfile`,
    );
    expect(fs.readdirSync(target).sort()).toEqual(['BaseDockerfile', 'azureml_environment.json', 'notes.txt']);

    fs.rmSync(path.join(target, 'BaseDockerfile'));
    const written = await cli(['env', 'download', '-n', 'safe-env', '-d', target, '--overwrite']);
    expect(written.code, written.stderr).toBe(0);
    expect(fs.readFileSync(path.join(target, 'notes.txt'), 'utf8')).toBe('my notes');
    // The link was replaced (one rename), not written through.
    expect(fs.lstatSync(path.join(target, 'azureml_environment.json')).isFile()).toBe(true);
    expect(fs.readFileSync(outside, 'utf8')).toBe('not the environment');
    const again = await cli(['--json', 'env', 'register', '-d', target]);
    expect(JSON.parse(again.stdout)).toMatchObject({ name: 'safe-env', version: '1' });
  });
});

describe('cache prune', () => {
  it('takes build keys only: a "key" that is a path elsewhere is refused, and nothing there is removed', async () => {
    const victim = tempDir('bt-victim-');
    fs.writeFileSync(path.join(victim, 'precious.txt'), 'keep');
    const sneaky = path.relative(core.paths.envCache, victim);
    await expect(core.builds.prune({ buildKeys: [sneaky] })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: `"${sneaky}" is not a build key (32 hex digits).`,
    });
    expect(fs.readFileSync(path.join(victim, 'precious.txt'), 'utf8')).toBe('keep');
  });

  it('removes orphaned build folders, but not other names in the cache, nor one whose build holds its lock', async () => {
    const cache = core.paths.envCache;
    const orphan = '0123456789abcdef0123456789abcdef';
    const building = 'fedcba9876543210fedcba9876543210';
    for (const name of [orphan, `${orphan}.context`, building, `${building}.context`, 'my-notes']) {
      fs.mkdirSync(path.join(cache, name), { recursive: true });
      fs.writeFileSync(path.join(cache, name, 'f.txt'), name);
    }
    fs.mkdirSync(core.paths.locks, { recursive: true });
    // A live process (the test runner's parent) is building this key.
    fs.writeFileSync(core.paths.buildLock(building), `${process.ppid} token`);
    const result = await core.builds.prune({});
    expect(result.removed.sort()).toEqual([orphan, `${orphan}.context`]);
    expect(fs.readdirSync(cache).sort()).toEqual([building, `${building}.context`, 'my-notes']);
    expect(fs.readFileSync(core.paths.buildLock(building), 'utf8')).toBe(`${process.ppid} token`);
  });
});
