import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../../src/main/core/builds/buildLock';
import { type Core, openCore } from '../../src/main/core/core';
import { findInterpreters } from '../../src/main/core/python/interpreters';
import { freePort } from '../../src/main/core/services/serviceProcess';
import { CLI, ROOT, python, requireComponent, runCli, tempDir, waitUntil } from '../helpers/workspace';

/**
 * The scoring server's supervision (a dead worker is replaced and serves, crash loops back off and read
 * degraded / failed with the reason), its listeners (SO_REUSEPORT: a port clash still exits 2, reloads
 * under load drop nothing), the limits from Settings, and deploys interrupted by kill -9.
 */
let workspace: string;
let core: Core;
const cli = (args: string[]) => runCli(args, { workspace, timeoutMs: 120_000 });

// Pure Python: fast to deploy. run() can end its process (os._exit, as a crashing native library would);
// init() fails while a marker file exists (a replacement that cannot start).
const SCORE = `
import json, os

def init():
    marker = os.environ.get("FAIL_INIT_MARKER", "")
    if marker and os.path.exists(marker):
        raise RuntimeError("init fails while %s exists" % marker)

def run(raw):
    data = json.loads(raw)
    if data.get("exit"):
        os._exit(1)
    return [x * 2 for x in data["data"]]
`;

interface Reply {
  status: number;
  body: string;
}

function request(port: number, method: string, urlPath: string, body?: string, timeoutMs = 2000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent: false,
        headers: body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const score = (port: number, value: number) => request(port, 'POST', '/score', JSON.stringify({ data: [value] }));

/** Milliseconds until POST /score answers 200 again (polling every 20 ms), or Infinity after limitMs. */
async function msUntilServing(port: number, limitMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    const ok = await score(port, 1).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 20));
  }
  return Infinity;
}

/** The scoring server's worker processes (children of its main process), from /proc. */
function workersOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const count = (text: string, needle: string) => text.split(needle).length - 1;
const log = (name: string) => fs.readFileSync(core.services.layout(name).log, 'utf8');

function project(): string {
  const dir = tempDir('bt-sup-src-');
  fs.writeFileSync(path.join(dir, 'score.py'), SCORE);
  return dir;
}

async function deploy(
  name: string,
  workers: number,
  env: NodeJS.ProcessEnv = {},
): Promise<{ port: number; pid: number }> {
  const r = await runCli(
    [
      '--json',
      'service',
      'deploy',
      '-n',
      name,
      '-m',
      'scale',
      '--entry-script',
      'score.py',
      '-d',
      project(),
      '--workers',
      String(workers),
    ],
    { workspace, timeoutMs: 120_000, env },
  );
  expect(r.code, r.stderr).toBe(0);
  const port = (JSON.parse(r.stdout) as { port: number }).port;
  return { port, pid: core.services.get(name).pid as number };
}

let marker: string;

beforeAll(async () => {
  if (process.platform !== 'linux') return;
  requireComponent(
    'Python 3 with venv',
    (await findInterpreters()).some((i) => i.hasEnsurepip),
  );
  workspace = tempDir('bt-supervision-');
  core = openCore(workspace);
  const record = core.environments.get('Benchtop-Minimal');
  const started = core.builds.start(record.definition, `${record.name}:${record.version}`, {});
  const done = await core.jobs.get(started.job.id).done;
  expect(done.state, done.error?.message).toBe('completed');
  const weights = path.join(tempDir('bt-sup-model-'), 'weights.json');
  fs.writeFileSync(weights, '{"k": 2}');
  await core.models.register({ name: 'scale', path: weights });
  marker = path.join(tempDir('bt-sup-marker-'), 'fail-init');
  // The deploys below run in CLI processes: the marker's path reaches init() through their environment.
  process.env.FAIL_INIT_MARKER = marker;
}, 300_000);

afterAll(async () => {
  for (const service of core?.services.list() ?? []) await core.services.delete(service.name).catch(() => undefined);
  core?.close();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux')('scoring server supervision: dead workers are replaced', () => {
  it('a 1-worker service answers again within 2 s after run() calls os._exit(1), with one restart', async () => {
    const { port } = await deploy('exit-svc', 1);
    expect((await score(port, 3)).body).toBe('[6]');
    await expect(request(port, 'POST', '/score', '{"exit": true}')).rejects.toThrow();
    const ms = await msUntilServing(port, 2000);
    expect(ms, log('exit-svc').slice(-3000)).toBeLessThan(2000);
    // Not a respawn loop: one worker died, one replacement, and it stays.
    await new Promise((r) => setTimeout(r, 500));
    expect(count(log('exit-svc'), 'starting a new one')).toBe(1);
    expect((await core.services.getLive('exit-svc')).state).toBe('running');
  });

  it('a SIGKILLed worker is replaced and the service answers again within 2 s (twice in a row)', async () => {
    const { port, pid } = await deploy('kill-svc', 1);
    for (let round = 0; round < 2; round++) {
      const [worker] = workersOf(pid);
      expect(worker).toBeGreaterThan(0);
      process.kill(worker as number, 'SIGKILL');
      const ms = await msUntilServing(port, 2000);
      expect(ms, log('kill-svc').slice(-3000)).toBeLessThan(2000);
      expect(workersOf(pid)).not.toContain(worker);
    }
    expect(log('kill-svc')).toContain('was killed by signal 9 (SIGKILL)');
  });

  it('a crash loop backs off and reads degraded, then failed, with the reason; it recovers once init() works', async () => {
    const { port, pid } = await deploy('loop-svc', 2);
    fs.writeFileSync(marker, '');
    try {
      const [first, second] = workersOf(pid) as [number, number];
      process.kill(first, 'SIGKILL');
      // The other worker keeps serving while the replacements of the first fail in init().
      await waitUntil(() => count(log('loop-svc'), 'exited with code 3 (init() failed)') >= 2, 5000);
      const degraded = await core.services.getLive('loop-svc');
      expect(degraded.state).toBe('degraded');
      expect(degraded.error).toMatch(
        /^1 of 2 workers serving: worker \d+ exited with code 3 \(init\(\) failed\) before/,
      );
      expect(degraded.error).toContain('restarting in');
      expect((await score(port, 2)).body).toBe('[4]');

      process.kill(second, 'SIGKILL');
      const deadline = Date.now() + 8000;
      let failed = await core.services.getLive('loop-svc');
      while (failed.state !== 'failed' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        failed = await core.services.getLive('loop-svc');
      }
      expect(failed.state, log('loop-svc').slice(-3000)).toBe('failed');
      expect(failed.error).toMatch(/^No worker is serving: worker \d+ exited with code 3 \(init\(\) failed\)/);
      const shown = await cli(['service', 'show', 'loop-svc']);
      expect(shown.stdout).toContain('loop-svc: failed');
      expect(shown.stdout).toContain('Error:       No worker is serving');
      // Backed off: a handful of attempts in these seconds, not hundreds.
      const attempts = count(log('loop-svc'), 'starting a new one');
      expect(attempts).toBeGreaterThanOrEqual(4);
      expect(attempts).toBeLessThan(16);
    } finally {
      fs.rmSync(marker, { force: true });
    }
    // The next attempts succeed (the longest wait so far is a few seconds).
    const ms = await msUntilServing(port, 15_000);
    expect(ms, log('loop-svc').slice(-3000)).toBeLessThan(15_000);
    await waitUntil(() => count(log('loop-svc'), 'ready for serving traffic') >= 4, 15_000);
    await new Promise((r) => setTimeout(r, 200));
    const settled = await core.services.getLive('loop-svc');
    expect(['running', 'degraded']).toContain(settled.state);
  }, 60_000);

  it('a server whose workers do not answer reads degraded (health probe), then running again', async () => {
    const { port, pid } = await deploy('stop-svc', 1);
    const [worker] = workersOf(pid) as [number];
    process.kill(worker, 'SIGSTOP');
    try {
      const stuck = await core.services.getLive('stop-svc');
      expect(stuck.state).toBe('degraded');
      expect(stuck.error).toContain(`GET / on port ${port} did not answer within 1 s`);
      expect((await core.services.listLive()).find((s) => s.name === 'stop-svc')?.state).toBe('degraded');
    } finally {
      process.kill(worker, 'SIGCONT');
    }
    expect((await core.services.getLive('stop-svc')).state).toBe('running');
  });
});

// The deploys pass this on to the server: one SO_REUSEPORT socket per worker instead of one shared socket.
const PER_WORKER = { BENCHTOP_SERVICE_REUSEPORT: '1' };

describe.runIf(process.platform === 'linux')('scoring server listeners (shared, or a socket per worker)', () => {
  const serve = (port: number, statusFile: string, env: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number; output: string }>((resolve) => {
      const child = spawn(
        python(),
        ['-m', 'benchtop.serving', '--entry-script', 'score.py', '--port', String(port), '--status-file', statusFile],
        { cwd: project(), env: { ...process.env, ...env, PYTHONPATH: path.join(ROOT, 'src', 'runtime') } },
      );
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, output });
      });
    });

  it('a port clash exits 2 with "Port N is already in use." (a plain listener, or another Benchtop service)', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const taken = (blocker.address() as net.AddressInfo).port;
    const status = path.join(tempDir('bt-sup-status-'), 'status.json');
    try {
      const clash = await serve(taken, status);
      expect(clash.code).toBe(2);
      expect(clash.output).toContain(`Port ${taken} is already in use.`);
      expect(JSON.parse(fs.readFileSync(status, 'utf8'))).toMatchObject({
        state: 'failed',
        error: `Port ${taken} is already in use.`,
      });
    } finally {
      blocker.close();
    }
    // With SO_REUSEPORT sockets, a second server by the same user must still be refused.
    const { port } = await deploy('first-svc', 2, PER_WORKER);
    expect(log('first-svc')).toContain('Listening: a socket per worker (SO_REUSEPORT)');
    const second = await serve(port, status, PER_WORKER);
    expect(second.code).toBe(2);
    expect(second.output).toContain(`Port ${port} is already in use.`);
    expect((await score(port, 5)).body).toBe('[10]');
  });

  it("per-worker sockets: a SIGKILLed worker's replacement opens its own socket, and both serve", async () => {
    const { port, pid } = await deploy('reuse-kill', 2, PER_WORKER);
    const [victim, survivor] = workersOf(pid) as [number, number];
    process.kill(victim, 'SIGKILL');
    // Its socket is closed as soon as the main process sees the death (within 50 ms; what was queued on it
    // in between is reset, the price of per-worker sockets); then new connections all go to the survivor.
    const failures: string[] = [];
    for (let i = 0; i < 30; i++) await score(port, 1).catch((err: Error) => failures.push(err.message));
    expect(failures.length, failures.join(', ')).toBeLessThanOrEqual(3);
    for (const failure of failures) expect(failure).toMatch(/ECONNRESET|socket hang up/);
    await waitUntil(() => workersOf(pid).length === 2 && log('reuse-kill').includes('in place of the one that died'));
    const replacement = workersOf(pid).find((w) => w !== survivor) as number;
    await waitUntil(() => log('reuse-kill').includes(`Worker with pid ${replacement} ready`), 5000);
    for (let i = 0; i < 60; i++) expect((await score(port, 1)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300)); // the access lines are written in batches
    expect(log('reuse-kill')).toContain(`[${replacement}] benchtop - POST /score 200`);
  });

  it.each([
    ['one shared socket', 'reload-shared', {}],
    ['a socket per worker', 'reload-reuse', PER_WORKER],
  ])('reloads under Connection: close load drop no request (%s)', async (listening, name, env) => {
    const { port } = await deploy(name, 2, env);
    expect(log(name)).toContain(`Listening: ${listening}`);
    let stop = false;
    const results = { ok: 0, failed: [] as string[] };
    const client = async () => {
      while (!stop) {
        await score(port, 1).then(
          (r) => (r.status === 200 ? results.ok++ : results.failed.push(`status ${r.status}`)),
          (err: Error) => results.failed.push(err.message),
        );
      }
    };
    const clients = [client(), client(), client(), client()];
    for (let i = 0; i < 3; i++) {
      const reloaded = await core.services.reload(name);
      expect(reloaded.reloaded, reloaded.message).toBe(true);
    }
    stop = true;
    await Promise.all(clients);
    expect(results.failed).toEqual([]);
    expect(results.ok).toBeGreaterThan(50);
    expect(count(log(name), 'Reload complete')).toBe(3);
  });
});

describe.runIf(process.platform === 'linux')('scoring server limits come from Settings', () => {
  it('service settings sets the timeouts and connection cap; a deploy passes them to the server', async () => {
    const set = await cli([
      '--json',
      'service',
      'settings',
      '--header-timeout-s',
      '7',
      '--body-timeout-s',
      '8.5',
      '--idle-timeout-s',
      '9',
      '--write-timeout-s',
      '11',
      '--max-connections',
      '123',
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({
      serviceHeaderTimeoutS: 7,
      serviceBodyTimeoutS: 8.5,
      serviceIdleTimeoutS: 9,
      serviceWriteTimeoutS: 11,
      serviceMaxConnections: 123,
    });
    const bad = await cli(['service', 'settings', '--idle-timeout-s', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--idle-timeout-s must be a number of seconds above 0 (got "0")');
    await deploy('limits-svc', 1);
    const banner = log('limits-svc');
    expect(banner).toContain('Header / Body / Idle / Write Timeouts: 7 s / 8.5 s / 9 s / 11 s');
    expect(banner).toContain('Connections per Worker: 123');
    const reset = await cli([
      'service',
      'settings',
      '--header-timeout-s',
      '10',
      '--body-timeout-s',
      '30',
      '--idle-timeout-s',
      '60',
      '--write-timeout-s',
      '30',
      '--max-connections',
      '1000',
    ]);
    expect(reset.stdout).toContain('Header timeout:  10 s');
  });
});

describe.runIf(process.platform === 'linux')('interrupted deploys', () => {
  const TRIALS = 20;
  const deployArgs = (src: string, port: number) => [
    '--workspace',
    workspace,
    '--json',
    'service',
    'deploy',
    '-n',
    'kill-me',
    '-m',
    'scale',
    '--entry-script',
    'score.py',
    '-d',
    src,
    '--port',
    String(port),
  ];

  const recorded = () => core.services.store.get('kill-me') !== null;

  /**
   * Starts the deploy and SIGKILLs it `ms` after it starts, or `ms` after its record appears (polled every
   * 2 ms); resolves with its exit code (null when killed) and when the record appeared and went running.
   */
  const deployKilled = (src: string, port: number, kill: { after: 'start' | 'record'; ms: number }) =>
    new Promise<{ code: number | null; recordMs: number; runningMs: number }>((resolve) => {
      const started = Date.now();
      let recordMs = -1;
      let runningMs = -1;
      const child = spawn(process.execPath, [CLI, ...deployArgs(src, port)], { stdio: 'ignore' });
      const killer = kill.after === 'start' ? setTimeout(() => child.kill('SIGKILL'), kill.ms) : null;
      const watch = setInterval(() => {
        if (recordMs < 0 && recorded()) {
          recordMs = Date.now() - started;
          if (kill.after === 'record') setTimeout(() => child.kill('SIGKILL'), kill.ms);
        }
        if (runningMs < 0 && recordMs >= 0 && core.services.store.get('kill-me')?.state === 'running')
          runningMs = Date.now() - started;
      }, 2);
      child.on('exit', (code) => {
        if (killer) clearTimeout(killer);
        clearInterval(watch);
        resolve({ code, recordMs, runningMs });
      });
    });

  it(`kill -9 of service deploy at ${TRIALS} moments across its run: the same deploy then succeeds and answers`, async () => {
    const src = project();
    const port = await freePort();
    // A whole deploy first: when its record appears and when it runs, so the kills spread across it.
    const whole = await deployKilled(src, port, { after: 'start', ms: 60_000 });
    expect(whole.code).toBe(0);
    await core.services.delete('kill-me');
    const outcomes: string[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      // A few kills before the record is written (starting up, checking), most while it deploys: the
      // server starting, init(), the health wait.
      const kill =
        trial < 4
          ? { after: 'start' as const, ms: Math.round(whole.recordMs * ((trial + Math.random()) / 4)) }
          : {
              after: 'record' as const,
              ms: Math.round((whole.runningMs - whole.recordMs) * ((trial - 4 + Math.random()) / (TRIALS - 4))),
            };
      const { code } = await deployKilled(src, port, kill);
      const at = `trial ${trial}: killed ${kill.ms} ms after its ${kill.after}`;
      const left = recorded() ? core.services.get('kill-me') : null;
      // Killed: never left `deploying` (its deployer is dead). Running: it finished just before the kill.
      if (code === null) expect(left?.state ?? 'none', at).not.toBe('deploying');
      const finished = code === 0 || left?.state === 'running';
      outcomes.push(finished ? 'finished' : (left?.state ?? 'none'));
      if (finished) await core.services.delete('kill-me');
      const again = await runCli(deployArgs(src, port).slice(2), { workspace, timeoutMs: 60_000 });
      expect(again.code, `${at}: ${again.stdout}${again.stderr}`).toBe(0);
      expect((await score(port, 4)).body).toBe('[8]');
      const deployed = core.services.get('kill-me');
      await core.services.delete('kill-me');
      expect(processAlive(deployed.pid as number)).toBe(false);
      expect(fs.existsSync(core.services.layout('kill-me').dir)).toBe(false);
    }
    // Most kills left a failed record that the next deploy replaced.
    expect(outcomes.filter((o) => o === 'failed').length, outcomes.join(', ')).toBeGreaterThanOrEqual(TRIALS / 2);
  }, 170_000);
});
