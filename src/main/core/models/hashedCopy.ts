import fsp from 'node:fs/promises';
import { BenchtopError } from '../../../shared/errors';
import { contentHasher } from './contentHash';

const CHUNK = 8 * 1024 * 1024;

export interface CopyOptions {
  signal?: AbortSignal;
  /** Called after each chunk with the bytes just copied. */
  onBytes?: (bytes: number) => void;
  /** The digest the bytes must have (a download checks the store on the way out). */
  expectedDigest?: string;
  /** fdatasync before returning: a registered version must not point at data still in the page cache. */
  durable?: boolean;
}

/**
 * Copies one file while hashing it, in one pass: the next chunk is read and
 * hashed while the previous one is written, so the copy runs at write speed.
 * The destination must not exist (it is a fresh staging name).
 */
export async function copyHashed(from: string, to: string, options: CopyOptions = {}): Promise<{ digest: string; size: number }> {
  const hasher = await (await contentHasher())();
  const input = await fsp.open(from, 'r');
  let output: fsp.FileHandle | null = null;
  try {
    output = await fsp.open(to, 'wx');
    const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    let position = 0;
    let pendingWrite: Promise<void> | null = null;
    for (let n = 0; ; n++) {
      throwIfCanceled(options.signal);
      const buffer = buffers[n % 2] as Buffer;
      const { bytesRead } = await input.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      hasher.update(chunk);
      if (pendingWrite) await pendingWrite;
      pendingWrite = writeAll(output, chunk, position);
      // Its failure (ENOSPC) is thrown where it is awaited; until then it must not count as unhandled.
      pendingWrite.catch(() => undefined);
      position += bytesRead;
      options.onBytes?.(bytesRead);
    }
    if (pendingWrite) await pendingWrite;
    if (options.durable) await output.datasync();
    const digest = hasher.hex();
    if (options.expectedDigest && digest !== options.expectedDigest) throw checksumMismatch(from, options.expectedDigest, digest);
    return { digest, size: position };
  } finally {
    await input.close();
    await output?.close();
  }
}

/** Hashes a file without copying it (to find out whether its content is already stored). */
export async function hashFile(file: string, options: Pick<CopyOptions, 'signal' | 'onBytes'> = {}): Promise<{ digest: string; size: number }> {
  const hasher = await (await contentHasher())();
  const input = await fsp.open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let position = 0;
    for (;;) {
      throwIfCanceled(options.signal);
      const { bytesRead } = await input.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) break;
      hasher.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
      options.onBytes?.(bytesRead);
    }
    return { digest: hasher.hex(), size: position };
  } finally {
    await input.close();
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

export function checksumMismatch(file: string, expected: string, actual: string): BenchtopError {
  return new BenchtopError(
    'CHECKSUM_MISMATCH',
    `The stored file ${file} does not match its checksum (expected ${expected.slice(0, 16)}..., found ${actual.slice(0, 16)}...): it was changed or damaged on disk.`,
    'Register the model again from its source; this copy cannot be trusted.',
  );
}
