import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { ResolvedRunInput } from '../datasets/runInputs';

/** Messages on a run supervisor's socket, one JSON object per line. */
export type ToSupervisor =
  | { t: 'attach' }
  | { t: 'input'; data: string }
  | { t: 'resize'; cols: number; rows: number }
  | { t: 'pause' }
  | { t: 'resume' }
  | { t: 'cancel' };

export type FromSupervisor =
  { t: 'replay'; data: string; truncated: boolean } | { t: 'output'; data: string } | { t: 'end'; status: string };

/** A short, per-run socket path (Unix sockets allow ~100 characters; workspace paths can be long). */
export function supervisorSocketPath(runDir: string): string {
  const id = createHash('sha1').update(path.resolve(runDir)).digest('hex').slice(0, 20);
  return process.platform === 'win32' ? `\\\\.\\pipe\\benchtop-${id}` : path.join(os.tmpdir(), `benchtop-${id}.sock`);
}

/** Splits a stream into JSON lines. */
export function lineReader<T>(onMessage: (message: T) => void): (chunk: Buffer) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk.toString('utf8');
    let index: number;
    while ((index = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, index);
      buffer = buffer.slice(index + 1);
      if (!line) continue;
      try {
        onMessage(JSON.parse(line) as T);
      } catch {
        // Not ours; ignore.
      }
    }
  };
}

export interface RunSpec {
  runId: string;
  experiment: string;
  script: string;
  arguments: string[];
  environment: { name: string; version: string };
  maxDurationSeconds: number | null;
  /** Where the script runs: a local process (default) or a container on the configured Docker engine. */
  target?: 'local' | 'docker';
  /** Dataset inputs, resolved to versions at submit (placed before the script starts). */
  inputs?: ResolvedRunInput[];
}
