import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';
import type { BlobStore, StagedFile } from '../models/blobStore';
import { contentHasher } from '../models/contentHash';
import { throwIfCanceled } from '../models/hashedCopy';
import type { SourceFile } from './datasetSources';

/** As models: 32 MB write-back steps leave almost nothing for the fsync at the end of a big file. */
const EARLY_FLUSH_BYTES = 32 * 1024 * 1024;
/** Files up to this size are read in one go (they are small; a big file is streamed in chunks by copyHashed). */
const SMALL_FILE_BYTES = 1024 * 1024;
/**
 * Small files cost syscalls and an fdatasync each, not bandwidth: several in flight let the disk merge the
 * flushes (one journal commit for many files) while another file is read. Measured in bench/datasetRegister.bench.ts.
 */
const SMALL_FILES_IN_FLIGHT = 16;

export interface StageOptions {
  signal: AbortSignal;
  onBytes: (bytes: number) => void;
}

/**
 * Copies every file into the blob store's staging folder while hashing it; the result is in the files' order.
 * Content already stored is dropped from staging (nothing is added); new content is on disk (fdatasync) before
 * a version can point at it. On failure or cancel every staged copy is removed.
 */
export async function stageFiles(blobs: BlobStore, files: SourceFile[], options: StageOptions): Promise<StagedFile[]> {
  blobs.removeAbandonedStaging();
  fs.mkdirSync(blobs.tmpDir, { recursive: true });
  const staged: (StagedFile | undefined)[] = new Array(files.length);
  const small = files.map((file, i) => ({ file, i })).filter(({ file }) => file.size <= SMALL_FILE_BYTES);
  const big = files.map((file, i) => ({ file, i })).filter(({ file }) => file.size > SMALL_FILE_BYTES);
  const keep = (i: number, copy: StagedFile) => {
    staged[i] = copy;
    if (blobs.has(copy.digest)) blobs.discard(copy);
  };
  try {
    let next = 0;
    let failure: { error: unknown } | null = null;
    const worker = async () => {
      // One failure stops every worker; the error is thrown once all have stopped, so cleanup sees every copy.
      while (next < small.length && !failure) {
        const { file, i } = small[next++] as { file: SourceFile; i: number };
        try {
          throwIfCanceled(options.signal);
          keep(i, await stageSmall(blobs, file));
        } catch (error) {
          failure ??= { error };
          return;
        }
        options.onBytes(file.size);
      }
    };
    await Promise.all(Array.from({ length: Math.min(SMALL_FILES_IN_FLIGHT, small.length) }, worker));
    if (failure) throw (failure as { error: unknown }).error;
    // Big files one at a time: each already keeps the disk and a core busy (read, hash and write overlap).
    for (const { file, i } of big) {
      const copy = await blobs.stage(file.absolute, {
        signal: options.signal,
        onBytes: options.onBytes,
        flushEvery: EARLY_FLUSH_BYTES,
      });
      keep(i, copy);
      if (copy.tmp) await blobs.flush(copy);
    }
    return staged as StagedFile[];
  } catch (err) {
    for (const copy of staged) if (copy) blobs.discard(copy);
    throw err;
  }
}

/** One small file: read whole, hashed, written and flushed to a fresh staging name (`<pid>-...`, as BlobStore.stage). */
async function stageSmall(blobs: BlobStore, file: SourceFile): Promise<StagedFile> {
  const data = await fsp.readFile(file.absolute);
  if (data.length !== file.size)
    throw new BenchtopError(
      'BAD_INPUT',
      `${file.absolute} changed while it was being registered (${file.size} bytes when listed, ${data.length} when read).`,
      'Wait until whatever writes it has finished, then try again.',
    );
  const hasher = await (await contentHasher())();
  hasher.update(data);
  const digest = hasher.hex();
  if (blobs.has(digest)) return { tmp: null, digest, size: data.length };
  const tmp = path.join(blobs.tmpDir, `${process.pid}-${randomBytes(6).toString('hex')}`);
  const handle = await fsp.open(tmp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.datasync();
  } catch (err) {
    await handle.close();
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  await handle.close();
  return { tmp, digest, size: data.length };
}
