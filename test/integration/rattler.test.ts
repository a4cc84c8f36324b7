import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentDefinition } from '../../src/shared/environments/definition';
import { type Core, openCore } from '../../src/main/core/core';
import { EXPLICIT_FILE } from '../../src/main/core/builds/rattlerBackend';
import { indexChannel } from '../../src/main/core/builds/rattlerIndex';
import { makeCondaPackages } from '../helpers/condaChannel';
import { hasVenvPython } from '../helpers/sdkVenv';
import { tempDir } from '../helpers/workspace';

/**
 * The rattler backend for real: py-rattler installed into a Benchtop tool environment (from the package
 * index), a local channel of real conda packages made and indexed here, solved and linked into the build
 * cache. The channel has no python (no CPython package is made here), so the environment is a program's:
 * bin/hello, run through the built environment.
 */

const root = tempDir('bt-rattler-');
const channel = path.join(root, 'channel');
let core: Core;
let hasPython = false;
const savedConda = process.env.BENCHTOP_CONDA;

function definition(name: string, dependencies: string[], channels = [pathToFileURL(channel).href]) {
  const def = { name, python: { condaDependencies: { channels, dependencies } } };
  return core.environments.register(def).environment;
}

async function build(record: { name: string; version: string; definition: EnvironmentDefinition }) {
  const started = core.builds.start(record.definition, `${record.name}:${record.version}`, { backend: 'rattler' });
  const job = core.jobs.get(started.job.id);
  const finished = await job.done;
  return { started, finished, log: job.output.text() };
}

beforeAll(async () => {
  hasPython = await hasVenvPython();
  // No conda binary may be picked up from the environment of whoever runs the test.
  delete process.env.BENCHTOP_CONDA;
  core = openCore(path.join(root, 'ws'));
  makeCondaPackages(channel, [
    { name: 'hello', version: '1.0', depends: ['greeting >=2'], script: '#!/bin/sh\necho "hello from $0"\n' },
    { name: 'greeting', version: '2.1', script: '#!/bin/sh\necho hi 2.1\n' },
    { name: 'greeting', version: '1.0', script: '#!/bin/sh\necho hi 1.0\n' },
    { name: 'clash', version: '1.0', depends: ['greeting <2'] },
  ]);
}, 120_000);

afterAll(() => {
  core.close();
  if (savedConda !== undefined) process.env.BENCHTOP_CONDA = savedConda;
  fs.rmSync(root, { recursive: true, force: true });
});

describe('rattler backend', () => {
  it('refuses a channel path that does not exist, and a folder that is not a channel, naming the fix', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const missing = await build(definition('no-channel', ['hello'], [`file://${root}/nowhere`]));
    expect(missing.finished.state).toBe('failed');
    expect(missing.finished.error?.message).toContain(`${root}/nowhere`);
    expect(missing.finished.error?.hint).toMatch(/channel-index/);
    fs.mkdirSync(path.join(root, 'plain', 'noarch'), { recursive: true });
    const plain = await build(definition('plain-folder', ['hello'], [path.join(root, 'plain')]));
    expect(plain.finished.error?.message).toMatch(/is not a conda channel: it has no noarch\/repodata\.json/);
  });

  it('indexes the channel, solves and links from it with progress, locks it, and reuses the build', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const indexed = await indexChannel(core.tools, channel, () => undefined);
    expect(indexed.subdirs).toEqual(['noarch']);
    expect(fs.existsSync(path.join(channel, 'noarch', 'repodata.json'))).toBe(true);

    const record = definition('hello-env', ['hello']);
    const { started, finished, log } = await build(record);
    expect(finished.error).toBeNull();
    expect(finished.state).toBe('completed');
    expect(started.backend).toBe('conda');
    expect(log).toMatch(/Building [0-9a-f]{32} with conda \(rattler\)/);
    expect(log).toMatch(/Solved: 2 package\(s\): hello 1\.0, greeting 2\.1/);
    expect(log).toMatch(/Linked hello 1\.0/);
    expect(log).toMatch(/has no python/);

    const ready = core.builds.ready(started.buildKey);
    expect(ready).not.toBeNull();
    const prefix = ready?.prefix as string;
    expect(execFileSync(path.join(prefix, 'bin', 'hello'), { encoding: 'utf8' })).toContain('hello from');
    expect(execFileSync(path.join(prefix, 'bin', 'greeting'), { encoding: 'utf8' })).toBe('hi 2.1\n');

    const info = core.builds.info(started.buildKey);
    expect(info?.tool).toBe('rattler');
    const greeting = info?.lock.find((p) => p.name === 'greeting');
    expect(greeting).toMatchObject({ version: '2.1', installer: 'conda' });
    expect(greeting?.url).toBe(`${pathToFileURL(channel).href}/noarch/greeting-2.1-0.tar.bz2`);
    expect(greeting?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const explicit = fs.readFileSync(path.join(prefix, EXPLICIT_FILE), 'utf8');
    expect(explicit).toMatch(/^@EXPLICIT$/m);
    expect(explicit).toMatch(/noarch\/hello-1\.0-0\.tar\.bz2#[0-9a-f]{32}$/m);

    // Same definition: the published build is reused, and auto now finds rattler (installed here, no conda).
    const again = core.builds.start(record.definition, `${record.name}:${record.version}`, { backend: 'rattler' });
    expect(again.cached).toBe(true);
    expect(core.builds.autoPick()).toMatchObject({ backend: 'conda', condaTool: 'rattler' });
    expect(core.builds.keyFor(record.definition, 'auto').buildKey).toBe(started.buildKey);
  }, 180_000);

  it("fails a conflicting solve with the solver's own message and the hint", async (ctx) => {
    if (!hasPython) return ctx.skip();
    const { finished, started } = await build(definition('conflict', ['hello', 'clash']));
    expect(finished.state).toBe('failed');
    expect(finished.error?.message).toMatch(/conda solver found no environment/);
    expect(finished.error?.message).toMatch(/clash 1\.0 would require/);
    expect(finished.error?.message).toMatch(/greeting <2/);
    expect(finished.error?.hint).toMatch(/Loosen or change the conflicting pins/);
    expect(core.builds.ready(started.buildKey)).toBeNull();
    expect(fs.existsSync(core.paths.envDir(started.buildKey))).toBe(false);
  }, 60_000);
});
