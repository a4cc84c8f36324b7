import { Worker } from 'node:worker_threads';
import type { TabularOptions } from '../../../../shared/api/datasetTypes';
import { BenchtopError, type ApiError } from '../../../../shared/errors';
import { bundledScript } from '../../bundledScript';
import type { ProfileProgress, TableProfile } from './profile';
import type { TableFile } from './tableFile';

export type ProfileWorkerMessage =
  | { type: 'progress'; doneBytes: number; totalBytes: number }
  | { type: 'done'; result: TableProfile }
  | { type: 'error'; error: ApiError };

/** The worker script: dist/main/tabularWorker.js (esbuild's entry), found from dist/ or from the source tree. */
export function profileWorkerScript(): string {
  return bundledScript('tabularWorker.js', process.env.BENCHTOP_TABULAR_WORKER, 'The table profile worker');
}

/** Measured (bench/datasetTabular.bench.ts): 4 MB gives the same speed as V8's default and ~15% less peak RSS. */
const PROFILE_YOUNG_GENERATION_MB = 4;

function canceled(): BenchtopError {
  return new BenchtopError(
    'CANCELED',
    'The profile was canceled.',
    'Compute it again with `benchtop data profile NAME:VERSION`.',
  );
}

/**
 * Profiles the table in a worker thread (profile.ts does the reading): progress by bytes, and SIGNAL stops it
 * at once by terminating the worker (it only reads, so nothing is left half-written).
 */
export function profileTable(
  files: TableFile[],
  options: TabularOptions,
  opts: { onProgress?: ProfileProgress; signal?: AbortSignal } = {},
): Promise<TableProfile> {
  const { onProgress, signal } = opts;
  if (signal?.aborted) return Promise.reject(canceled());
  const script = profileWorkerScript();
  return new Promise<TableProfile>((resolve, reject) => {
    const worker = new Worker(script, {
      workerData: { files, options },
      // Every row is garbage once counted: a small young generation keeps the worker's memory flat (same speed).
      resourceLimits: { maxYoungGenerationSizeMb: PROFILE_YOUNG_GENERATION_MB },
    });
    let settled = false;
    const finish = (error: Error | null, result?: TableProfile) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (error) reject(error);
      else resolve(result as TableProfile);
    };
    const onAbort = () => finish(canceled());
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: ProfileWorkerMessage) => {
      if (message.type === 'progress') onProgress?.(message.doneBytes, message.totalBytes);
      else if (message.type === 'done') finish(null, message.result);
      else {
        const { code, message: text, hint, location } = message.error;
        finish(new BenchtopError(code, text, hint, location));
      }
    });
    worker.on('error', (error) => finish(new BenchtopError('INTERNAL', `The profile worker failed: ${error.message}`)));
    worker.on('exit', (code) =>
      finish(new BenchtopError('INTERNAL', `The profile worker stopped (exit code ${code}).`)),
    );
  });
}
