import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { BenchtopError } from '../../../shared/errors';
import { Dockerode } from './lazyModules';

/** Where the engine is and how to reach it; `local` engines share this machine's files (bind mounts). */
export interface EngineAddress {
  url: string;
  local: boolean;
  options: Docker.DockerOptions;
}

const DEFAULT_SOCKET = process.platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';

/** The engine a setting names: null means DOCKER_HOST, else the default socket. */
export function engineAddress(setting: string | null, env: NodeJS.ProcessEnv = process.env): EngineAddress {
  const url = (setting?.trim() || env.DOCKER_HOST || DEFAULT_SOCKET).trim();
  if (url.startsWith('unix://'))
    return { url, local: true, options: { socketPath: url.slice('unix://'.length) || '/var/run/docker.sock' } };
  if (url.startsWith('npipe://')) return { url, local: true, options: { socketPath: url.slice('npipe://'.length) } };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badAddress(url);
  }
  if (parsed.protocol === 'tcp:' || parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    const tls = parsed.protocol === 'https:' || parsed.port === '2376';
    return {
      url,
      local: false,
      options: {
        host: parsed.hostname,
        port: Number(parsed.port || (tls ? 2376 : 2375)),
        protocol: tls ? 'https' : 'http',
      },
    };
  }
  if (parsed.protocol === 'ssh:') {
    return {
      url,
      local: false,
      options: {
        protocol: 'ssh',
        host: parsed.hostname,
        port: Number(parsed.port || 22),
        username: decodeURIComponent(parsed.username) || os.userInfo().username,
        sshOptions: { agent: env.SSH_AUTH_SOCK, privateKey: env.SSH_AUTH_SOCK ? undefined : defaultPrivateKey() },
      } as Docker.DockerOptions,
    };
  }
  throw badAddress(url);
}

function badAddress(url: string): BenchtopError {
  return new BenchtopError(
    'BAD_INPUT',
    `"${url}" is not a Docker engine address.`,
    'Use unix:///var/run/docker.sock, tcp://HOST:2375 or ssh://USER@HOST (Settings -> Docker engine).',
  );
}

function defaultPrivateKey(): Buffer | undefined {
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const file = path.join(os.homedir(), '.ssh', name);
    if (fs.existsSync(file)) return fs.readFileSync(file);
  }
  return undefined;
}

/** A dockerode client for an address; every call's connection errors become ENGINE_UNAVAILABLE through `engineError`. */
export function connect(address: EngineAddress): Docker {
  const Docker = Dockerode();
  return new Docker({ ...address.options, timeout: undefined });
}

/** Turns a failed call into an error that says whether the engine is down, unreachable or said no, and what to do. */
export function engineError(err: unknown, address: EngineAddress): BenchtopError {
  if (err instanceof BenchtopError) return err;
  const e = err as NodeJS.ErrnoException & { statusCode?: number; json?: { message?: string } };
  const where = address.url;
  const settingsHint = 'Or choose another engine in Settings -> Docker engine (or `benchtop docker status` to check).';
  if (e.code === 'ENOENT' && address.local) {
    return new BenchtopError(
      'ENGINE_UNAVAILABLE',
      `No Docker engine is running at ${where} (the socket does not exist).`,
      `Start Docker (e.g. \`sudo systemctl start docker\`, or \`dockerd &\`). ${settingsHint}`,
    );
  }
  if (e.code === 'ECONNREFUSED') {
    return address.local
      ? new BenchtopError(
          'ENGINE_UNAVAILABLE',
          `The Docker engine at ${where} is not running (connection refused).`,
          `Start Docker (e.g. \`sudo systemctl start docker\`). ${settingsHint}`,
        )
      : new BenchtopError(
          'ENGINE_UNAVAILABLE',
          `The Docker engine at ${where} refused the connection.`,
          `Check that dockerd listens there (dockerd -H ${where}) and that a firewall lets it through. ${settingsHint}`,
        );
  }
  if (e.code === 'EACCES') {
    return new BenchtopError(
      'ENGINE_UNAVAILABLE',
      `Permission denied on the Docker socket ${where}.`,
      'Add your user to the "docker" group (then log in again), or run a rootless Docker.',
    );
  }
  if (e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH' || e.code === 'ETIMEDOUT' || e.code === 'ECONNRESET') {
    return new BenchtopError(
      'ENGINE_UNAVAILABLE',
      `The Docker engine at ${where} cannot be reached (${e.code}).`,
      `Check the address and the network to that machine. ${settingsHint}`,
    );
  }
  if (/authentication|All configured authentication methods failed/i.test(e.message ?? '')) {
    return new BenchtopError(
      'ENGINE_UNAVAILABLE',
      `SSH to ${where} failed: ${e.message}`,
      'Load your key into ssh-agent (ssh-add) or put it in ~/.ssh; the user must be allowed to run docker there.',
    );
  }
  const message = e.json?.message ?? e.message ?? String(err);
  return new BenchtopError(
    'INTERNAL',
    `The Docker engine at ${where} said: ${message.trim()}`,
    "See the engine's log (journalctl -u docker) if this persists.",
  );
}

/** Runs one engine call, mapping connection failures to clear errors. */
export async function engineCall<T>(address: EngineAddress, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw engineError(err, address);
  }
}
