import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { ModelFile } from '../../../shared/api/modelTypes';
import { BlobStore } from '../models/blobStore';
import { ModelStore } from '../models/modelStore';
import type { ListedFile } from './artifactStore';
import type { MlflowContext } from './context';
import { doesNotExist, invalidParameter } from './mlflowErrors';
import { versionNumber } from './registryStore';

/**
 * mlflow-artifacts:/registry/<name>/<version>/<path>: a registered version's files, as Benchtop stores them (by
 * content digest). The URI names the version's own folder (a folder model's files, or a one-file model's file),
 * which is what get-download-uri answers and models:/<name>/<version> downloads. Read-only; a path is looked up
 * among the version's recorded files, so nothing outside them can be named.
 */

interface VersionFiles {
  /** Each file by its path inside the URI (the version's root folder left off for a folder model). */
  files: Map<string, ModelFile>;
}

function versionFiles(ctx: MlflowContext, segments: string[]): { version: VersionFiles; rel: string } {
  const [, name, rawVersion, ...rest] = segments;
  if (!name || !rawVersion)
    throw invalidParameter('A registry artifact path is registry/<model name>/<version>/<path>.');
  const store = new ModelStore(ctx.db);
  const version = versionNumber(rawVersion);
  const record = store.get(name, version);
  if (!record) throw doesNotExist(`Model Version (name=${name}, version=${version}) not found`);
  const files = new Map<string, ModelFile>();
  for (const file of store.files(name, version)) {
    const inside = record.kind === 'folder' ? file.path.slice(record.root.length + 1) : file.path;
    files.set(inside, file);
  }
  return { version: { files }, rel: rest.join('/') };
}

/** The entries directly inside `rel` (basenames, as MLflow's artifact server lists them), or the one file named. */
export function listRegistryArtifacts(ctx: MlflowContext, segments: string[]): ListedFile[] {
  const { version, rel } = versionFiles(ctx, segments);
  const exact = version.files.get(rel);
  if (exact) return [{ path: rel.split('/').pop() as string, is_dir: false, file_size: exact.size }];
  const prefix = rel ? `${rel}/` : '';
  const entries = new Map<string, ListedFile>();
  for (const [inside, file] of version.files) {
    if (!inside.startsWith(prefix)) continue;
    const [first, ...deeper] = inside.slice(prefix.length).split('/');
    const entry = first as string;
    if (deeper.length) entries.set(entry, { path: entry, is_dir: true });
    else entries.set(entry, { path: entry, is_dir: false, file_size: file.size });
  }
  return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Streams one file of a version from the blob store. */
export function sendRegistryArtifact(ctx: MlflowContext, segments: string[], res: ServerResponse): void {
  const { version, rel } = versionFiles(ctx, segments);
  const file = version.files.get(rel);
  if (!file) throw doesNotExist(`No artifact ${rel} in ${segments.slice(1, 3).join(' version ')}.`);
  const blob = new BlobStore(ctx.paths.models).blobPath(file.digest);
  let fd: number;
  try {
    fd = fs.openSync(blob, 'r');
  } catch {
    throw doesNotExist(
      `The stored content of ${rel} is missing from the workspace; register the model again from its source.`,
    );
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': fs.fstatSync(fd).size });
  const stream = fs.createReadStream('', { fd, autoClose: true });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
