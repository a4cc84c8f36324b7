import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';
import { type ContentHasher, contentHasher } from '../models/contentHash';
import { MANIFEST_NAME, MAX_MANIFEST_BYTES, type Manifest, notABundle, parseManifest } from './manifest';
import { ShaWorker } from './shaWorker';
import { readExactly, tarEntries } from './tarIndex';

export interface ReadProgress {
  signal: AbortSignal;
  onBytes: (read: number, total: number) => void;
}

/** 8 MiB positioned reads and writes: syscalls and hash calls stop mattering next to the bytes themselves. */
const CHUNK = 8 * 1024 * 1024;

/**
 * Import's ONE pass over the bundle: each entry is read in large positioned chunks, hashed (sha256 against the
 * manifest, BLAKE3 for the digests models are stored by) and, when `wanted`, written to `staging/<entry>`.
 *
 * Why one pass and not "verify everything, then write": reading, hashing and writing a 1 GB model twice cost
 * ~6x `cp`, far from the goal of ~1.4x (measured; see bench/bundleTransfer.bench.ts). The guarantee kept is
 * the one a user sees: `staging` is a hidden folder under the workspace's tmp/ that no registry row names and
 * that nothing reads; every checksum is verified before the caller plans or registers anything; on any
 * failure (damage, cut off, cancel) the caller removes `staging`, and a kill -9 leaves it to the next start.
 * Returns the manifest and each entry's BLAKE3.
 */
export async function unpackBundle(
  file: string,
  staging: string,
  progress: ReadProgress,
  wanted: (entry: string) => boolean = () => true,
): Promise<{ manifest: Manifest; blake3: Map<string, string> }> {
  const handle = await fsp.open(file, 'r');
  let closeWorker = async (): Promise<void> => undefined;
  try {
    const total = (await handle.stat()).size;
    const damaged = (why: string) => new TarDamage(why);
    const entries = tarEntries(handle, total, damaged);
    const first = await entries.next().catch((err: unknown) => {
      throw err instanceof TarDamage ? notABundle(file, `it is damaged or cut off (${err.message})`) : err;
    });
    if (first.done) throw notABundle(file, 'it is empty');
    if (first.value.name !== MANIFEST_NAME)
      throw notABundle(file, `its first entry is "${first.value.name}", not ${MANIFEST_NAME}`);
    if (first.value.size > MAX_MANIFEST_BYTES) throw notABundle(file, `its ${MANIFEST_NAME} is too big`);
    const text = Buffer.alloc(first.value.size);
    await readExactly(handle, text, first.value.offset, (why) => notABundle(file, `it is cut off (${why})`));
    const manifest = parseManifest(file, text.toString('utf8'));
    const expected = new Map(
      manifest.parts.flatMap((p, part) => p.files.map((f) => [f.entry, { part, file: f }] as const)),
    );
    const blake3 = new Map<string, string>();
    const newHasher = await contentHasher();
    const modelFiles = new Set(
      manifest.parts.filter((p) => p.kind === 'model').flatMap((p) => p.files.map((f) => f.entry)),
    );
    const sha = new ShaWorker(4, CHUNK);
    closeWorker = () => sha.close();
    const firstMissing = () => [...expected.entries()].find(([entry]) => !blake3.has(entry));
    try {
      for await (const entry of entries) await unpackEntry(entry);
    } catch (err) {
      if (!(err instanceof TarDamage)) throw err;
      // Damage in the tar's structure (a header, the end): named by the first part whose file was not reached.
      const missing = firstMissing();
      if (!missing) throw notABundle(file, `it is damaged after its last file (${err.message})`);
      throw damagedPart(
        file,
        manifest,
        missing[1].part,
        `it is cut off or damaged before its file ${missing[0]} (${err.message})`,
      );
    }
    async function unpackEntry(entry: { name: string; size: number; offset: number }): Promise<void> {
      const want = expected.get(entry.name);
      if (!want || blake3.has(entry.name))
        throw damagedPart(file, manifest, null, `it holds "${entry.name}", which its manifest does not list`);
      if (entry.offset + entry.size > total)
        throw damagedPart(file, manifest, want.part, `its file ${entry.name} is cut off at byte ${total}`);
      if (entry.size !== want.file.size)
        throw damagedPart(file, manifest, want.part, `its file ${entry.name} is not the size its manifest names`);
      const target = wanted(entry.name) ? path.join(staging, ...entry.name.split('/')) : null;
      // BLAKE3 only where a digest is checked: model files, which the workspace stores by it.
      const content = modelFiles.has(entry.name) ? await newHasher() : null;
      const digests = await copyEntry(handle, entry, target, sha, content, progress, total);
      if (digests.sha256 !== want.file.sha256)
        throw damagedPart(file, manifest, want.part, `its file ${entry.name} does not match its checksum`);
      blake3.set(entry.name, digests.blake3);
    }
    const missing = firstMissing();
    if (missing)
      throw damagedPart(file, manifest, missing[1].part, `its file ${missing[0]} is missing (the bundle is cut off?)`);
    progress.onBytes(total, total);
    return { manifest, blake3 };
  } finally {
    await closeWorker();
    await handle.close();
  }
}

/** A fault in the tar's own structure, told apart so that it can be reported naming the part it cut into. */
class TarDamage extends Error {}

/**
 * Reads, hashes and (to `target`) writes one entry through four rotating shared buffers: while this thread
 * computes a chunk's BLAKE3, the worker computes its sha256, the next chunk is being read and the previous ones
 * written on libuv's pool. A buffer is read into again only once its hash and its write are done.
 */
async function copyEntry(
  handle: FileHandle,
  entry: { name: string; size: number; offset: number },
  target: string | null,
  sha: ShaWorker,
  content: ContentHasher | null,
  progress: ReadProgress,
  total: number,
): Promise<{ sha256: string; blake3: string }> {
  const { buffers } = sha;
  let out: FileHandle | null = null;
  if (target) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    out = await fsp.open(target, 'wx');
  }
  const cutOff = (why: string): Error => new BenchtopError('CHECKSUM_MISMATCH', why);
  const readChunk = async (index: number, done: number): Promise<Buffer> => {
    const buffer = buffers[index % buffers.length] as Buffer;
    const length = Math.min(CHUNK, entry.size - done);
    await readExactly(handle, buffer.subarray(0, length), entry.offset + done, cutOff);
    return buffer.subarray(0, length);
  };
  /** Per buffer: its last chunk's sha256 update and write. */
  const inUse: Promise<unknown>[] = buffers.map(() => Promise.resolve());
  const settled = () => Promise.allSettled(inUse);
  try {
    let reading = entry.size > 0 ? readChunk(0, 0) : null;
    for (let index = 0, done = 0; reading; index++) {
      const chunk = await reading;
      progress.signal.throwIfAborted();
      done += chunk.length;
      const next = (index + 1) % buffers.length;
      await inUse[next];
      reading = done < entry.size ? readChunk(index + 1, done) : null;
      const hashed = sha.update(index % buffers.length, chunk.length);
      content?.update(chunk);
      const written = out ? writeAll(out, chunk, done - chunk.length) : null;
      const use = Promise.all([hashed, written]);
      use.catch(() => undefined); // awaited (and so reported) when its buffer comes round again, or below
      inUse[index % buffers.length] = use;
      progress.onBytes(entry.offset + done, total);
    }
    await Promise.all(inUse);
  } catch (err) {
    await settled();
    if (progress.signal.aborted) throw new BenchtopError('CANCELED', 'Canceled.');
    throw err;
  } finally {
    await out?.close();
  }
  return { sha256: await sha.digest(), blake3: content?.hex() ?? '' };
}

async function writeAll(out: FileHandle, chunk: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < chunk.length) {
    const { bytesWritten } = await out.write(chunk, written, chunk.length - written, position + written);
    written += bytesWritten;
  }
}

function damagedPart(file: string, manifest: Manifest, part: number | null, why: string): BenchtopError {
  const named = part === null ? null : manifest.parts[part];
  const label = named
    ? `${named.kind} ${named.runId || `${named.name}${named.version ? `:${named.version}` : ''}`}`
    : null;
  return new BenchtopError(
    'CHECKSUM_MISMATCH',
    `${file} is damaged${label ? ` in part "${label}"` : ''}: ${why}. Nothing was imported.`,
    'Copy the bundle again from where it was made (or export it again there); compare its size with the original.',
  );
}
