import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import {
  BUNDLE_FORMAT_VERSION,
  BundlePartKind,
  type BundlePartSummary,
  type BundleSummary,
} from '../../../shared/api/bundleTypes';
import { BenchtopError } from '../../../shared/errors';
import { readFirstEntry } from './tarIndex';

/**
 * A .btb file is a POSIX tar whose FIRST entry is `manifest.json`; every other entry is one file of
 * one part, named `p<part index>/<role>/<path>`. The manifest lists each file's entry name, size and
 * sha256, so an import can check the whole bundle (nothing missing, nothing extra, every byte as
 * exported) before it writes anything, and `bundles.inspect` reads only the first entry.
 */
export const MANIFEST_NAME = 'manifest.json';
/** A manifest is metadata only: anything bigger is not a Benchtop bundle. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

export const BundleFile = z.object({
  /** The tar entry's name. */
  entry: z.string().min(1).max(4096),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type BundleFile = z.infer<typeof BundleFile>;

export const ManifestPart = z.object({
  kind: BundlePartKind,
  name: z.string(),
  version: z.string(),
  runId: z.string(),
  /** The kind's own record (definition and lock, model version, run row, service config); see parts/*.ts. */
  record: z.record(z.string(), z.unknown()),
  files: z.array(BundleFile),
});
export type ManifestPart = z.infer<typeof ManifestPart>;

export const Manifest = z.object({
  formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
  createdAt: z.string(),
  createdBy: z.string(),
  parts: z.array(ManifestPart),
});
export type Manifest = z.infer<typeof Manifest>;

/** The part's identity in the bundle: its record and every file's name and checksum. */
export function partDigest(part: ManifestPart): string {
  const hash = createHash('sha256').update(JSON.stringify(part.record));
  for (const file of part.files) hash.update(`\n${file.entry}\t${file.size}\t${file.sha256}`);
  return hash.digest('hex');
}

export function summarize(file: string, bytes: number, manifest: Manifest): BundleSummary {
  return {
    file,
    bytes,
    formatVersion: manifest.formatVersion,
    createdAt: manifest.createdAt,
    parts: manifest.parts.map((part): BundlePartSummary => ({
      kind: part.kind,
      name: part.name,
      version: part.version,
      runId: part.runId,
      bytes: part.files.reduce((sum, f) => sum + f.size, 0),
      sha256: partDigest(part),
      files: part.files.length,
    })),
  };
}

/** Parses a manifest's text: a newer format is named as such, before its shape is looked at. */
export function parseManifest(file: string, text: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw notABundle(file, 'its manifest.json is not JSON');
  }
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > BUNDLE_FORMAT_VERSION)
    throw new BenchtopError(
      'UNSUPPORTED',
      `${file} was made by a newer Benchtop (bundle format ${version}; this one reads format ${BUNDLE_FORMAT_VERSION}).`,
      'Update Benchtop on this machine, or export the bundle again with the Benchtop version used here.',
    );
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw notABundle(file, `its manifest is malformed at ${issue?.path.join('.') || 'the top'}: ${issue?.message}`);
  }
  checkEntryNames(file, parsed.data);
  return parsed.data;
}

/** Entry names must be unique and stay inside the bundle's own layout (no "..", no absolute paths). */
function checkEntryNames(file: string, manifest: Manifest): void {
  const seen = new Set<string>();
  manifest.parts.forEach((part, index) => {
    for (const f of part.files) {
      const segments = f.entry.split('/');
      const safe =
        segments[0] === `p${index}` &&
        segments.length >= 3 &&
        segments.every((s) => s !== '' && s !== '.' && s !== '..' && !s.includes('\\') && !s.includes('\0'));
      if (!safe || seen.has(f.entry))
        throw notABundle(file, `its manifest names the file "${f.entry}" (part ${index + 1}), which is not allowed`);
      seen.add(f.entry);
    }
  });
}

export function notABundle(file: string, why: string): BenchtopError {
  return new BenchtopError(
    'BAD_INPUT',
    `${file} is not a Benchtop bundle this version can read: ${why}.`,
    'Choose a .btb file written by `benchtop export`; if it was copied, copy it again (it may be damaged).',
  );
}

/** Reads only the manifest (the first entry): fast whatever the bundle's size. */
export async function readManifest(file: string): Promise<{ manifest: Manifest; bytes: number }> {
  let bytes: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    bytes = stat.size;
  } catch {
    throw new BenchtopError('NOT_FOUND', `No bundle file at ${file}.`, 'Check the path (an absolute path to a .btb).');
  }
  const first = await readFirstEntry(file, MAX_MANIFEST_BYTES);
  if (!first) throw notABundle(file, 'it is not a tar file (or it is empty or truncated)');
  if (first.name !== MANIFEST_NAME) throw notABundle(file, `its first entry is "${first.name}", not ${MANIFEST_NAME}`);
  if (first.text === null) throw notABundle(file, `its ${MANIFEST_NAME} is over ${MAX_MANIFEST_BYTES} bytes`);
  return { manifest: parseManifest(file, first.text), bytes };
}
