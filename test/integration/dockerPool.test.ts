import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import tarFs from 'tar-fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, openCore } from '../../src/main/core/core';
import { writeSettings } from '../../src/main/core/workspace/settings';
import { DockerEngine } from '../../src/main/core/docker/dockerEngine';
import { transferImage } from '../../src/main/core/docker/imageTransfer';
import { BASE_IMAGE, dockerReady, localDocker, startSecondEngine, startSshEngine } from '../helpers/docker';
import { runCli, tempDir, waitUntil } from '../helpers/workspace';

let ready = false;
let workspace: string;
let core: Core;
let remote: { url: string; stop: () => Promise<void> } | null = null;
const cli = (args: string[]) => runCli(args, { workspace, timeoutMs: 300_000 });
const LOCAL = 'unix:///var/run/docker.sock';

/**
 * A trial: logs its progress, sleeps ~3 s, logs its score, writes an output file, and notes when it ran (for the
 * overlap check).
 */
const TRIAL = `import argparse, json, os, socket, time
from azureml.core import Run
parser = argparse.ArgumentParser()
parser.add_argument("--trial", type=int)
trial = parser.parse_args().trial
started = time.time()
Run.get_context().log("progress", 1)
time.sleep(3)
Run.get_context().log("score", trial * 10)
os.makedirs("outputs", exist_ok=True)
with open("outputs/trial.json", "w") as f:
    json.dump({"trial": trial, "host": socket.gethostname(), "started": started, "ended": time.time()}, f)
print("trial", trial, "done")
`;

beforeAll(async () => {
  ready = await dockerReady();
  workspace = tempDir('bt-pool-');
  core = openCore(workspace);
  if (ready) remote = await startSecondEngine();
}, 90_000);
afterAll(async () => {
  core?.close();
  await remote?.stop();
});

/** A container environment on the base image that uses the image's own Python (nothing to install). */
function registerContainerEnv(name: string, dockerArguments: string[] = []) {
  return core.environments.register({
    name,
    docker: { baseImage: BASE_IMAGE, arguments: dockerArguments },
    python: { userManagedDependencies: true, interpreterPath: '/usr/bin/python3' },
  }).environment;
}

/** `-d SOURCE -s trial.py -e ENV` of a submit. */
function trialArgs(source: string, env: { name: string; version: string }): string[] {
  return ['-d', source, '-s', 'trial.py', '-e', `${env.name}:${env.version}`];
}

/** A new source folder holding trial.py. */
function trialSource(): string {
  const source = tempDir('bt-pool-src-');
  fs.writeFileSync(path.join(source, 'trial.py'), TRIAL);
  return source;
}

describe('a Docker pool of two engines (the local one and a second dockerd over TCP)', () => {
  it('spreads container runs over both within their slots, loads the image into the engine that lacks it, and brings every run back', async (ctx) => {
    if (!ready || !remote) return ctx.skip();
    const remoteDocker = new Docker({ host: '127.0.0.1', port: Number(new URL(remote.url).port), protocol: 'http' });
    const env = registerContainerEnv('pool-env');
    // The image is built on the local engine; the second engine starts with no image at all.
    const built = await cli(['env', 'build', '-n', 'pool-env', '--backend', 'docker']);
    expect(built.code, built.stderr).toBe(0);
    const image = `benchtop/env:${core.builds.keyFor(core.environments.get('pool-env').definition, 'docker').buildKey}`;
    expect(await remoteDocker.listImages()).toEqual([]);

    expect((await cli(['docker', 'pool', 'add', 'local', '--slots', '2'])).stdout).toContain(
      `Added ${LOCAL} to the Docker pool with 2 slots.`,
    );
    expect((await cli(['docker', 'pool', 'add', remote.url, '--slots', '2'])).stdout).toContain(
      `Added ${remote.url} to the Docker pool with 2 slots.`,
    );
    const listed = await cli(['docker', 'pool']);
    expect(listed.stdout).toMatch(new RegExp(`${LOCAL}\\s+local\\s+2\\s+0\\s+answers`));
    expect(listed.stdout).toMatch(new RegExp(`${remote.url}\\s+remote\\s+2\\s+0\\s+answers`));
    expect(listed.stdout).toContain('0 of 4 slots in use.');

    // A grid sweep of four trials, all allowed at once: the pool's four slots are the only limit.
    const source = trialSource();
    const sweepFile = path.join(source, 'sweep.yml');
    fs.writeFileSync(
      sweepFile,
      'sampling:\n  type: grid\n  parameter_space:\n  - name: --trial\n    expression: choice\n    values: [0, 1, 2, 3]\n' +
        'primary_metric_name: score\nprimary_metric_goal: maximize\nmax_total_runs: 4\nmax_concurrent_runs: 4\n',
    );
    const swept = await cli([
      '--json',
      'sweep',
      'submit',
      '-f',
      sweepFile,
      ...trialArgs(source, env),
      '--target',
      'docker',
      '--pool',
    ]);
    expect(swept.code, swept.stderr).toBe(0);
    const sweepId = (JSON.parse(swept.stdout) as { id: string }).id;
    // While a trial runs on the second engine (no shared folder), its metrics already reach the host's run folder.
    let seenLiveOnRemote = false;
    await waitUntil(() => {
      for (let n = 0; n < 4; n++) {
        const events = path.join(workspace, 'runs', `${sweepId}_${n}`, 'events.jsonl');
        let run: { status: string; engine: string | null };
        try {
          run = core.runs.get(`${sweepId}_${n}`);
        } catch {
          continue; // Not submitted yet.
        }
        if (run.status === 'Running' && run.engine === remote?.url && fs.existsSync(events))
          seenLiveOnRemote ||= fs.readFileSync(events, 'utf8').includes('"progress"');
      }
      return ['Completed', 'Failed', 'Canceled'].includes(core.sweeps.store.get(sweepId)?.status ?? '');
    }, 240_000);
    expect(seenLiveOnRemote).toBe(true);
    const sweep = JSON.parse((await cli(['--json', 'sweep', 'show', sweepId])).stdout) as {
      id: string;
      status: string;
      bestRunId: string;
    };
    expect(sweep.status).toBe('Completed');
    const detail = JSON.parse((await cli(['--json', 'sweep', 'show', sweep.id])).stdout) as {
      trials: { runId: string; params: Record<string, unknown> }[];
    };
    expect(detail.trials).toHaveLength(4);
    expect(sweep.bestRunId).toBe(detail.trials.find((t) => t.params['--trial'] === 3)?.runId);

    const engines = new Map<string, { started: number; ended: number }[]>();
    let loads = 0;
    for (const { runId: id, params } of detail.trials) {
      const trial = params['--trial'] as number;
      const shown = await cli(['--json', 'run', 'show', id]);
      const run = JSON.parse(shown.stdout) as {
        status: string;
        engine: string | null;
        metrics: Record<string, unknown>;
      };
      const log = fs.readFileSync(path.join(workspace, 'runs', id, 'output.log'), 'utf8');
      expect(run.status, log).toBe('Completed');
      expect(run.metrics).toMatchObject({ score: trial * 10 });
      // The sweep's tag written before the run and the script's metric from the container are both kept.
      expect(JSON.parse(core.runs.get(id).tags.hyperparameters as string)).toEqual(params);
      const output = JSON.parse(fs.readFileSync(path.join(workspace, 'runs', id, 'outputs', 'trial.json'), 'utf8')) as {
        trial: number;
        started: number;
        ended: number;
      };
      expect(output.trial).toBe(trial);
      expect(log).toContain(`Docker pool: this run goes to the engine at ${run.engine}.`);
      if (/Loaded benchtop\/env:\S+ onto /.test(log)) loads += 1;
      engines.set(run.engine as string, [...(engines.get(run.engine as string) ?? []), output]);
    }
    // Both engines ran trials; the image went to the second engine once, however many trials landed there together.
    expect([...engines.keys()].sort()).toEqual([LOCAL, remote.url].sort());
    expect(loads).toBe(1);
    const [remoteImage, localImage] = await Promise.all([
      remoteDocker.getImage(image).inspect(),
      localDocker().getImage(image).inspect(),
    ]);
    expect(remoteImage.Id).toBe(localImage.Id);
    // Never more trials at once on an engine than its slots, from when the scripts themselves ran.
    for (const [url, spans] of engines) {
      const most = Math.max(
        ...spans.map((s) => spans.filter((o) => o.started < s.ended && s.started < o.ended).length),
      );
      expect(most, url).toBeLessThanOrEqual(2);
    }
    expect((await cli(['docker', 'pool'])).stdout).toContain('0 of 4 slots in use.');

    const removed = await cli(['docker', 'pool', 'remove', remote.url]);
    expect(removed.stdout.trim()).toBe(`Removed ${remote.url} from the Docker pool.`);
    const missing = await cli(['docker', 'pool', 'remove', remote.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`error: ${remote.url} is not in the Docker pool.`);
    expect(missing.stderr).toContain(`hint: The pool has: ${LOCAL} (benchtop docker pool).`);
    writeSettings(core.db, { dockerPool: [] });
  }, 300_000);

  it('builds an environment built nowhere yet on the engine the run was sent to, loading its base image there first', async (ctx) => {
    if (!ready || !remote) return ctx.skip();
    const remoteDocker = new Docker({ host: '127.0.0.1', port: Number(new URL(remote.url).port), protocol: 'http' });
    // Only the second engine in the pool: the run must go there.
    writeSettings(core.db, { dockerPool: [{ url: remote.url, slots: 1 }] });
    // Docker arguments are part of the build key: this one is new to every engine.
    const env = registerContainerEnv('pool-fresh', ['--env', `POOL_FRESH=${Date.now()}`]);
    const image = `benchtop/env:${core.builds.keyFor(core.environments.get('pool-fresh').definition, 'docker').buildKey}`;
    await remoteDocker
      .getImage(BASE_IMAGE)
      .remove({ force: true })
      .catch(() => undefined);
    const source = trialSource();
    const run = await core.runs.submit({
      sourceDirectory: source,
      script: 'trial.py',
      arguments: ['--trial', '7'],
      environment: `${env.name}:${env.version}`,
      experiment: 'pool',
      target: 'docker',
      pool: true,
    });
    await waitUntil(() => ['Completed', 'Failed', 'Canceled'].includes(core.runs.get(run.id).status), 180_000);
    const log = fs.readFileSync(path.join(workspace, 'runs', run.id, 'output.log'), 'utf8');
    expect(core.runs.get(run.id).status, log).toBe('Completed');
    expect(log).toContain(`Loaded ${BASE_IMAGE} onto ${remote.url} from ${LOCAL}`);
    expect(log).toContain(`Building image ${image} on ${remote.url}`);
    expect(core.runs.get(run.id).metrics).toMatchObject({ score: 70 });
    // Built there, not here: the local engine never had it.
    await expect(remoteDocker.getImage(image).inspect()).resolves.toBeTruthy();
    await expect(localDocker().getImage(image).inspect()).rejects.toThrow();
    writeSettings(core.db, { dockerPool: [] });
  }, 240_000);

  it('streams an image to and from an ssh:// engine (docker save | docker load over SSH)', async (ctx) => {
    if (!ready || !remote) return ctx.skip();
    const remoteDocker = new Docker({ host: '127.0.0.1', port: Number(new URL(remote.url).port), protocol: 'http' });
    // A one-file image made on the second engine: small, and on no other engine.
    const probe = `benchtop-pool-probe:${Date.now()}`;
    const files = tempDir('bt-pool-probe-');
    fs.writeFileSync(path.join(files, 'probe.txt'), 'probe\n');
    const [repo, tag] = probe.split(':') as [string, string];
    await new Promise((resolve, reject) =>
      remoteDocker.importImage(tarFs.pack(files) as unknown as string, { repo, tag }, (err, stream) =>
        err || !stream
          ? reject(err)
          : remoteDocker.modem.followProgress(stream, (e) => (e ? reject(e) : resolve(null))),
      ),
    );
    const ssh = await startSshEngine();
    const home = process.env.HOME;
    const agent = process.env.SSH_AUTH_SOCK;
    // The ssh:// engine reads the client key from ~/.ssh, as the CLI does.
    process.env.HOME = ssh.home;
    process.env.SSH_AUTH_SOCK = '';
    try {
      const overSsh = new DockerEngine(core.db, ssh.url);
      const tcp = new DockerEngine(core.db, remote.url);
      // The ssh:// engine is this machine's dockerd reached over SSH.
      const there = await transferImage(tcp, overSsh, probe);
      expect(there.bytes).toBeGreaterThan(0);
      await expect(localDocker().getImage(probe).inspect()).resolves.toBeTruthy();
      await remoteDocker.getImage(probe).remove({ force: true });
      await transferImage(overSsh, tcp, probe);
      await expect(remoteDocker.getImage(probe).inspect()).resolves.toBeTruthy();
    } finally {
      process.env.HOME = home;
      if (agent === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = agent;
      ssh.stop();
      await localDocker()
        .getImage(probe)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }, 60_000);

  // A pool engine that is down gets no runs (they wait or go elsewhere): test/integration/queuePoolHealth.test.ts.

  it("stops a falling-behind trial on the second engine from its live metrics (a sweep's BanditPolicy)", async (ctx) => {
    if (!ready || !remote) return ctx.skip();
    // Only the second engine: both trials run where no folder is shared with this machine.
    writeSettings(core.db, { dockerPool: [{ url: remote.url, slots: 2 }] });
    const env = registerContainerEnv('pool-env');
    const source = tempDir('bt-pool-src-');
    fs.writeFileSync(
      path.join(source, 'curve.py'),
      'import argparse, time\nfrom azureml.core import Run\np = argparse.ArgumentParser()\np.add_argument("--quality", type=float)\n' +
        'q = p.parse_args().quality\nrun = Run.get_context()\nfor i in range(1, 9):\n    time.sleep(1)\n    run.log("acc", q * i / 8)\n',
    );
    const body = {
      run: {
        sourceDirectory: source,
        script: 'curve.py',
        environment: `${env.name}:${env.version}`,
        target: 'docker',
        pool: true,
      },
      sampling: { type: 'grid', parameterSpace: { '--quality': ['choice', [[1.0, 0.2]]] } },
      policy: { type: 'bandit', slackFactor: 0.2, evaluationInterval: 1, delayEvaluation: 2 },
      primaryMetric: { name: 'acc', goal: 'maximize' },
      maxConcurrentRuns: 2,
    };
    const bodyFile = path.join(source, 'sweep.json');
    fs.writeFileSync(bodyFile, JSON.stringify(body));
    const submitted = await cli(['--json', 'sweep', 'submit', '--config-json', bodyFile, '--wait']);
    expect(submitted.code, submitted.stderr).toBe(0);
    const sweepId = (JSON.parse(submitted.stdout) as { id: string }).id;
    const detail = JSON.parse((await cli(['--json', 'sweep', 'show', sweepId])).stdout) as {
      trials: {
        runId: string;
        params: Record<string, unknown>;
        status: string;
        earlyTerminated: boolean;
        steps: number;
      }[];
    };
    const byQuality = (q: number) => detail.trials.find((t) => t.params['--quality'] === q)!;
    expect(byQuality(1.0)).toMatchObject({ status: 'Completed', earlyTerminated: false, steps: 8 });
    expect(byQuality(0.2)).toMatchObject({ status: 'Canceled', earlyTerminated: true });
    expect(byQuality(0.2).steps).toBeLessThan(8);
    for (const t of detail.trials) expect(core.runs.get(t.runId).engine).toBe(remote.url);
    expect(core.runs.get(byQuality(0.2).runId).reason).toMatch(/^Early terminated by BanditPolicy at interval \d+: /);
    writeSettings(core.db, { dockerPool: [] });
  }, 120_000);
});
