import fsp from 'node:fs/promises';
import { BenchtopError } from '../../../shared/errors';
import { contentHasher } from './contentHash';

/**
 * 4 MB chunks with up to 3 writes in flight: the best of 256 KB-16 MB x 1-16
 * measured on a 2-core VM (1 GB: 0.59 s vs 0.81 s for 8 MB x 1). Memory
 * bandwidth is the limit there: cp copies in the kernel in one pass, a hashing
 * copy reads into user space, hashes and writes back.
 */
const CHUNK = 4 * 1024 * 1024;
const WRITES_IN_FLIGHT = 3;

export interface CopyOptions {
  signal?: AbortSignal;
  /** Called after each chunk with the bytes just copied. */
  onBytes?: (bytes: number) => void;
  /** The digest the bytes must have (a download checks the store on the way out). */
  expectedDigest?: string;
  /** The fix a mismatch suggests (default: a model's, register it again). */
  mismatchHint?: string;
  /**
   * Start writing back every N bytes while copying (an fdatasync in the background): a copy
   * that will be fsynced anyway then pays for the disk during the copy, not all after it.
   */
  flushEvery?: number;
}

/**
 * Copies one file while hashing it, in one pass over the data: a ring of
 * buffers where the next chunks are being read while this one is hashed and
 * the previous ones are still being written. The destination must not exist.
 */
export async function copyHashed(
  from: string,
  to: string,
  options: CopyOptions = {},
): Promise<{ digest: string; size: number }> {
  const hasher = await (await contentHasher())();
  const input = await fsp.open(from, 'r');
  let output: fsp.FileHandle | null = null;
  const writes: Promise<void>[] = [];
  let flushing: Promise<void> | null = null;
  try {
    output = await fsp.open(to, 'wx');
    const size = (await input.stat()).size;
    const buffers = Array.from({ length: WRITES_IN_FLIGHT + 1 }, () => Buffer.allocUnsafe(CHUNK));
    let position = 0;
    let flushedAt = 0;
    for (let n = 0; ; n++) {
      throwIfCanceled(options.signal);
      // The buffer read next is free once the oldest write is done.
      if (writes.length >= WRITES_IN_FLIGHT) await writes.shift();
      const buffer = buffers[n % buffers.length] as Buffer;
      const { bytesRead } = await input.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      hasher.update(chunk);
      const write = writeAll(output, chunk, position);
      // Its failure (ENOSPC) is thrown where it is awaited; until then it must not count as unhandled.
      write.catch(() => undefined);
      writes.push(write);
      position += bytesRead;
      options.onBytes?.(bytesRead);
      if (options.flushEvery && !flushing && position - flushedAt >= options.flushEvery) {
        flushedAt = position;
        const handle = output;
        flushing = handle.datasync().finally(() => (flushing = null));
        flushing.catch(() => undefined);
      }
    }
    await Promise.all(writes);
    if (flushing) await flushing;
    // Written to meanwhile (a training still saving its model): what was copied is not the file.
    if (position !== size || (await input.stat()).size !== size)
      throw new BenchtopError(
        'BAD_INPUT',
        `${from} changed while it was being copied.`,
        'Wait until whatever writes it has finished, then try again.',
      );
    const digest = hasher.hex();
    if (options.expectedDigest && digest !== options.expectedDigest)
      throw checksumMismatch(from, options.expectedDigest, digest, options.mismatchHint);
    return { digest, size: position };
  } finally {
    await Promise.allSettled(writes);
    if (flushing) await Promise.allSettled([flushing]);
    await input.close();
    await output?.close();
  }
}

async function writeAll(handle: fsp.FileHandle, chunk: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, written, chunk.length - written, position + written);
    written += bytesWritten;
  }
}

export function throwIfCanceled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new BenchtopError('CANCELED', 'Canceled.');
}

export function checksumMismatch(
  file: string,
  expected: string,
  actual: string,
  hint = 'Register the model again from its source; this copy cannot be trusted.',
): BenchtopError {
  return new BenchtopError(
    'CHECKSUM_MISMATCH',
    `The stored file ${file} does not match its checksum (expected ${expected.slice(0, 16)}..., found ${actual.slice(0, 16)}...): it was changed or damaged on disk.`,
    hint,
  );
}
