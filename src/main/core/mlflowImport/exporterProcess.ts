import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { BenchtopError, ERROR_CODES, type ErrorCode } from '../../../shared/errors';
import { runtimeDir } from '../python/runtimeDir';
import type { ExportLine } from './exportLines';

const STDERR_TAIL = 8000;

export interface ExporterOptions {
  python: string;
  uri: string;
  staging: string;
  knownFile: string;
  experiments: string[];
  signal: AbortSignal;
  /** The exporter's stderr (mlflow's warnings, a traceback) as it comes. */
  onStderr: (text: string) => void;
}

/**
 * Runs src/runtime/tools/mlflow_export.py in the mlflow tool environment and yields its lines
 * one at a time: the `for await` reads the pipe only as fast as the importer writes, so a big
 * run streams through. An `error` line, a non-zero exit or a cancel ends it with a BenchtopError.
 */
export async function* exportLines(options: ExporterOptions): AsyncGenerator<ExportLine> {
  const script = path.join(runtimeDir(), 'tools', 'mlflow_export.py');
  const args = [script, '--uri', options.uri, '--staging', options.staging, '--known', options.knownFile];
  for (const name of options.experiments) args.push('--experiment', name);
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONNOUSERSITE: '1', PYTHONUNBUFFERED: '1' };
  delete env.PYTHONPATH;
  delete env.MLFLOW_TRACKING_URI; // the exporter is told its store; a variable of the user's must not redirect it
  const child = spawn(options.python, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (data: string) => {
    stderr = (stderr + data).slice(-STDERR_TAIL);
    options.onStderr(data);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  const kill = () => child.kill('SIGKILL');
  options.signal.addEventListener('abort', kill, { once: true });
  let failure: BenchtopError | null = null;
  try {
    const lines = readline.createInterface({ input: child.stdout, crlfDelay: Infinity });
    for await (const text of lines) {
      if (!text.trim()) continue;
      let line: ExportLine;
      try {
        line = JSON.parse(text) as ExportLine;
      } catch {
        options.onStderr(`${text}\n`); // something printed to stdout that is not ours: shown, not fatal
        continue;
      }
      if (line.kind === 'error') {
        const code = (ERROR_CODES as readonly string[]).includes(line.code) ? (line.code as ErrorCode) : 'BAD_INPUT';
        failure = new BenchtopError(code, line.message, line.hint);
        continue;
      }
      yield line;
    }
    const code = await exited;
    if (options.signal.aborted) throw new BenchtopError('CANCELED', 'The import was canceled.');
    if (failure) throw failure;
    if (code !== 0)
      throw new BenchtopError(
        'INTERNAL',
        `Reading the MLflow store failed (the exporter exited with ${code}): ${lastLine(stderr)}`,
        'The import log has the whole error; runs imported before it are kept, and importing again continues.',
      );
  } finally {
    options.signal.removeEventListener('abort', kill);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}
