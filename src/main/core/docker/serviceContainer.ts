import crypto from 'node:crypto';
import type Docker from 'dockerode';
import { BenchtopError } from '../../../shared/errors';
import type { DockerEngine } from './dockerEngine';
import { containerBase, remapPath } from './dockerArguments';
import { CONTAINER_RUNTIME_DIR } from './dockerfile';
import { engineError } from './engine';

/** The port the scoring server listens on inside its container (published on 127.0.0.1:<service port>). */
const INNER_PORT = 5001;

export interface ServiceContainerSpec {
  name: string;
  workspace: string;
  image: string;
  python: string;
  /** Arguments of `python -m benchtop.serving` (host paths; the service folder is mounted at its own path). */
  args: string[];
  serviceDir: string;
  runtimeDir: string;
  env: Record<string, string>;
  port: number;
  log: string;
  docker: { arguments?: string[]; shmSize?: unknown };
}

/** One container name per workspace and service, so a second workspace's service of the same name does not clash. */
export function serviceContainerName(workspace: string, name: string): string {
  return `benchtop-svc-${name}-${crypto.createHash('sha1').update(workspace).digest('hex').slice(0, 8)}`;
}

/**
 * Starts the scoring server in a container from the environment's image: the service's
 * folder (app/, the model files, the log, the status file) bind-mounted at its own path,
 * the runtime read-only, the server's port published on 127.0.0.1 only. Labels name the
 * workspace and the service so they are found again after the app restarts.
 */
export async function startServiceContainer(engine: DockerEngine, spec: ServiceContainerSpec): Promise<string> {
  const { docker, address, call } = engine.client();
  if (!address.local) {
    throw new BenchtopError(
      'UNSUPPORTED',
      `Container services need a local Docker engine (the service's files are mounted), and ${address.url} is remote.`,
      'Deploy with --target local, or switch to the local engine (benchtop docker engine local) for services.',
    );
  }
  const base = await containerBase(spec.docker, { ...address, runtimes: () => engine.runtimes() });
  const hostConfig: Docker.HostConfig = {
    ...base.hostConfig,
    Binds: [`${spec.serviceDir}:${spec.serviceDir}`, `${spec.runtimeDir}:${CONTAINER_RUNTIME_DIR}:ro`],
    PortBindings: { [`${INNER_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(spec.port) }] },
  };
  const inside = (value: string) => remapPath(value, spec.runtimeDir, CONTAINER_RUNTIME_DIR);
  const args = withInnerAddress(spec.args.map(inside));
  const env = {
    ...Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, inside(v)])),
    PYTHONPATH: CONTAINER_RUNTIME_DIR,
    HOME: '/tmp',
    BENCHTOP_SERVICE_LOG: spec.log,
    PYTHONUNBUFFERED: '1',
  };
  const containerName = serviceContainerName(spec.workspace, spec.name);
  // A container left from an earlier start (a crash, a restart) of this service goes first.
  await docker
    .getContainer(containerName)
    .remove({ force: true })
    .catch(() => undefined);
  const container = await call((d) =>
    d.createContainer({
      name: containerName,
      Image: spec.image,
      Entrypoint: [],
      // Everything the server and the user's init() print goes to the service's log, as for a process.
      Cmd: ['sh', '-c', 'exec "$0" -m benchtop.serving "$@" >>"$BENCHTOP_SERVICE_LOG" 2>&1', spec.python, ...args],
      WorkingDir: spec.serviceDir,
      Env: [...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...base.env],
      ExposedPorts: { [`${INNER_PORT}/tcp`]: {} },
      ...(base.user ? { User: base.user } : {}),
      Labels: {
        'benchtop.kind': 'service',
        'benchtop.service': spec.name,
        'benchtop.workspace': spec.workspace,
        'benchtop.port': String(spec.port),
      },
      HostConfig: hostConfig,
    }),
  );
  try {
    await container.start();
  } catch (err) {
    await container.remove({ force: true }).catch(() => undefined);
    const message = (err as { json?: { message?: string } }).json?.message ?? (err as Error).message;
    if (/port is already allocated|address already in use/i.test(message)) {
      throw new BenchtopError(
        'BAD_INPUT',
        `Port ${spec.port} is already in use.`,
        'Choose another port, or leave --port out to get a free one.',
      );
    }
    throw engineError(err, address);
  }
  return container.id;
}

/** The server is inside a container: it listens on every interface there, on the inner port. */
function withInnerAddress(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port' || args[i] === '--host') {
      i++;
      continue;
    }
    out.push(args[i] as string);
  }
  return [...out, '--host', '0.0.0.0', '--port', String(INNER_PORT)];
}

/** A container's state: null when it is gone, 'unknown' when the engine cannot be asked. */
export async function containerState(
  engine: DockerEngine,
  id: string,
): Promise<{ running: boolean; exitCode: number; oomKilled: boolean } | null | 'unknown'> {
  const { docker } = engine.client();
  try {
    const info = await docker.getContainer(id).inspect();
    return {
      running: info.State.Running === true,
      exitCode: info.State.ExitCode,
      oomKilled: info.State.OOMKilled === true,
    };
  } catch (err) {
    return (err as { statusCode?: number }).statusCode === 404 ? null : 'unknown';
  }
}

export async function containerRunning(engine: DockerEngine, id: string): Promise<boolean> {
  const { docker } = engine.client();
  return docker
    .getContainer(id)
    .inspect()
    .then(
      (info) => info.State.Running === true,
      () => false,
    );
}

export async function signalContainer(engine: DockerEngine, id: string, signal: string): Promise<void> {
  const { docker, address } = engine.client();
  await docker
    .getContainer(id)
    .kill({ signal })
    .catch((err: unknown) => {
      throw engineError(err, address);
    });
}

/** `docker stop` (SIGTERM: the server drains and stops its workers; SIGKILL after the grace period), then remove. */
export async function removeServiceContainer(engine: DockerEngine, id: string, graceSeconds = 10): Promise<void> {
  const { docker } = engine.client();
  const container = docker.getContainer(id);
  await container.stop({ t: graceSeconds }).catch(() => undefined);
  await container.remove({ force: true }).catch(() => undefined);
}

/** Benchtop's service containers for a workspace, by label (how services are found again after a restart). */
export async function listServiceContainers(
  engine: DockerEngine,
  workspace: string,
): Promise<{ id: string; service: string; running: boolean }[]> {
  const { call } = engine.client();
  const list = await call((d) =>
    d.listContainers({ all: true, filters: { label: ['benchtop.kind=service', `benchtop.workspace=${workspace}`] } }),
  );
  return list.map((c) => ({ id: c.Id, service: c.Labels['benchtop.service'] ?? '', running: c.State === 'running' }));
}
