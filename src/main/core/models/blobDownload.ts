import fs from 'node:fs';
import { BenchtopError } from '../../../shared/errors';
import type { JobContext } from '../jobs/jobManager';
import type { BlobStore } from './blobStore';
import type { DownloadTarget } from './downloadTarget';
import { copyHashed } from './hashedCopy';
import { diskFullError } from './modelRules';
import { progressReporter } from './progress';

/** What a model or dataset download returns: where its files are, how many, how many bytes. */
export interface DownloadResult {
  path: string;
  files: number;
  size: number;
}

/**
 * Copies every planned file out of the blob store (models and datasets share it), each checked against its
 * digest on the way, and publishes them only once all checked out: a failure or cancel leaves the folder as it
 * was (DownloadTarget.abort), and a full disk says how much room the download needs.
 */
export async function downloadFromBlobs(
  blobs: BlobStore,
  plan: DownloadTarget,
  ctx: JobContext,
  download: {
    /** "downloading NAME:VERSION", for a full disk's message. */
    what: string;
    directory: string;
    /** The bytes to copy (progress, and the room a full disk asks for). */
    size: number;
    /** The fix when a stored file is missing: register the model (or the dataset) again. */
    missingHint: string;
    /** The fix when a stored file's bytes are damaged (copyHashed's default: the model's). */
    mismatchHint?: string;
  },
): Promise<void> {
  const progress = progressReporter(download.size, ctx);
  try {
    for (const planned of plan.files) {
      const { file } = planned;
      const blob = blobs.blobPath(file.digest);
      if (!fs.existsSync(blob))
        throw new BenchtopError(
          'CHECKSUM_MISMATCH',
          `The stored content of ${file.path} is missing from the workspace.`,
          download.missingHint,
        );
      await copyHashed(blob, plan.prepare(planned), {
        signal: ctx.signal,
        onBytes: progress.add,
        expectedDigest: file.digest,
        mismatchHint: download.mismatchHint,
      });
    }
    plan.commit();
  } catch (err) {
    throw diskFullError(err, download.what, download.directory, download.size);
  } finally {
    plan.abort();
  }
}
