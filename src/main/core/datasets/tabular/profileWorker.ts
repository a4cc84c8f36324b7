// The profile worker (bundled as dist/main/tabularWorker.js): reads the whole table off the main thread, so the
// app and the CLI stay responsive (and cancellable) while a 1 GB file is profiled.
import { parentPort, workerData } from 'node:worker_threads';
import type { TabularOptions } from '../../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../../shared/errors';
import { profileFiles } from './profile';
import type { ProfileWorkerMessage } from './profileTable';
import type { TableFile } from './tableFile';

/** At most this often a progress message, and always the last one. */
const PROGRESS_EVERY_MS = 100;

const { files, options } = workerData as { files: TableFile[]; options: TabularOptions };
const post = (message: ProfileWorkerMessage) => parentPort?.postMessage(message);
let lastProgress = 0;
let lastDone = -1;

profileFiles(files, options, (doneBytes, totalBytes) => {
  const now = Date.now();
  if (doneBytes === lastDone || (now - lastProgress < PROGRESS_EVERY_MS && doneBytes < totalBytes)) return;
  [lastProgress, lastDone] = [now, doneBytes];
  post({ type: 'progress', doneBytes, totalBytes });
}).then(
  (result) => post({ type: 'done', result }),
  (error: unknown) =>
    post({
      type: 'error',
      error:
        error instanceof BenchtopError
          ? { code: error.code, message: error.message, hint: error.hint, location: error.location }
          : { code: 'INTERNAL', message: `Profiling failed: ${(error as Error)?.message ?? String(error)}` },
    }),
);
