import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { BUNDLE_FORMAT_VERSION } from '../../../shared/api/bundleTypes';
import { BenchtopError } from '../../../shared/errors';
import { MANIFEST_NAME, type Manifest, type ManifestPart } from './manifest';

/** One file of a part: where it is on this machine and its name in the bundle. */
export interface SourceFile {
  entry: string;
  path: string;
  size: number;
}

export interface PlannedPart extends Omit<ManifestPart, 'files'> {
  sources: SourceFile[];
}

/** sha256 of nothing yet: the same 64 characters as a real digest, so the manifest's length is known up front. */
const PLACEHOLDER = '0'.repeat(64);
/** Where the manifest's bytes start: after its single 512-byte ustar header (short name, small size: no pax). */
const MANIFEST_DATA_OFFSET = 512;

/**
 * Writes the bundle in ONE pass over the data: the manifest goes first with placeholder checksums of the exact
 * length of real ones, every file is hashed as it streams into the tar, then the real manifest is written over
 * the placeholder (same bytes count, so no offset moves). The tar is written to a temporary name beside the
 * output and renamed when complete: a cancel never leaves a half-written .btb. It is not fsynced (a GB of
 * writeback would double the export's time): a bundle checks itself, so one torn by a power cut is refused
 * by `import`, naming the damaged part, and is simply exported again.
 */
export async function writeBundle(
  output: string,
  parts: PlannedPart[],
  options: { createdBy: string; signal: AbortSignal; onBytes: (done: number, total: number) => void },
): Promise<Manifest> {
  const manifest: Manifest = {
    formatVersion: BUNDLE_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    createdBy: options.createdBy,
    parts: parts.map(({ sources, ...part }) => ({
      ...part,
      files: sources.map((s) => ({ entry: s.entry, size: s.size, sha256: PLACEHOLDER })),
    })),
  };
  const placeholder = Buffer.from(JSON.stringify(manifest));
  const total = parts.reduce((sum, p) => sum + p.sources.reduce((s, f) => s + f.size, 0), 0);
  const tmp = path.join(
    path.dirname(output),
    `.${path.basename(output)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`,
  );
  let done = 0;
  try {
    const pack = tar.pack();
    // 4 MiB writes: fewer, larger syscalls for the parts that dominate a bundle's size.
    const writing = pipeline(pack, fs.createWriteStream(tmp, { flags: 'wx', highWaterMark: 4 * 1024 * 1024 }), {
      signal: options.signal,
    });
    const packing = (async () => {
      pack.entry({ name: MANIFEST_NAME, size: placeholder.length, mode: 0o644, mtime: new Date() }, placeholder);
      for (const [index, part] of parts.entries()) {
        for (const [fileIndex, source] of part.sources.entries()) {
          options.signal.throwIfAborted();
          const hash = createHash('sha256');
          const hashing = new Transform({
            transform(chunk: Buffer, _encoding, next) {
              hash.update(chunk);
              done += chunk.length;
              options.onBytes(done, total);
              next(null, chunk);
            },
          });
          const entry = pack.entry({ name: source.entry, size: source.size, mode: 0o644, mtime: new Date() });
          await pipeline(fs.createReadStream(source.path, { highWaterMark: 1024 * 1024 }), hashing, entry, {
            signal: options.signal,
          }).catch((err: unknown) => {
            throw changedWhileExporting(source, err, options.signal);
          });
          (manifest.parts[index] as ManifestPart).files[fileIndex]!.sha256 = hash.digest('hex');
        }
      }
      pack.finalize();
    })();
    await Promise.all([packing, writing]).catch(async (err: unknown) => {
      pack.destroy();
      await writing.catch(() => undefined);
      throw err;
    });
    await writeRealManifest(tmp, placeholder, Buffer.from(JSON.stringify(manifest)));
    fs.renameSync(tmp, output);
    return manifest;
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    if (options.signal.aborted)
      throw new BenchtopError('CANCELED', `The export to ${output} was canceled; no file was written.`);
    throw err;
  }
}

async function writeRealManifest(file: string, placeholder: Buffer, real: Buffer): Promise<void> {
  if (real.length !== placeholder.length) throw new Error('The manifest changed length while it was filled in.');
  const handle = await fsp.open(file, 'r+');
  try {
    const check = Buffer.alloc(placeholder.length);
    await handle.read(check, 0, check.length, MANIFEST_DATA_OFFSET);
    if (!check.equals(placeholder)) throw new Error('The manifest is not where a ustar header puts it.');
    await handle.write(real, 0, real.length, MANIFEST_DATA_OFFSET);
  } finally {
    await handle.close();
  }
}

function changedWhileExporting(source: SourceFile, err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new BenchtopError(
    'BAD_INPUT',
    `${source.path} could not be read into the bundle (${why}); it may have changed while exporting.`,
    'Export again once nothing is writing to it (a run still going, a build in progress).',
  );
}
