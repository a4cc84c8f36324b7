// What a test run leaves behind, and its removal. A run gets its own temporary folder (TMPDIR
// for the suites, so every workspace, venv, socket and temp file of the run is inside it) and a
// marker in the environment of every process it starts (BENCHTOP_TEST_RUN_DIR). At the end:
// processes carrying the marker are stopped (by pid), Benchtop containers of the run's
// workspaces and `benchtop/env:*` images that were not there at the start are removed, mounts
// under the folder are unmounted and the folder is deleted. Used by scripts/test.mjs (which also
// runs it after Ctrl-C) and by test/globalSetup.ts when vitest is started on its own.
// BENCHTOP_TEST_KEEP=1 keeps everything (the folder is printed) for a look after a failure.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
export const RUN_MARKER = 'BENCHTOP_TEST_RUN_DIR';
export const ENV_IMAGE_REPOSITORY = 'benchtop/env';

/** The engine the suites use (test/helpers/docker.ts's localDocker), or null without dockerode. */
export function localDocker(env = process.env) {
  let Docker;
  try {
    Docker = require('dockerode');
  } catch {
    return null;
  }
  const host = env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (!host.startsWith('unix://')) return null; // the suites only use a local socket
  return new Docker({ socketPath: host.slice('unix://'.length), timeout: 15_000 });
}

async function engineAnswers(docker) {
  if (!docker) return false;
  return docker.ping().then(
    () => true,
    () => false,
  );
}

/** `benchtop/env:*` tags in an image list (the engine's /images/json). */
export function envImageTags(images) {
  return images
    .flatMap((image) => image.RepoTags ?? [])
    .filter((tag) => tag.startsWith(`${ENV_IMAGE_REPOSITORY}:`))
    .sort();
}

/** The env image tags to remove: there now, not there when the run started. */
export function newEnvImages(before, images) {
  const had = new Set(before);
  return envImageTags(images).filter((tag) => !had.has(tag));
}

function inside(dir, file) {
  const relative = path.relative(dir, file);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/**
 * Benchtop's containers (label benchtop.kind) that the run created: not there at the start, and
 * either of a workspace inside the run's folder or, without a workspace label (engine probes),
 * created after the run started and no longer running.
 */
export function leftoverContainers(run, containers) {
  const had = new Set(run.containers);
  return containers.filter((c) => {
    const labels = c.Labels ?? {};
    if (!labels['benchtop.kind'] || had.has(c.Id)) return false;
    const workspace = labels['benchtop.workspace'];
    if (workspace) return inside(run.dir, workspace);
    return c.Created * 1000 >= run.startedAt - 1000 && c.State !== 'running';
  });
}

/** Pids whose environment carries this run's marker (every process the run started, however detached). */
export function markedProcesses(dir, procRoot = '/proc', self = process.pid) {
  const marker = `${RUN_MARKER}=${dir}`;
  const found = [];
  let entries = [];
  try {
    entries = fs.readdirSync(procRoot);
  } catch {
    return found; // no /proc (not Linux)
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name) || Number(name) === self) continue;
    let environ;
    try {
      environ = fs.readFileSync(path.join(procRoot, name, 'environ'), 'latin1');
    } catch {
      continue; // gone, or another user's
    }
    if (!environ.split('\0').includes(marker)) continue;
    let cmdline = '';
    try {
      cmdline = fs
        .readFileSync(path.join(procRoot, name, 'cmdline'), 'latin1')
        .split('\0')
        .filter(Boolean)
        .join(' ');
    } catch {
      continue;
    }
    if (isZombie(Number(name), procRoot) || cmdline.includes('/vitest/')) continue; // not vitest's own workers
    found.push({ pid: Number(name), cmdline });
  }
  return found;
}

function isZombie(pid, procRoot = '/proc') {
  try {
    const stat = fs.readFileSync(path.join(procRoot, String(pid), 'stat'), 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true; // gone
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !isZombie(pid);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops processes by pid: SIGTERM, then SIGKILL for those still there after `graceMs`. */
export async function stopPids(pids, graceMs = 5000) {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await sleep(100);
  const killed = pids.filter(alive);
  for (const pid of killed) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  return killed;
}

/** Mount points inside `dir`, deepest first (tmpfs of the disk-full test, a second dockerd's overlays). */
export function mountsInside(dir, mountsText) {
  return mountsText
    .split('\n')
    .map((line) => line.split(' ')[1])
    .filter(Boolean)
    .map((point) => point.replace(/\\(\d{3})/g, (_m, octal) => String.fromCharCode(parseInt(octal, 8))))
    .filter((point) => inside(dir, point))
    .sort((a, b) => b.length - a.length);
}

/** Starts a run: its folder and what the engine holds now. */
export async function snapshotTestRun({ env = process.env } = {}) {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'btt-'));
  const run = { dir, startedAt: Date.now(), engine: false, images: [], containers: [] };
  const docker = localDocker(env);
  if (await engineAnswers(docker)) {
    run.engine = true;
    run.images = envImageTags(await docker.listImages());
    run.containers = (await docker.listContainers({ all: true })).map((c) => c.Id);
  }
  return run;
}

/** The environment the suites run with: the run's folder as TMPDIR, and the marker. */
export function runEnvironment(run) {
  return { TMPDIR: run.dir, TMP: run.dir, TEMP: run.dir, [RUN_MARKER]: run.dir };
}

/** Removes what the run left; one line per kind of thing removed. Safe to call twice. */
export async function cleanupTestRun(run, { env = process.env, log = (line) => console.log(line) } = {}) {
  if (!run || run.cleaned) return;
  run.cleaned = true;
  if (env.BENCHTOP_TEST_KEEP === '1') {
    log(`cleanup: kept everything (BENCHTOP_TEST_KEEP=1): ${run.dir}`);
    return;
  }
  const processes = markedProcesses(run.dir);
  if (processes.length) {
    // A second dockerd's bridge goes with it (test/helpers/docker.ts's startSecondEngine).
    const bridges = processes.flatMap((p) => /(?:^|\/)dockerd\b.*--bridge (btr\d+)/.exec(p.cmdline)?.[1] ?? []);
    const killed = await stopPids(processes.map((p) => p.pid));
    log(
      `cleanup: stopped ${processes.length} process(es) the tests left running` +
        ` (${processes.map((p) => `${p.pid} ${p.cmdline.slice(0, 60)}`).join('; ')})` +
        (killed.length ? `, ${killed.length} needed SIGKILL` : ''),
    );
    for (const bridge of bridges) {
      try {
        execFileSync('ip', ['link', 'delete', bridge], { stdio: 'ignore' });
        log(`cleanup: deleted bridge ${bridge} of a second dockerd`);
      } catch {
        // Already gone.
      }
    }
  }
  const docker = localDocker(env);
  if (run.engine && (await engineAnswers(docker))) {
    const containers = leftoverContainers(run, await docker.listContainers({ all: true }));
    const removed = [];
    for (const c of containers) {
      await docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .then(
          () => removed.push(c.Names?.[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12)),
          (err) => log(`cleanup: could not remove container ${c.Id.slice(0, 12)}: ${err.message}`),
        );
    }
    if (removed.length) log(`cleanup: removed ${removed.length} container(s): ${removed.join(', ')}`);
    const images = newEnvImages(run.images, await docker.listImages());
    const gone = [];
    for (const tag of images) {
      await docker
        .getImage(tag)
        .remove()
        .then(
          () => gone.push(tag),
          (err) => log(`cleanup: kept image ${tag}: ${err.json?.message ?? err.message}`),
        );
    }
    if (gone.length) log(`cleanup: removed ${gone.length} image(s) the tests built: ${gone.join(', ')}`);
  }
  let mounts = [];
  try {
    mounts = mountsInside(run.dir, fs.readFileSync('/proc/self/mounts', 'utf8'));
  } catch {
    // Not Linux.
  }
  for (const point of mounts) {
    try {
      execFileSync('umount', ['-l', point], { stdio: 'ignore' });
      log(`cleanup: unmounted ${point}`);
    } catch {
      log(`cleanup: could not unmount ${point}`);
    }
  }
  try {
    fs.rmSync(run.dir, { recursive: true, force: true, maxRetries: 3 });
    log(`cleanup: removed the run's temporary folder ${run.dir}`);
  } catch (err) {
    log(`cleanup: could not remove all of ${run.dir}: ${err.message}`);
  }
}
