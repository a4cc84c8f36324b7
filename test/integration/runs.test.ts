import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/shared/api/runTypes';
import { processAlive } from '../../src/main/core/builds/buildLock';
import type { Core } from '../../src/main/core/core';
import { workspaceWithMinimal } from '../helpers/minimalWorkspace';
import { CLI, runCli, tempDir } from '../helpers/workspace';
import { callApi, connectApi } from '../helpers/ws';
import { stripAnsi } from '../../src/shared/ansi';

const plain = stripAnsi;

async function until<T>(
  what: string,
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function source(files: Record<string, string>): string {
  const dir = tempDir('bt-run-src-');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** The `supervisor.js --standby` processes a parent (the queue owner) started, from /proc. */
function standbySupervisors(parent: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const args = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
        return ppid === parent && args.some((a) => a.endsWith('supervisor.js')) && args.includes('--standby')
          ? [Number(name)]
          : [];
      } catch {
        return [];
      }
    });
}

let workspace: string;
let core: Core;
const final = (id: string) =>
  until(
    `run ${id} to end`,
    () => {
      const run = core.runs.get(id);
      return ['Completed', 'Failed', 'Canceled'].includes(run.status) ? run : null;
    },
    120_000,
  );

beforeAll(async () => {
  ({ workspace, core } = await workspaceWithMinimal('bt-runs-'));
});
afterAll(() => core?.close());

describe('runs with real Python in real ptys', () => {
  it('passes arguments exactly, streams metrics while live, keeps ./outputs and honours .amlignore', async () => {
    const dir = source({
      'train.py': [
        'import json, sys, time, os',
        'from azureml.core.run import Run',
        'run = Run.get_context()',
        'print("ARGS=" + json.dumps(sys.argv[1:], ensure_ascii=False, separators=(",", ":")))',
        'print("ENV", os.environ["AZUREML_RUN_ID"] == run.id, os.environ["AZUREML_ARM_PROJECT_NAME"])',
        'for i in range(4):',
        '    run.log("loss", 1.0 / (i + 1), step=i)',
        '    time.sleep(0.6)',
        'os.makedirs("outputs", exist_ok=True)',
        'open("outputs/model.txt", "w").write("weights")',
        'run.log("accuracy", 0.91)',
        '',
      ].join('\n'),
      '.amlignore': 'data/\n',
      'data/huge.bin': 'x'.repeat(10_000),
      'lib/helper.py': 'X = 1\n',
    });
    const args = ['a b', 'q"uote', "it's", 'ünïcode ✓', '--flag=1', ''];
    const run = core.runs.submit({ sourceDirectory: dir, script: 'train.py', arguments: args, experiment: 'exp-args' });
    expect(run.status).toBe('Queued');
    expect(run.environment).toBe('Benchtop-Minimal:1');
    // Metrics are readable while the run is still running.
    const live = await until('a live metric', () => {
      const r = core.runs.get(run.id);
      const m = core.runs.metrics(run.id);
      return r.status === 'Running' && (m.scalars.loss?.length ?? 0) >= 1 ? m : null;
    });
    expect(live.scalars.loss?.[0]).toMatchObject({ step: 0, value: 1 });
    const done = await final(run.id);
    expect(done).toMatchObject({ status: 'Completed', exitCode: 0, metrics: { loss: 0.25, accuracy: 0.91 } });
    const log = plain(core.runs.log(run.id));
    expect(log).toContain(`ARGS=${JSON.stringify(args)}`);
    expect(log).toContain('ENV True exp-args');
    const runDir = core.paths.runDir(run.id);
    expect(fs.readFileSync(path.join(runDir, 'outputs', 'model.txt'), 'utf8')).toBe('weights');
    expect(fs.existsSync(path.join(runDir, 'snapshot', 'lib', 'helper.py'))).toBe(true);
    expect(fs.existsSync(path.join(runDir, 'snapshot', 'data'))).toBe(false);
    expect(fs.existsSync(path.join(runDir, 'work'))).toBe(false);
  });

  it('the queue owner keeps a supervisor started ahead: it takes the next run, and is replaced', async () => {
    const dir = source({ 'quick.py': 'print("quick")\n' });
    // The first submit starts the workspace's queue owner, which starts one supervisor ahead.
    expect((await final(core.runs.submit({ sourceDirectory: dir, script: 'quick.py' }).id)).status).toBe('Completed');
    const ownerPid = Number.parseInt(fs.readFileSync(path.join(workspace, 'queue', 'owner.lock'), 'utf8'), 10);
    const standbyPid = () => standbySupervisors(ownerPid)[0];
    const standby = await until('a standby supervisor', standbyPid, 5_000);
    const run = core.runs.submit({ sourceDirectory: dir, script: 'quick.py' });
    const done = await final(run.id);
    expect(done.status).toBe('Completed');
    expect(core.runs.store.get(run.id)?.supervisor_pid).toBe(standby);
    expect(plain(core.runs.log(run.id))).toContain('quick');
    const next = await until('a new standby', standbyPid, 5_000);
    expect(next).not.toBe(standby);
  });

  it("Preparing builds an environment that is not built yet, and its build log is part of the run's output", async () => {
    core.environments.register({
      name: 'fresh-env',
      environmentVariables: { FROM_ENV: 'yes' },
      python: { condaDependencies: { dependencies: ['python', { pip: [] }] } },
    });
    const dir = source({ 'env.py': 'import os\nprint("FROM_ENV=" + os.environ["FROM_ENV"])\n' });
    const run = core.runs.submit({ sourceDirectory: dir, script: 'env.py', environment: 'fresh-env:1' });
    const done = await final(run.id);
    expect(done.status, done.reason ?? '').toBe('Completed');
    const log = plain(core.runs.log(run.id));
    expect(log).toMatch(/Building [0-9a-f]{32} with venv/);
    expect(log.indexOf('Building')).toBeLessThan(log.indexOf('FROM_ENV=yes'));
    expect(done.buildKey).toMatch(/^[0-9a-f]{32}$/);
  });

  it('resizing the terminal reaches the program', async () => {
    const dir = source({ 'size.py': 'import os\ninput("go? ")\nprint("SIZE", os.get_terminal_size())\n' });
    const run = core.runs.submit({ sourceDirectory: dir, script: 'size.py' });
    await until('Running', () => core.runs.get(run.id).status === 'Running');
    await core.runs.attach(run.id, { id: 'resizer', acknowledges: false, write: () => undefined });
    await until('the prompt', () => plain(core.runs.log(run.id)).includes('go? '));
    core.runs.resize(run.id, 97, 31);
    await new Promise((r) => setTimeout(r, 200));
    core.runs.input(run.id, '\r');
    await final(run.id);
    expect(plain(core.runs.log(run.id))).toContain('SIZE os.terminal_size(columns=97, lines=31)');
  });

  it('a failing script: Failed with its exit code and last lines of output, in the order written', async () => {
    const dir = source({ 'fail.py': 'import sys\nprint("about to fail")\nraise ValueError("bad value")\n' });
    const run = core.runs.submit({ sourceDirectory: dir, script: 'fail.py' });
    const done = await final(run.id);
    expect(done.status).toBe('Failed');
    expect(done.exitCode).toBe(1);
    expect(done.reason).toMatch(/exited with code 1[\s\S]*ValueError: bad value/);
    // stdout is block-buffered in runs, but stderr flushes it first: the traceback comes after the print.
    const log = plain(core.runs.log(run.id));
    expect(log.indexOf('about to fail')).toBeLessThan(log.indexOf('Traceback'));
  });

  it('cancel stops the whole tree: the script and its children', async () => {
    const dir = source({
      'tree.py':
        'import subprocess, sys, time\nchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])\nprint("CHILD", child.pid, flush=True)\ntime.sleep(120)\n',
    });
    const run = core.runs.submit({ sourceDirectory: dir, script: 'tree.py' });
    const childPid = Number(await until('the child pid', () => /CHILD (\d+)/.exec(core.runs.log(run.id))?.[1]));
    core.runs.cancel(run.id);
    const done = await final(run.id);
    expect(done.status).toBe('Canceled');
    expect(done.reason).toMatch(/Canceled/);
    await until(
      'the child to be gone',
      () => !processAlive(childPid) || /State:\s+Z/.test(fs.readFileSync(`/proc/${childPid}/status`, 'utf8')),
      10_000,
    );
  });

  it('a script that forks a child and exits: the run ends with the script, and the child does not outlive it', async () => {
    const dir = source({
      'fork.py':
        'import subprocess, sys\nchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])\nprint("CHILD", child.pid, flush=True)\n',
    });
    const started = Date.now();
    const run = core.runs.submit({ sourceDirectory: dir, script: 'fork.py' });
    const done = await final(run.id);
    expect(done.status).toBe('Completed');
    expect(Date.now() - started).toBeLessThan(30_000);
    const childPid = Number(/CHILD (\d+)/.exec(core.runs.log(run.id))?.[1]);
    await until(
      'the child to be gone',
      () => !processAlive(childPid) || /State:\s+Z/.test(fs.readFileSync(`/proc/${childPid}/status`, 'utf8')),
      10_000,
    );
  });

  it('stdout is a terminal and stays live without flush() (block-buffered, flushed every 50 ms)', async () => {
    const dir = source({
      'quiet.py': 'import sys, time\nprint("isatty", sys.stdout.isatty())\nprint("no flush here")\ntime.sleep(5)\n',
    });
    const run = core.runs.submit({ sourceDirectory: dir, script: 'quiet.py' });
    await until(
      'the unflushed line while the script sleeps',
      () => core.runs.get(run.id).status === 'Running' && plain(core.runs.log(run.id)).includes('no flush here'),
      4_000,
    );
    expect(plain(core.runs.log(run.id))).toContain('isatty True');
    core.runs.cancel(run.id);
    await final(run.id);
  });

  it('takes typed input (input()) through the terminal', async () => {
    const dir = source({ 'ask.py': 'name = input("name? ")\nprint("hello, " + name)\n' });
    const run = core.runs.submit({ sourceDirectory: dir, script: 'ask.py' });
    const seen: string[] = [];
    await until('Running', () => core.runs.get(run.id).status === 'Running');
    const attached = await core.runs.attach(run.id, { id: 'test', acknowledges: false, write: (d) => seen.push(d) });
    expect(attached.live).toBe(true);
    await until('the prompt', () => (attached.replay + seen.join('')).includes('name? '));
    core.runs.input(run.id, 'Ada\r');
    const done = await final(run.id);
    expect(done.status).toBe('Completed');
    expect(plain(core.runs.log(run.id))).toContain('hello, Ada');
  });

  it('a maximum duration cancels the run with the reason', async () => {
    const dir = source({ 'slow.py': 'import time\ntime.sleep(60)\n' });
    const run = core.runs.submit({ sourceDirectory: dir, script: 'slow.py', maxDurationSeconds: 2 });
    const done = await final(run.id);
    expect(done.status).toBe('Canceled');
    expect(done.reason).toMatch(/maximum duration of 2 s/);
  });

  it('binary output, invalid UTF-8 and a 1 MB line do not break the run or its log', async () => {
    const dir = source({
      'noise.py':
        'import sys\nsys.stdout.buffer.write(b"\\xff\\xfe\\x00bin\\n")\nsys.stdout.write("x" * 1000000 + "\\n")\nprint("END")\n',
    });
    const run = core.runs.submit({ sourceDirectory: dir, script: 'noise.py' });
    const done = await final(run.id);
    expect(done.status, `${done.reason}`).toBe('Completed');
    const log = core.runs.log(run.id);
    expect(log).toContain('END');
    expect(log).toContain('x'.repeat(1000));
  });

  it('refuses bad input clearly: missing script or folder, unknown environment, snapshot over the limits', async () => {
    const dir = source({ 'a.py': 'print(1)\n', 'big.bin': 'y'.repeat(3 * 1024 * 1024) });
    expect(() => core.runs.submit({ sourceDirectory: dir, script: 'nope.py' })).toThrow(/Script not found: nope\.py/);
    expect(() => core.runs.submit({ sourceDirectory: '/no/such/dir', script: 'a.py' })).toThrow(
      /Source folder not found/,
    );
    expect(() => core.runs.submit({ sourceDirectory: dir, script: 'a.py', environment: 'nope-env' })).toThrow(
      /No environment named "nope-env"/,
    );
    expect(() => core.runs.submit({ sourceDirectory: dir, script: 'a.py', environment: 'Benchtop-Minimal:9' })).toThrow(
      /has no version 9/,
    );
    let error: Error | null = null;
    try {
      core.runs.submit({ sourceDirectory: dir, script: 'a.py', snapshotMaxMb: 1 });
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(/is 3\.0 MB in 2 files, over the limit of 1\.0 MB/);
    expect((error as { hint?: string }).hint).toMatch(/Largest: big\.bin \(3\.0 MB, 1 file\).*\.amlignore/);
    expect(core.runs.list({}).runs.every((r) => !r.script.endsWith('a.py'))).toBe(true);
  });

  it('a run whose supervisor was killed unseen is marked Failed with the reason', async () => {
    const dir = source({ 'wait.py': 'import time\ntime.sleep(60)\n' });
    const run = core.runs.submit({ sourceDirectory: dir, script: 'wait.py' });
    await until('Running', () => core.runs.get(run.id).status === 'Running');
    const pid = core.runs.store.get(run.id)?.supervisor_pid as number;
    process.kill(pid, 'SIGKILL');
    await until('the supervisor to die', () => !processAlive(pid));
    const after = core.runs.get(run.id);
    expect(after.status).toBe('Failed');
    expect(after.reason).toMatch(/supervisor process is gone/);
  });
});

describe('runs survive the app', () => {
  let serve: ChildProcess | null = null;
  const startServe = (ws: string) =>
    new Promise<{ url: string; port: number; token: string; child: ChildProcess }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'serve', '--no-open', '--port', '0', '--workspace', ws], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+)/.exec(out);
        if (m) resolve({ url: m[0], port: Number(m[1]), token: m[2] as string, child });
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    });
  const connect = (port: number, token: string) => connectApi(port, `?token=${token}`);
  const call = callApi;
  afterAll(() => serve?.kill('SIGKILL'));

  it('keeps running when `benchtop serve` is killed with SIGKILL, and re-attaches live after a restart', async () => {
    const ws = workspace;
    const dir = source({
      'ticks.py': 'import time\nfor i in range(40):\n    print("tick", i, flush=True)\n    time.sleep(0.25)\n',
    });
    const first = await startServe(ws);
    serve = first.child;
    const socket = await connect(first.port, first.token);
    const submitted = await call(socket, 'runs.submit', {
      sourceDirectory: dir,
      script: 'ticks.py',
      experiment: 'survive',
    });
    expect(submitted.ok).toBe(true);
    const runId = (submitted.value as RunSummary).id;
    await until('tick 3', () => plain(core.runs.log(runId)).includes('tick 3'));
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.on('exit', r));
    socket.terminate();
    // The run goes on without its app.
    await new Promise((r) => setTimeout(r, 1000));
    expect(core.runs.get(runId).status).toBe('Running');

    const second = await startServe(ws);
    serve = second.child;
    const again = await connect(second.port, second.token);
    const live: string[] = [];
    again.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as { event?: string; payload?: { runId: string; data: string } };
      if (m.event === 'run.output' && m.payload?.runId === runId) live.push(m.payload.data);
    });
    const attached = await call(again, 'runs.attach', { runId });
    expect(attached.ok).toBe(true);
    const value = attached.value as { replay: string; live: boolean; run: RunSummary };
    expect(value.live).toBe(true);
    expect(value.run.status).toBe('Running');
    expect(plain(value.replay)).toContain('tick 3');
    // New output arrives live over the re-attached terminal.
    await until('live ticks after re-attaching', () => /tick (1\d|2\d|3\d)/.test(plain(live.join(''))), 20_000);
    expect((await final(runId)).status).toBe('Completed');
    again.terminate();
  });
});

describe('run CLI', () => {
  it('submit --show-output streams the output and exits 0 when Completed, 1 when Failed', async () => {
    const ok = source({ 'hello.py': 'import sys\nprint("hello", sys.argv[1:])\n' });
    const r = await runCli(['run', 'submit', '-d', ok, '-s', 'hello.py', '--show-output', '--', 'x y', 'z'], {
      workspace,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(plain(r.stdout)).toContain("hello ['x y', 'z']");
    expect(r.stderr).toMatch(/Completed \(exit code 0\)/);
    const bad = source({ 'bad.py': 'raise SystemExit(2)\n' });
    const f = await runCli(['run', 'submit', '-d', bad, '-s', 'bad.py', '--wait'], { workspace });
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/exited with code 2/);
    const list = JSON.parse((await runCli(['--json', 'run', 'list', '--status', 'Failed'], { workspace })).stdout) as {
      id: string;
      status: string;
    }[];
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((x) => x.status === 'Failed')).toBe(true);
    const missing = await runCli(['run', 'submit', '-d', ok, '-s', 'missing.py'], { workspace });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: Script not found/m);
  });
});
