import fs from 'node:fs';
import type { ServiceRecord } from '../../../shared/api/serviceTypes';
import { type ProbeAnswer, probeHealth } from './serviceProcess';

/** What the scoring server's main process writes to services/<name>/status.json (serving/__main__.py). */
export interface ServerStatus {
  state: 'starting' | 'running' | 'degraded' | 'failed' | 'reloading' | 'stopped';
  pid: number;
  error: string | null;
  /** Workers serving, of how many. */
  serving?: number;
  workers?: number;
  /** Reloads (SIGHUP) handled so far and how the last one went. */
  reload?: { count: number; ok: boolean; error: string | null };
  t: number;
}

export function readServerStatus(file: string): ServerStatus | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ServerStatus;
  } catch {
    return null;
  }
}

/**
 * GET / answers as soon as one worker serves; the start is over when the server says every worker is
 * ready ('started'), or that one failed, or it is gone ('exited').
 */
export async function waitStarted(
  statusFile: string,
  alive: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<'started' | 'exited' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = readServerStatus(statusFile)?.state;
    if (state === 'failed' || state === 'stopped' || !(await alive())) return 'exited';
    if (state !== 'starting') return 'started';
    await new Promise((r) => setTimeout(r, 25));
  }
  return 'timeout';
}

const PROBE_TIMEOUT_MS = 1000;

/**
 * The state of a service whose server runs, from the server's own status and a GET /: a server whose
 * workers are dead, restarting or hung reads `degraded` or `failed` with the reason, not `running`.
 * Null when it is healthy.
 */
export async function liveHealth(
  service: ServiceRecord,
  statusFile: string,
  probe: (port: number, timeoutMs: number) => Promise<ProbeAnswer> = probeHealth,
): Promise<{ state: 'degraded' | 'failed'; error: string } | null> {
  const status = readServerStatus(statusFile);
  // A container's server has its own pid namespace; a local one's file must be from the process we started.
  const own = status && (service.target === 'docker' || status.pid === service.pid) ? status : null;
  const answer = await probe(service.port, PROBE_TIMEOUT_MS);
  const logs = `See why: benchtop service logs ${service.name}`;
  if (own?.state === 'failed') return { state: 'failed', error: `${own.error ?? 'No worker is serving.'} ${logs}` };
  if ('status' in answer && answer.status === 200)
    return own?.state === 'degraded' ? { state: 'degraded', error: `${own.error ?? ''} ${logs}`.trim() } : null;
  const why =
    'status' in answer
      ? `GET / on port ${service.port} answered ${answer.status}`
      : answer.failure === 'timeout'
        ? `GET / on port ${service.port} did not answer within ${PROBE_TIMEOUT_MS / 1000} s (workers busy or hung)`
        : answer.failure === 'refused'
          ? `nothing accepts connections on port ${service.port}`
          : `GET / on port ${service.port} failed (${answer.message})`;
  const server = service.pid ? `server process (pid ${service.pid})` : 'container';
  const reason =
    own?.state === 'degraded' && own.error ? `${own.error} And ${why}.` : `The ${server} runs, but ${why}.`;
  return {
    state: 'status' in answer || answer.failure !== 'refused' ? 'degraded' : 'failed',
    error: `${reason} ${logs}, or restart it: benchtop service update ${service.name}`,
  };
}
