import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Core } from '../core/core';
import { contentHasher } from '../core/models/contentHash';
import { checksumMismatch } from '../core/models/hashedCopy';
import { TAR_END, tarFileHeader, tarPadding, tarSize } from '../core/models/tarStream';
import { BenchtopError, toApiError } from '../../shared/errors';
import { decodeComponent } from './requestTarget';
import { realPathInside } from './realPathInside';

/** An API error that also says which HTTP status answers it. */
const httpError = (status: 400 | 404, message: string, hint?: string) =>
  Object.assign(new BenchtopError(status === 400 ? 'BAD_INPUT' : 'NOT_FOUND', message, hint), { status });

/**
 * `GET /download/models/<name>/<version>`: the registered file as it is, a folder as one .tar.
 * `pathname` is the raw (still %-encoded) path; the name is decoded here, segment by segment.
 */
export async function serveModelDownload(core: Core, pathname: string, res: ServerResponse): Promise<void> {
  try {
    const match = /^\/download\/models\/([^/]+)\/(\d+)$/.exec(pathname);
    if (!match) throw httpError(404, 'Not found.', 'Links look like /download/models/<name>/<version>.');
    const name = decodeComponent(match[1] as string);
    if (name === null)
      throw httpError(400, 'The model name in the link has a malformed %-escape.', 'Copy the link from the UI again.');
    const model = core.models.get(name, Number(match[2]));
    // Every blob's real path is checked before the first byte goes out, so a refusal is an answer, not a cut stream.
    const blobs = await Promise.all(model.files.map((file) => blobInsideStore(core, file.digest, file.path)));
    const single = model.kind === 'file' ? model.files[0] : undefined;
    const fileName = single ? model.root : `${model.root}.tar`;
    res.writeHead(200, {
      'content-type': single ? 'application/octet-stream' : 'application/x-tar',
      'content-length': String(single ? single.size : tarSize(model.files)),
      'content-disposition': `attachment; filename="${fileName.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      'cache-control': 'no-store',
    });
    const mtime = Math.floor(Date.parse(model.createdAt) / 1000);
    for (const [index, file] of model.files.entries()) {
      if (!single) res.write(tarFileHeader(file.path, file.size, mtime));
      await pipeline(
        fs.createReadStream(blobs[index] as string, { highWaterMark: 1024 * 1024 }),
        await verifying(file.digest, file.path),
        res,
        { end: false },
      );
      if (!single) res.write(tarPadding(file.size));
    }
    res.end(single ? undefined : TAR_END);
  } catch (err) {
    if (res.headersSent) {
      // A damaged blob or a client that went away: cut the stream so the browser marks the download failed.
      res.destroy(err instanceof Error ? err : undefined);
      return;
    }
    const error = toApiError(err);
    const status = (err as { status?: number }).status ?? (error.code === 'NOT_FOUND' ? 404 : 500);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error }));
  }
}

/** The blob's real path, refusing a digest that is not plain hex or a blob that links out of the store. */
async function blobInsideStore(core: Core, digest: string, name: string): Promise<string> {
  const store = path.join(core.paths.models, 'blobs');
  const real = /^[0-9a-f]{16,128}$/.test(digest)
    ? await realPathInside(store, core.models.blobs.blobPath(digest))
    : null;
  if (real === null)
    throw new BenchtopError(
      'INTERNAL',
      `The stored content of "${name}" is missing or lies outside the model store.`,
      'The workspace was changed by hand; register the model again.',
    );
  return real;
}

/** Passes bytes through and fails at the end when they do not hash to the stored digest. */
async function verifying(digest: string, name: string): Promise<Transform> {
  const hasher = await (await contentHasher())();
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hasher.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const actual = hasher.hex();
      done(actual === digest ? null : checksumMismatch(name, digest, actual));
    },
  });
}
