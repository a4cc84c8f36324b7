import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE, dockerReady } from '../helpers/docker';
import { makeWheel, requireComponent, ROOT, runCli, runProcess, tempDir, writeEnvFolder } from '../helpers/workspace';

// The whole loop in a network namespace with only loopback (scripts/offline-loop.sh, as users run it): the workspace
// is prepared online (a private wheel, an environment that needs it, the base image as default), then nothing inside
// the namespace can reach anything but 127.0.0.1.
let ready = false;
let workspace: string;
let bundle: string;
const cli = (args: string[]) => runCli(args, { workspace, timeoutMs: 120_000 });

beforeAll(async () => {
  const unshare = spawnSync('unshare', ['-n', '--', 'true']).status === 0;
  if (!requireComponent('unshare -n (util-linux, as root)', unshare)) return;
  ready = await dockerReady();
  if (!ready) return;
  workspace = tempDir('bt-offline-loop-');
  // A version of its own per test run: a new build key, so the image is really built (offline) and not found cached.
  const version = `1.0.${process.pid}`;
  const wheels = tempDir('bt-offline-wheels-');
  const wheel = makeWheel(wheels, 'offpkg', version, 'VALUE = 7\n');
  expect((await cli(['wheel', 'add', wheel])).stdout).toContain(`offpkg==${version}`);
  const envDir = writeEnvFolder(tempDir('bt-offline-env-'), 'offline-env', [`offpkg==${version}`]);
  // The image's first step prints what network the build's RUN steps have (only loopback when built offline).
  fs.writeFileSync(
    path.join(envDir, 'BaseDockerfile'),
    `FROM ${BASE_IMAGE}\nRUN python3 -c "import socket; print('build interfaces:', sorted(n for _, n in socket.if_nameindex()))"\n`,
  );
  expect((await cli(['env', 'register', '-d', envDir])).code).toBe(0);
  // A bundle made in another workspace: imported inside the namespace, as one carried to an offline machine.
  const elsewhere = tempDir('bt-offline-source-');
  fs.writeFileSync(path.join(elsewhere, 'carried.bin'), 'carried weights\n'.repeat(1000));
  const other = (args: string[]) => runCli(args, { workspace: path.join(elsewhere, 'ws'), timeoutMs: 60_000 });
  expect((await other(['model', 'register', '-n', 'carried', '-p', path.join(elsewhere, 'carried.bin')])).code).toBe(0);
  bundle = path.join(elsewhere, 'carried.btb');
  expect((await other(['export', 'model', 'carried', '-o', bundle])).code).toBe(0);
}, 120_000);

describe('the offline loop in a network namespace', () => {
  it('builds from wheels, runs, registers, deploys and scores, then builds an image and runs in it, all with no route out', async (ctx) => {
    if (!ready) return ctx.skip();
    const logs = tempDir('bt-offline-logs-');
    const script = path.join(ROOT, 'scripts', 'offline-loop.sh');
    const loop = await runProcess(
      'unshare',
      ['-n', '--', script, '--workspace', workspace, '--env', 'offline-env:1', '--import', 'offpkg', '--docker'].concat(
        ['--logs', logs, '--keep-model', '--port', '6790', '--bundle', bundle],
      ),
      { env: process.env, timeoutMs: 120_000 },
    );
    const out = loop.stdout;
    expect(loop.code, `${out}\n${loop.stderr}`).toBe(0);
    expect(out).toMatch(/^PASS {2}network +interfaces: lo - no routes/m);
    expect(out).toContain(`PASS  import   ${bundle}: model carried:1 added [`);
    expect(out).toMatch(/^PASS {2}build +offline-env:1 offline with venv \(built, /m);
    expect(fs.readFileSync(path.join(logs, 'build.log'), 'utf8')).toMatch(/offpkg/);
    expect(out).toContain(
      'PASS  score    POST http://127.0.0.1:6790/score -> 200 {"y": [2, 4, 6], "interfaces": ["lo"]}',
    );
    expect(out).toMatch(/^PASS {2}image +benchtop\/env:\w+ built offline/m);
    // The fix in the docker backend: an offline image build runs its steps with --network none.
    expect(fs.readFileSync(path.join(logs, 'image.log'), 'utf8')).toContain("build interfaces: ['lo']");
    expect(out).toMatch(/^PASS {2}the whole loop ran with no network$/m);

    // Outside the namespace: what the loop made is in the workspace, as it said.
    const runId = /^PASS {2}run +(\S+) Completed, accuracy 0\.93 \[/m.exec(out)?.[1] as string;
    const run = JSON.parse((await cli(['--json', 'run', 'show', runId])).stdout) as Record<string, unknown>;
    expect(run).toMatchObject({ status: 'Completed', metrics: { accuracy: 0.93 }, environment: 'offline-env:1' });
    const containerRunId = /^PASS {2}container +(\S+) Completed in the image, accuracy 0\.93 \[/m.exec(out)?.[1];
    expect(containerRunId).toBeTruthy();
    const target = tempDir('bt-offline-model-');
    expect((await cli(['model', 'download', 'offline-loop-check:1', '-d', target])).code).toBe(0);
    // The model was trained inside the namespace: the run saw only loopback.
    expect(JSON.parse(fs.readFileSync(path.join(target, 'model.json'), 'utf8'))).toEqual({
      weight: 2,
      interfaces: ['lo'],
    });
    const carried = JSON.parse((await cli(['--json', 'model', 'show', 'carried:1'])).stdout) as { size: number };
    expect(carried.size).toBe('carried weights\n'.length * 1000);
    const services = JSON.parse((await cli(['--json', 'service', 'list'])).stdout) as unknown[];
    expect(JSON.stringify(services)).not.toContain('offline-loop-check');
  }, 150_000);
});
