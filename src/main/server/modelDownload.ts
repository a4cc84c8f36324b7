import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Core } from '../core/core';
import { contentHasher } from '../core/models/contentHash';
import { checksumMismatch } from '../core/models/hashedCopy';
import { TAR_END, tarFileHeader, tarPadding, tarSize } from '../core/models/tarStream';
import { toApiError } from '../../shared/errors';

/** `GET /download/models/<name>/<version>`: the registered file as it is, a folder as one .tar. */
export async function serveModelDownload(core: Core, pathname: string, res: ServerResponse): Promise<void> {
  const match = /^\/download\/models\/([^/]+)\/(\d+)$/.exec(pathname);
  try {
    if (!match) throw Object.assign(new Error('Not found'), { status: 404 });
    const model = core.models.get(decodeURIComponent(match[1] as string), Number(match[2]));
    const single = model.kind === 'file' ? model.files[0] : undefined;
    const fileName = single ? model.root : `${model.root}.tar`;
    res.writeHead(200, {
      'content-type': single ? 'application/octet-stream' : 'application/x-tar',
      'content-length': String(single ? single.size : tarSize(model.files)),
      'content-disposition': `attachment; filename="${fileName.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    const mtime = Math.floor(Date.parse(model.createdAt) / 1000);
    for (const file of model.files) {
      if (!single) res.write(tarFileHeader(file.path, file.size, mtime));
      await pipeline(
        fs.createReadStream(core.models.blobs.blobPath(file.digest), { highWaterMark: 1024 * 1024 }),
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
