import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BenchtopError } from '../../../shared/errors';
import { contentHasher } from '../models/contentHash';
import { MANIFEST_NAME, type Manifest, type BundleFile, notABundle, parseManifest } from './manifest';
import { forEachEntry } from './tarReader';

export interface ReadProgress {
  signal: AbortSignal;
  onBytes: (read: number, total: number) => void;
}

/**
 * Pass 1 (no writes): streams the whole bundle, checks each entry against the manifest (expected, right size,
 * right sha256) and that nothing is missing. Returns each entry's BLAKE3 too: pass 2 checks the bytes it writes
 * against these, so a bundle changed between the passes is caught without paying for sha256 twice, and model
 * files are checked against the digests the workspace stores them by.
 */
export async function verifyBundle(
  file: string,
  progress: ReadProgress,
): Promise<{ manifest: Manifest; blake3: Map<string, string> }> {
  const total = fs.statSync(file).size;
  const newHasher = await contentHasher();
  let manifest: Manifest | null = null;
  let expected = new Map<string, { part: number; file: BundleFile }>();
  const blake3 = new Map<string, string>();
  await forEachEntry(
    file,
    progress.signal,
    async (entry) => {
      if (!manifest) {
        if (entry.name !== MANIFEST_NAME)
          throw notABundle(file, `its first entry is "${entry.name}", not ${MANIFEST_NAME}`);
        const chunks: Buffer[] = [];
        for await (const chunk of entry.stream as AsyncIterable<Buffer>) chunks.push(chunk);
        manifest = parseManifest(file, Buffer.concat(chunks).toString('utf8'));
        expected = new Map(
          manifest.parts.flatMap((p, part) => p.files.map((f) => [f.entry, { part, file: f }] as const)),
        );
        return;
      }
      const wanted = expected.get(entry.name);
      if (!wanted || blake3.has(entry.name))
        throw damagedPart(file, manifest, null, `it holds "${entry.name}", which its manifest does not list`);
      const sha = createHash('sha256');
      const content = await newHasher();
      let size = 0;
      await pipeline(
        entry.stream,
        new Writable({
          write(chunk: Buffer, _encoding, next) {
            sha.update(chunk);
            content.update(chunk);
            size += chunk.length;
            next();
          },
        }),
      );
      if (size !== wanted.file.size || sha.digest('hex') !== wanted.file.sha256)
        throw damagedPart(file, manifest, wanted.part, `its file ${entry.name} does not match its checksum`);
      blake3.set(entry.name, content.hex());
    },
    (read) => progress.onBytes(read, total),
    (why) => notABundle(file, `it is damaged or cut off (${why})`),
  );
  if (!manifest) throw notABundle(file, 'it is empty');
  const done = manifest as Manifest;
  for (const [entry, { part }] of expected)
    if (!blake3.has(entry))
      throw damagedPart(file, done, part, `its file ${entry} is missing (the bundle is cut off?)`);
  return { manifest: done, blake3 };
}

/** Pass 2: writes the wanted entries into `staging/<entry>` (a folder only this import uses), checked against pass 1. */
export async function extractBundle(
  file: string,
  staging: string,
  blake3: Map<string, string>,
  progress: ReadProgress,
  wanted: (entry: string) => boolean = () => true,
): Promise<void> {
  const total = fs.statSync(file).size;
  const newHasher = await contentHasher();
  await forEachEntry(
    file,
    progress.signal,
    async (entry) => {
      if (entry.name === MANIFEST_NAME) return;
      const digest = blake3.get(entry.name);
      if (!digest) throw changedMeanwhile(file);
      // Parts already here (unchanged), images the engine has: read past, not written.
      if (!wanted(entry.name)) return;
      const target = path.join(staging, ...entry.name.split('/'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const content = await newHasher();
      const out = fs.createWriteStream(target, { flags: 'wx', highWaterMark: 4 * 1024 * 1024 });
      await pipeline(
        entry.stream,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            content.update(chunk);
            yield chunk;
          }
        },
        out,
      );
      if (content.hex() !== digest) throw changedMeanwhile(file);
    },
    (read) => progress.onBytes(read, total),
    () => changedMeanwhile(file),
  );
}

function changedMeanwhile(file: string): BenchtopError {
  return new BenchtopError(
    'CHECKSUM_MISMATCH',
    `${file} changed while it was being imported; nothing was registered.`,
    'Import it again once nothing is writing to it (a copy still in progress?).',
  );
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
