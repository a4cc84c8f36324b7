// Prepares a machine for `npm test`: what the suites need beyond `npm install`, where it can.
//   As root with apt-get: installs the missing Debian packages (Chromium for the end-to-end
//   tests, docker.io, debootstrap, iproute2 and openssh-server for the Docker suites,
//   python3-venv), starts dockerd for the run when no engine answers (stopped after the tests,
//   by its pid), and makes the base image with scripts/make-base-image.sh (its rootfs is cached).
//   Otherwise: one line naming what is missing and how to get it; those suites skip (CI=true:
//   fail), as without this step.
// One line per thing done, each starting with `prepare:`. BENCHTOP_NO_PREPARE=1 skips it all.
//   node scripts/prepare-test-machine.mjs --dry-run   # what it would do, doing nothing
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { localDocker } from './test-cleanup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** An executable on PATH (or in the sbin folders, which a non-root PATH lacks), or null. */
export function which(name, env = process.env) {
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SBIN];
  for (const dir of dirs) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // Not here.
    }
  }
  return null;
}

function pythonHasVenv() {
  const python = which('python3');
  if (!python) return false;
  return spawnSync(python, ['-c', 'import ensurepip, venv'], { stdio: 'ignore' }).status === 0;
}

/** What the suites need from the system, each with the Debian package that provides it. */
export function components(env = process.env) {
  const chromium = env.BENCHTOP_CHROMIUM ?? '/usr/bin/chromium';
  return [
    {
      name: 'Chromium',
      package: env.BENCHTOP_CHROMIUM ? null : 'chromium', // a browser of one's own is not apt's to install
      hint: `BENCHTOP_CHROMIUM=${env.BENCHTOP_CHROMIUM} does not exist`,
      present: () => fs.existsSync(chromium),
      for: 'the end-to-end tests',
    },
    { name: 'Python venv', package: 'python3-venv', present: pythonHasVenv, for: 'environment builds' },
    {
      name: 'Docker engine',
      package: 'docker.io',
      present: () => Boolean(which('dockerd', env) && which('docker', env)),
      for: 'the Docker suites',
    },
    {
      name: 'debootstrap',
      package: 'debootstrap',
      present: () => Boolean(which('debootstrap', env)),
      for: 'the base image',
    },
    { name: 'ip', package: 'iproute2', present: () => Boolean(which('ip', env)), for: 'the second engine' },
    {
      name: 'sshd',
      package: 'openssh-server',
      present: () => fs.existsSync('/usr/sbin/sshd'),
      for: 'the ssh:// engine test',
    },
  ];
}

/** Whether this process may install packages: root, with apt-get. */
export function canInstall(env = process.env) {
  return process.getuid?.() === 0 && Boolean(which('apt-get', env));
}

/** The one line for missing components that cannot be installed here. */
export function missingLine(missing, { root, apt }) {
  const packages = missing.map((c) => c.package).filter(Boolean);
  const names = missing.map((c) => `${c.name} (${c.for})`).join(', ');
  const hints = missing.filter((c) => !c.package).map((c) => c.hint);
  const how = !packages.length
    ? []
    : !apt
      ? [`install ${packages.join(', ')} with your package manager`]
      : root
        ? [`apt-get install ${packages.join(' ')}`]
        : [`sudo apt-get install ${packages.join(' ')} (or run npm test as root, which does it)`];
  return `prepare: missing ${names}; ${[...how, ...hints].join('; ')}. Their suites skip (with CI=true they fail).`;
}

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ code: -1, output: `${output}${err.message}\n` }));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

const tail = (text, lines = 15) => text.trim().split('\n').slice(-lines).join('\n');

async function aptInstall(packages, log) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = await run('apt-get', ['update', '-qq'], { env });
  if (update.code !== 0)
    log(`prepare: apt-get update failed (installing from the lists there are):\n${tail(update.output)}`);
  const install = await run('apt-get', ['install', '-y', '-qq', ...packages], { env });
  if (install.code !== 0) {
    log(`prepare: apt-get install ${packages.join(' ')} failed:\n${tail(install.output)}`);
    return false;
  }
  for (const p of packages) log(`prepare: installed ${p} (apt)`);
  return true;
}

async function answers(docker) {
  return docker.ping().then(
    () => true,
    () => false,
  );
}

/** The engine's socket is there but this user may not use it. */
function socketDenied(host) {
  const socket = host.slice('unix://'.length);
  if (!fs.existsSync(socket)) return false;
  try {
    fs.accessSync(socket, fs.constants.R_OK | fs.constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts dockerd in its own process group (so Ctrl-C reaches the tests first and the engine is
 * stopped after them), waits until it answers, and returns it with stop(). `options` point it at
 * a socket, data root, exec root and pid file of its own (defaults: the system engine's).
 */
export async function startDockerd({
  socket = '/var/run/docker.sock',
  dataRoot,
  execRoot,
  pidfile,
  extraArgs = [],
  logFile = path.join(os.tmpdir(), 'benchtop-test-dockerd.log'),
  timeoutMs = 60_000,
  log = (line) => console.log(line),
} = {}) {
  const args = [`--host=unix://${socket}`];
  if (dataRoot) args.push(`--data-root=${dataRoot}`);
  if (execRoot) args.push(`--exec-root=${execRoot}`);
  if (pidfile) args.push(`--pidfile=${pidfile}`);
  args.push(...extraArgs);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(which('dockerd') ?? 'dockerd', args, { stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => (gone = true));
  child.once('error', () => (gone = true));
  const docker = localDocker({ DOCKER_HOST: `unix://${socket}` });
  const deadline = Date.now() + timeoutMs;
  while (!gone && Date.now() < deadline && !(await answers(docker))) await sleep(250);
  const stop = async () => {
    if (gone) return;
    child.kill('SIGTERM');
    const stopped = await Promise.race([exited, sleep(30_000).then(() => null)]);
    if (!stopped) {
      child.kill('SIGKILL');
      await exited;
    }
    log(`prepare: stopped dockerd (pid ${child.pid}) after the tests${stopped ? '' : ' (SIGKILL after 30 s)'}`);
  };
  if (gone || !(await answers(docker))) {
    await stop().catch(() => undefined);
    const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    log(`prepare: dockerd did not start (log ${logFile}); the Docker suites skip:\n${tail(text, 4)}`);
    return null;
  }
  log(`prepare: started dockerd (pid ${child.pid}) for the tests; it is stopped after them (log ${logFile})`);
  return { pid: child.pid, docker, stop };
}

/**
 * Does what the suites need and returns { stop } for after them (stops the dockerd it started,
 * if any). `dryRun` only prints what it would do.
 */
export async function prepareTestMachine({
  dryRun = false,
  env = process.env,
  log = (line) => console.log(line),
  interrupted = () => false,
} = {}) {
  const done = { stop: async () => undefined };
  if (env.BENCHTOP_NO_PREPARE === '1') {
    log('prepare: skipped (BENCHTOP_NO_PREPARE=1)');
    return done;
  }
  const say = (line) => log(dryRun ? line.replace(/^prepare: /, 'prepare (dry run): ') : line);
  const all = components(env);
  const isRoot = process.getuid?.() === 0;
  const apt = Boolean(which('apt-get', env));
  const installing = canInstall(env);
  let missing = all.filter((c) => !c.present());
  const packages = [...new Set(missing.map((c) => c.package).filter(Boolean))];
  if (packages.length && installing) {
    if (dryRun) say(`prepare: would install ${packages.join(', ')} (apt)`);
    else {
      await aptInstall(packages, log);
      missing = all.filter((c) => !c.present());
    }
  }
  const unmet = dryRun && installing ? missing.filter((c) => !c.package) : missing;
  if (unmet.length) say(missingLine(unmet, { root: isRoot, apt }));
  const present = all.filter((c) => !missing.includes(c));
  if (present.length) say(`prepare: present: ${present.map((c) => c.name).join(', ')}`);

  // A Docker engine: the one that answers, else one started for this run.
  const host = env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const docker = localDocker(env);
  const dockerd = Boolean(which('dockerd', env)) || (dryRun && installing);
  let engine = Boolean(docker) && (await answers(docker));
  if (engine) say(`prepare: Docker engine answers at ${host}; left as it is`);
  else if (!host.startsWith('unix://')) say(`prepare: DOCKER_HOST=${host} does not answer; the Docker suites skip`);
  else if (!dockerd) say('prepare: no Docker engine (dockerd is not installed); the Docker suites skip');
  else if (socketDenied(host))
    say(
      `prepare: no access to the Docker engine at ${host} (permission denied): join the docker group (sudo usermod -aG docker $USER, then log in again); the Docker suites skip`,
    );
  else if (!isRoot) say(`prepare: no Docker engine answers at ${host}; starting one needs root (sudo dockerd)`);
  else if (dryRun) say(`prepare: would start dockerd on ${host} for the tests and stop it after them`);
  else if (interrupted()) return done;
  else {
    const started = await startDockerd({ socket: host.slice('unix://'.length), log });
    if (started) {
      engine = true;
      done.stop = started.stop;
    }
  }

  // The base image the Docker suites build on (scripts/make-base-image.sh caches its rootfs).
  const tag = env.BENCHTOP_TEST_BASE_IMAGE ?? 'benchtop/base:bookworm-python';
  const cache = env.BENCHTOP_BASE_CACHE ?? '/var/cache/benchtop';
  const hasBase =
    engine &&
    (await docker
      .getImage(tag)
      .inspect()
      .then(
        () => true,
        () => false,
      ));
  if (hasBase) say(`prepare: base image ${tag} present`);
  else if (dryRun && !engine && dockerd && isRoot)
    say(
      `prepare: would make base image ${tag} once the engine runs (scripts/make-base-image.sh, rootfs cached in ${cache})`,
    );
  else if (!engine) {
    // No engine: said above.
  } else if (!isRoot || !(which('debootstrap', env) || (dryRun && installing)))
    say(`prepare: base image ${tag} missing; make it as root: bash scripts/make-base-image.sh (needs debootstrap)`);
  else if (dryRun) say(`prepare: would make base image ${tag} (scripts/make-base-image.sh, rootfs cached in ${cache})`);
  else if (interrupted()) return done;
  else {
    const made = await run('bash', [path.join(root, 'scripts', 'make-base-image.sh'), tag], {
      env: { ...process.env, ...env },
    });
    if (made.code === 0) log(`prepare: made base image ${tag} (scripts/make-base-image.sh, rootfs cached in ${cache})`);
    else log(`prepare: making base image ${tag} failed; the Docker suites skip:\n${tail(made.output)}`);
  }
  return done;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dryRun = process.argv.includes('--dry-run');
  const prepared = await prepareTestMachine({ dryRun });
  // On its own (not under npm test) an engine started only to make the base image is stopped again.
  await prepared.stop();
}
