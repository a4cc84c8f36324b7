import fs from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { DockerEngine } from './dockerEngine';
import { containerBase, remapPath } from './dockerArguments';
import { applyAssignedGpus, explainGpuFailure } from './gpuRequests';
import { CONTAINER_RUNTIME_DIR } from './dockerfile';
import { engineError } from './engine';
import { tarFs } from './lazyModules';
import { RemoteEventsSync } from './remoteEvents';

/** Where a run's folder is inside containers on a remote engine (a local engine mounts it at its own path). */
export const REMOTE_RUN_DIR = '/benchtop/run';

export interface ContainerRunSpec {
  image: string;
  python: string;
  script: string;
  args: string[];
  runId: string;
  workspace: string;
  runDir: string;
  runtimeDir: string;
  /** The environment's variables and Benchtop's run variables (paths given for the host; remapped on a remote engine). */
  env: Record<string, string>;
  docker: { arguments?: string[]; shmSize?: unknown };
  size: { cols: number; rows: number };
  /** Local engine: host folders bound read-only at their own paths (the blob store, mounted dataset inputs). */
  readOnlyPaths?: string[];
  /** The run's dataset input folders: copied in on a remote engine, and never copied back over the host's. */
  inputFolders?: string[];
  /** GPU indices the queue gave the run (device requests); null or absent: none requested. */
  gpus?: number[] | null;
}

/** The running container, driven like a pty: input, resize, pause/resume (flow control) and stop. */
export interface ContainerTerminal {
  write(data: string): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
}

export interface ContainerExit {
  exitCode: number;
  oomKilled: boolean;
  memoryLimit: number | null;
}

/**
 * A run's script in a container with a terminal attached. On a local engine the run's folder
 * is bind-mounted at its own path (metrics and outputs live, as for a process) and the
 * runtime read-only; on a remote engine both are copied in before the start and the run's
 * folder is copied back at the end.
 */
export async function runInContainer(
  engine: DockerEngine,
  spec: ContainerRunSpec,
  write: (data: string) => void,
  signal: AbortSignal,
  onStart: (terminal: ContainerTerminal) => void,
): Promise<ContainerExit> {
  const { address, call } = engine.client();
  const options = await runContainerOptions(spec, { ...address, runtimes: () => engine.runtimes() });
  const container = await call((d) => d.createContainer(options));
  const memoryLimit = options.HostConfig?.Memory ?? null;
  let events: RemoteEventsSync | null = null;
  try {
    // A local engine writes the host's events file itself (bind mount); a remote one's are fetched while it runs.
    if (!address.local)
      events = new RemoteEventsSync(
        container,
        `${REMOTE_RUN_DIR}/events.jsonl`,
        spec.runDir,
        await copyIn(container, spec),
      );
    const stream = (await call(() =>
      container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }),
    )) as Duplex;
    const ended = new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => write(chunk.toString('utf8')));
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
      stream.on('error', () => resolve());
    });
    await call(() => container.start());
    events?.start();
    await container.resize({ h: spec.size.rows, w: spec.size.cols }).catch(() => undefined);
    onStart({
      write: (data) => stream.write(data),
      resize: (cols, rows) => void container.resize({ h: rows, w: cols }).catch(() => undefined),
      pause: () => stream.pause(),
      resume: () => stream.resume(),
    });
    const stop = () => void stopContainer(container);
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    const { StatusCode } = (await call(() => container.wait())) as { StatusCode: number };
    signal.removeEventListener('abort', stop);
    await Promise.race([ended, new Promise((r) => setTimeout(r, 1000))]);
    const state = (await container.inspect()).State as { OOMKilled?: boolean };
    if (events) await copyOut(container, spec.runDir, spec.inputFolders ?? [], await events.stop());
    return { exitCode: StatusCode, oomKilled: state.OOMKilled === true, memoryLimit };
  } catch (err) {
    throw engineError(explainGpuFailure(err, address.url, spec.gpus), address);
  } finally {
    await events?.stop();
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * The engine's create options for a run's container: the environment's resources, the queue's GPUs, and the run's
 * folder bound (local engine) or at REMOTE_RUN_DIR (copied in and out on a remote one).
 */
export async function runContainerOptions(
  spec: ContainerRunSpec,
  engine: { url: string; local: boolean; runtimes: () => Promise<string[]> },
): Promise<Docker.ContainerCreateOptions> {
  const { hostConfig, env: extraEnv, user } = await containerBase(spec.docker, engine);
  applyAssignedGpus(hostConfig, spec.gpus);
  const runDir = engine.local ? spec.runDir : REMOTE_RUN_DIR;
  const remap = (value: string) => (engine.local ? value : remapPath(value, spec.runDir, REMOTE_RUN_DIR));
  const env = {
    ...Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, remap(v)])),
    PYTHONPATH: CONTAINER_RUNTIME_DIR,
    HOME: '/tmp',
    TERM: 'xterm-256color',
  };
  if (engine.local) {
    hostConfig.Binds = [
      `${spec.runDir}:${spec.runDir}`,
      `${spec.runtimeDir}:${CONTAINER_RUNTIME_DIR}:ro`,
      ...(spec.readOnlyPaths ?? []).map((p) => `${p}:${p}:ro`),
    ];
  }
  return {
    name: runContainerName(spec.runId),
    Image: spec.image,
    Entrypoint: [],
    Cmd: [spec.python, spec.script, ...spec.args],
    WorkingDir: path.posix.join(runDir, 'work'),
    Env: [...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...extraEnv],
    Tty: true,
    OpenStdin: true,
    StdinOnce: false,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    ...(user ? { User: user } : {}),
    Labels: { 'benchtop.kind': 'run', 'benchtop.run': spec.runId, 'benchtop.workspace': spec.workspace },
    HostConfig: hostConfig,
  };
}

const runContainerName = (runId: string) => `benchtop-run-${runId}`.replace(/[^a-zA-Z0-9_.-]/g, '-');

/** Removes a run's container (its supervisor died): best effort, the engine may be down. */
export async function removeRunContainer(engine: DockerEngine, runId: string): Promise<void> {
  const { docker } = engine.client();
  await docker
    .getContainer(runContainerName(runId))
    .remove({ force: true })
    .catch(() => undefined);
}

/** Ctrl-C first (Python raises KeyboardInterrupt), then `docker stop` (SIGTERM, SIGKILL after 5 s). */
async function stopContainer(container: Docker.Container): Promise<void> {
  await container.kill({ signal: 'SIGINT' }).catch(() => undefined);
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    const running = await container.inspect().then(
      (i) => i.State.Running,
      () => false,
    );
    if (!running) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  await container.stop({ t: 5 }).catch(() => undefined);
}

/**
 * The working copy and the runtime, copied into a container on a remote engine before it starts, and the run's
 * events so far (a sweep's hyperparameters tag): the script appends to them as on the host. Returns how many
 * bytes of events went in, so copyOut brings back only what the container added.
 */
async function copyIn(container: Docker.Container, spec: ContainerRunSpec): Promise<number> {
  const tar = tarFs();
  // Inputs outside the working copy (inputs/NAME) travel with it; the ones under work/ are in it already.
  const inputs = fs.existsSync(path.join(spec.runDir, 'inputs')) ? ['inputs'] : [];
  const events = fs.existsSync(path.join(spec.runDir, EVENTS)) ? [EVENTS] : [];
  let eventsBytes = 0;
  const pack = tar.pack(spec.runDir, {
    entries: ['work', ...inputs, ...events],
    map: (header) => {
      // The size tar read is exactly what went in, even if the host appends meanwhile.
      if (header.name === EVENTS) eventsBytes = header.size ?? 0;
      return { ...header, name: path.posix.join(REMOTE_RUN_DIR.slice(1), header.name), uid: 0, gid: 0 };
    },
  });
  await container.putArchive(pack, { path: '/' });
  const runtime = tar.pack(spec.runtimeDir, {
    ignore: (name) => name.includes('__pycache__'),
    map: (header) => ({
      ...header,
      name: path.posix.join(CONTAINER_RUNTIME_DIR.slice(1), header.name),
      uid: 0,
      gid: 0,
    }),
  });
  await container.putArchive(runtime, { path: '/' });
  return eventsBytes;
}

/**
 * The run's folder in the container (work/outputs, logs, uploaded files) copied back into the run's folder. The
 * events are appended, not replaced: readers (the supervisor, a sweep's policy) keep their place in the host's
 * file, and what the host wrote meanwhile stays.
 */
async function copyOut(
  container: Docker.Container,
  runDir: string,
  inputFolders: string[],
  eventsOnHost: number,
): Promise<void> {
  const isInput = (name: string) => inputFolders.some((f) => name === f || name.startsWith(f + path.sep));
  const tar = tarFs();
  const archive = (await container.getArchive({ path: `${REMOTE_RUN_DIR}/.` })) as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    const extract = tar.extract(runDir, {
      map: (header) => {
        const name = header.name.replace(/^\.\/?/, '');
        return { ...header, name: name === EVENTS ? EVENTS_FROM_CONTAINER : name };
      },
      ignore: (name) => !path.resolve(name).startsWith(path.resolve(runDir)) || isInput(path.resolve(name)),
    });
    archive.pipe(extract);
    extract.on('finish', () => resolve());
    extract.on('error', reject);
  });
  appendContainerEvents(runDir, eventsOnHost);
  fs.mkdirSync(path.join(runDir, 'work'), { recursive: true });
}

const EVENTS = 'events.jsonl';
const EVENTS_FROM_CONTAINER = 'events.jsonl.from-container';

/** Appends the events the container added (after the bytes the host has) to the host's events file. */
export function appendContainerEvents(runDir: string, eventsOnHost: number): void {
  const fromContainer = path.join(runDir, EVENTS_FROM_CONTAINER);
  if (!fs.existsSync(fromContainer)) return;
  const all = fs.readFileSync(fromContainer);
  const added = all.subarray(Math.min(eventsOnHost, all.length));
  if (added.length > 0) fs.appendFileSync(path.join(runDir, EVENTS), added);
  fs.rmSync(fromContainer, { force: true });
}
