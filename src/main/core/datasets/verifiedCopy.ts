import fs from 'node:fs';
import { contentHasher } from '../models/contentHash';
import { checksumMismatch, copyHashed } from '../models/hashedCopy';

/** What a damaged stored file of a dataset asks for (the models' hint says to register the model again). */
export const DATASET_MISMATCH_HINT =
  'Register the dataset again from its source (benchtop data register -n NAME -p PATH); this copy cannot be trusted.';

/** Up to this size a file is read, hashed and written in one go (copyHashed's 16 MB of buffers per file cost more). */
const SMALL_FILE_BYTES = 1024 * 1024;

/**
 * Copies a stored blob to `target` (which must not exist), checking it against its digest on the way: a download
 * input never hands the script bytes that are not the registered ones. Many small files (a 10,000-file folder)
 * take the short path; big ones stream through copyHashed.
 */
export async function copyVerified(blob: string, target: string, digest: string, signal: AbortSignal): Promise<void> {
  if (fs.statSync(blob).size > SMALL_FILE_BYTES) {
    await copyHashed(blob, target, { signal, expectedDigest: digest, mismatchHint: DATASET_MISMATCH_HINT });
    return;
  }
  const data = fs.readFileSync(blob);
  const hasher = await (await contentHasher())();
  hasher.update(data);
  const actual = hasher.hex();
  if (actual !== digest) throw checksumMismatch(blob, digest, actual, DATASET_MISMATCH_HINT);
  fs.writeFileSync(target, data, { flag: 'wx' });
}
