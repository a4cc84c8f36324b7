import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';
import type { BlobStore, StagedFile } from '../models/blobStore';
import { type ContentHasher, contentHasher } from '../models/contentHash';
import { throwIfCanceled } from '../models/hashedCopy';
import type { SourceFile } from './datasetSources';

/**
 * Write-back steps while a big file is copied (models use 32 MB). Measured on the 2-core VM, 1 GiB with a final
 * fdatasync: 128 MB steps took 654-870 ms in 8 of 8 rounds; 32 MB stalled (2.2-3.3 s) in 5 of 8, 64 MB in 1 of 5,
 * 256 MB in 2 of 5; `cp` + fdatasync of the same file took 565-1033 ms.
 */
const EARLY_FLUSH_BYTES = 128 * 1024 * 1024;
/** Files up to this size are read in one go (they are small; a big file is streamed in chunks by copyHashed). */
const SMALL_FILE_BYTES = 1024 * 1024;
/** Small files are copied with synchronous calls (4 thread-pool round trips per file cost more than the copy); the event loop gets a turn this often. */
const SLICE_MS = 8;

export interface StageOptions {
  signal: AbortSignal;
  onBytes: (bytes: number) => void;
}

/**
 * Copies every file into the blob store's staging folder while hashing it; the result is in the files' order.
 * Content already stored is dropped from staging (nothing is added); new content is on disk before a version can
 * point at it. Small files cost syscalls and a flush each, not bandwidth: they are written first and flushed
 * together at the end (one syncfs: 10,000 fdatasyncs took ~8 s on the 2-core VM, one sync of the same files
 * ~0.2 s; measured in bench/datasetRegister.bench.ts). On failure or cancel every staged copy is removed.
 */
export async function stageFiles(blobs: BlobStore, files: SourceFile[], options: StageOptions): Promise<StagedFile[]> {
  blobs.removeAbandonedStaging();
  fs.mkdirSync(blobs.tmpDir, { recursive: true });
  const staged: (StagedFile | undefined)[] = new Array(files.length);
  const hasher = await contentHasher();
  const keep = (i: number, copy: StagedFile) => {
    staged[i] = copy;
    if (blobs.has(copy.digest)) blobs.discard(copy);
  };
  try {
    let sliceStart = Date.now();
    for (const [i, file] of files.entries()) {
      if (file.size > SMALL_FILE_BYTES) continue;
      throwIfCanceled(options.signal);
      // stageSmall looked for the digest in the store already.
      staged[i] = stageSmall(blobs, file, await hasher());
      options.onBytes(file.size);
      if (Date.now() - sliceStart >= SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = Date.now();
      }
    }
    await flushAll(
      blobs.tmpDir,
      staged.filter((copy): copy is StagedFile => Boolean(copy?.tmp)),
    );
    // Big files one at a time: each already keeps the disk and a core busy (read, hash and write overlap).
    for (const [i, file] of files.entries()) {
      if (file.size <= SMALL_FILE_BYTES) continue;
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

/**
 * One small file: read whole, hashed, written to a fresh staging name (`<pid>-...`, as BlobStore.stage), not yet
 * flushed. Raw open/read/close calls, the staged copy created read-only: the fewest syscalls per file (readFileSync
 * and writeFileSync add an fstat and a read to find the end, and publish's chmod has nothing left to change).
 */
function stageSmall(blobs: BlobStore, file: SourceFile, hasher: ContentHasher): StagedFile {
  const data = readExactly(file);
  hasher.update(data);
  const digest = hasher.hex();
  if (blobs.has(digest)) return { tmp: null, digest, size: data.length };
  const tmp = path.join(blobs.tmpDir, `${process.pid}-${randomBytes(6).toString('hex')}`);
  const fd = fs.openSync(tmp, 'wx', 0o444);
  try {
    for (let written = 0; written < data.length;)
      written += fs.writeSync(fd, data, written, data.length - written, written);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  return { tmp, digest, size: data.length, readOnly: true };
}

/** The file's bytes, refused if it is not the size it was listed with (one byte more is asked for, to see growth). */
function readExactly(file: SourceFile): Buffer {
  const buffer = Buffer.allocUnsafe(file.size + 1);
  const fd = fs.openSync(file.absolute, 'r');
  let total = 0;
  try {
    for (let n = 1; n > 0 && total < buffer.length; total += n)
      n = fs.readSync(fd, buffer, total, buffer.length - total, total);
  } finally {
    fs.closeSync(fd);
  }
  if (total !== file.size)
    throw new BenchtopError(
      'BAD_INPUT',
      `${file.absolute} changed while it was being registered (${file.size} bytes when listed, ${total > file.size ? 'more' : total} when read).`,
      'Wait until whatever writes it has finished, then try again.',
    );
  return buffer.subarray(0, total);
}

/**
 * Everything staged reaches the disk: on Linux one syncfs of the staging folder's filesystem (`sync -f`, coreutils),
 * elsewhere (or if that fails) an fdatasync per file, a few at a time.
 */
async function flushAll(tmpDir: string, copies: StagedFile[]): Promise<void> {
  if (!copies.length) return;
  if (process.platform === 'linux') {
    const synced = await new Promise<boolean>((resolve) =>
      execFile('sync', ['-f', tmpDir], (error) => resolve(!error)),
    );
    if (synced) return;
  }
  let next = 0;
  const worker = async () => {
    while (next < copies.length) {
      const copy = copies[next++] as StagedFile;
      const handle = await fsp.open(copy.tmp as string, 'r+');
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, copies.length) }, worker));
}
