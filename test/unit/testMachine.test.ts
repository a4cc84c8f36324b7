import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Component, missingLine, prepareTestMachine } from '../../scripts/prepare-test-machine.mjs';
import {
  RUN_MARKER,
  type TestRun,
  leftoverContainers,
  markedProcesses,
  mountsInside,
  newEnvImages,
  runEnvironment,
  stopPids,
} from '../../scripts/test-cleanup.mjs';

// `npm test`'s machine preparation and its cleanup after the suites (scripts/), in the parts
// that decide; the real start/stop of dockerd and the removals are checked by hand (see README).
const run: TestRun = { dir: '/tmp/btt-abc', startedAt: 1_700_000_000_000, engine: true, images: [], containers: [] };

describe('test cleanup: what the run created', () => {
  it('removes only benchtop/env images that were not there at the start', () => {
    const images = [
      { RepoTags: ['benchtop/env:old', 'benchtop/env:alias'] },
      { RepoTags: ['benchtop/env:new1'] },
      { RepoTags: ['benchtop/base:bookworm-python', 'python:3.11'] },
      { RepoTags: null },
      { RepoTags: ['benchtop/env:new2', 'mine/benchtop/env:x'] },
    ];
    expect(newEnvImages(['benchtop/env:alias', 'benchtop/env:old'], images)).toEqual([
      'benchtop/env:new1',
      'benchtop/env:new2',
    ]);
  });

  it("removes Benchtop containers of the run's workspaces, and stopped label-only probes it created", () => {
    const c = (Id: string, Labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
      Id,
      Labels,
      Created: run.startedAt / 1000 + 5,
      State: 'exited',
      ...extra,
    });
    const containers = [
      c('run-in-ws', { 'benchtop.kind': 'run', 'benchtop.workspace': '/tmp/btt-abc/bt-docker-1' }),
      c('svc-in-ws', { 'benchtop.kind': 'service', 'benchtop.workspace': '/tmp/btt-abc/x/y' }, { State: 'running' }),
      c('sibling', { 'benchtop.kind': 'run', 'benchtop.workspace': '/tmp/btt-abcd/ws' }),
      c('user-ws', { 'benchtop.kind': 'service', 'benchtop.workspace': '/home/ada/benchtop' }),
      c('the-dir-itself', { 'benchtop.kind': 'run', 'benchtop.workspace': '/tmp/btt-abc' }),
      c('probe-new', { 'benchtop.kind': 'probe' }),
      c('probe-running', { 'benchtop.kind': 'probe' }, { State: 'running' }),
      c('probe-old', { 'benchtop.kind': 'probe' }, { Created: run.startedAt / 1000 - 60 }),
      c('not-ours', { app: 'x' }),
      c('was-there', { 'benchtop.kind': 'run', 'benchtop.workspace': '/tmp/btt-abc/ws' }),
    ];
    const removed = leftoverContainers({ ...run, containers: ['was-there'] }, containers).map((x) => x.Id);
    expect(removed).toEqual(['run-in-ws', 'svc-in-ws', 'probe-new']);
  });

  it('unmounts what is mounted inside the run folder, deepest first', () => {
    const mounts = [
      'tmpfs /tmp/btt-abc/bt-tmpfs-1 tmpfs rw 0 0',
      'overlay /tmp/btt-abc/bt-dockerd-1/data/overlay2/x/merged overlay rw 0 0',
      'tmpfs /tmp/btt-abcd/x tmpfs rw 0 0',
      'tmpfs /tmp tmpfs rw 0 0',
      'tmpfs /tmp/btt-abc/with\\040a\\040space tmpfs rw 0 0',
    ].join('\n');
    expect(mountsInside('/tmp/btt-abc', mounts)).toEqual([
      '/tmp/btt-abc/bt-dockerd-1/data/overlay2/x/merged',
      '/tmp/btt-abc/with a space',
      '/tmp/btt-abc/bt-tmpfs-1',
    ]);
  });

  it("finds the run's processes by the marker in their environment, not vitest's workers", () => {
    const proc = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-proc-'));
    const fake = (pid: number, environ: string[], cmdline: string[], state = 'S') => {
      fs.mkdirSync(path.join(proc, String(pid)));
      fs.writeFileSync(path.join(proc, String(pid), 'environ'), environ.join('\0') + '\0');
      fs.writeFileSync(path.join(proc, String(pid), 'cmdline'), cmdline.join('\0') + '\0');
      fs.writeFileSync(path.join(proc, String(pid), 'stat'), `${pid} (x) y) ${state} 1 2 3`);
    };
    const marker = `${RUN_MARKER}=${run.dir}`;
    fake(10, ['PATH=/bin', marker], ['node', '/x/dist/main/supervisor.js', '/ws', 'id']);
    fake(11, [marker], ['python3', '-m', 'benchtop.serving']);
    fake(12, [`${RUN_MARKER}=/tmp/btt-other`], ['sleep', '9']);
    fake(13, [`${marker}x`], ['sleep', '9']);
    fake(14, [marker], ['sleep', '9'], 'Z');
    fake(15, [marker], ['node', '/r/node_modules/vitest/dist/workers/forks.js']);
    fake(16, [marker], ['sleep', '9']);
    fs.mkdirSync(path.join(proc, 'self'));
    expect(markedProcesses(run.dir, proc, 16)).toEqual([
      { pid: 10, cmdline: 'node /x/dist/main/supervisor.js /ws id' },
      { pid: 11, cmdline: 'python3 -m benchtop.serving' },
    ]);
    fs.rmSync(proc, { recursive: true });
  });

  it('stops processes by pid: TERM, then KILL for one that ignores it', async () => {
    const polite = spawn('sleep', ['30'], { stdio: 'ignore' });
    const stubborn = spawn('sh', ['-c', 'trap "" TERM; echo ready; while :; do sleep 0.1; done'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await new Promise((resolve) => stubborn.stdout.once('data', resolve));
    const exits = [polite, stubborn].map((c) => new Promise((resolve) => c.once('exit', resolve)));
    const killed = await stopPids([polite.pid!, stubborn.pid!], 500);
    expect(killed).toEqual([stubborn.pid]);
    await Promise.all(exits);
  });

  it('gives the suites the run folder as TMPDIR and the marker', () => {
    expect(runEnvironment(run)).toEqual({
      TMPDIR: '/tmp/btt-abc',
      TMP: '/tmp/btt-abc',
      TEMP: '/tmp/btt-abc',
      [RUN_MARKER]: '/tmp/btt-abc',
    });
  });
});

describe('test machine preparation', () => {
  const component = (name: string, pkg: string | null, hint?: string): Component => ({
    name,
    package: pkg,
    hint,
    present: () => false,
    for: `the ${name} tests`,
  });

  it('names what is missing and the command that gets it', () => {
    const missing = [component('Chromium', 'chromium'), component('Docker engine', 'docker.io')];
    expect(missingLine(missing, { root: false, apt: true })).toBe(
      'prepare: missing Chromium (the Chromium tests), Docker engine (the Docker engine tests); ' +
        'sudo apt-get install chromium docker.io (or run npm test as root, which does it). ' +
        'Their suites skip (with CI=true they fail).',
    );
    expect(missingLine(missing, { root: true, apt: true })).toContain('; apt-get install chromium docker.io.');
    expect(missingLine(missing, { root: true, apt: false })).toContain(
      'install chromium, docker.io with your package manager',
    );
    expect(
      missingLine([component('Chromium', null, 'BENCHTOP_CHROMIUM=/x does not exist')], { root: true, apt: true }),
    ).toBe(
      'prepare: missing Chromium (the Chromium tests); BENCHTOP_CHROMIUM=/x does not exist. Their suites skip (with CI=true they fail).',
    );
  });

  it('BENCHTOP_NO_PREPARE=1 does nothing', async () => {
    const lines: string[] = [];
    await prepareTestMachine({ env: { ...process.env, BENCHTOP_NO_PREPARE: '1' }, log: (l) => lines.push(l) });
    expect(lines).toEqual(['prepare: skipped (BENCHTOP_NO_PREPARE=1)']);
  });

  it('a dry run without an engine says what it would do, and does nothing', async () => {
    const lines: string[] = [];
    const socket = path.join(os.tmpdir(), `bt-no-engine-${process.pid}.sock`);
    const prepared = await prepareTestMachine({
      dryRun: true,
      env: { ...process.env, DOCKER_HOST: `unix://${socket}`, BENCHTOP_CHROMIUM: '/nonexistent/chromium' },
      log: (l) => lines.push(l),
    });
    await prepared.stop();
    expect(lines.every((l) => l.startsWith('prepare (dry run): '))).toBe(true);
    expect(lines).toContain(
      'prepare (dry run): missing Chromium (the end-to-end tests); BENCHTOP_CHROMIUM=/nonexistent/chromium does not exist. Their suites skip (with CI=true they fail).',
    );
    // Root with dockerd: it would start one; otherwise it says why it cannot.
    expect(lines.find((l) => l.includes(socket))).toMatch(
      /would start dockerd on unix:\S+ for the tests and stop it after them|starting one needs root|dockerd is not installed/,
    );
    expect(fs.existsSync(socket)).toBe(false);
  });
});
