import fsp, { type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';

// tar-stream's own header codec (checksum, ustar prefix, base-256 sizes, pax records): the one the bundle's
// writer encodes with. Its streaming extractor is not used for import: it passed every byte through
// readable-stream and a BufferList, which made a 1 GB import 20x slower than `cp` (profiled).
interface TarHeader {
  name: string;
  size: number;
  type: string;
}
interface TarHeaders {
  decode(block: Buffer, encoding?: string, allowUnknownFormat?: boolean): TarHeader | null;
  decodePax(buf: Buffer): Record<string, string>;
}
const headers = createRequire(__filename)('tar-stream/headers') as TarHeaders;

const BLOCK = 512;

/** One regular file of the tar: its name, size and where its bytes start in the tar file. */
export interface TarFileEntry {
  name: string;
  size: number;
  offset: number;
}

/**
 * Walks a tar's headers by position (a header, then its data padded to 512 bytes, then the next header), so the
 * caller reads each entry's data with large positioned reads. Yields regular files only: a bundle holds nothing
 * else, so a link, a folder or a device is reported through `damaged`. Pax records (long names, big sizes) apply
 * to the header after them. Throws `damaged(why)` for a bad header or a file ending before the end marker; an
 * entry whose data runs past the file's end is yielded (the caller names the part it cuts off).
 */
export async function* tarEntries(
  handle: FileHandle,
  fileSize: number,
  damaged: (why: string) => Error,
  startAt = 0,
): AsyncGenerator<TarFileEntry> {
  const block = Buffer.alloc(BLOCK);
  let offset = startAt;
  let pax: Record<string, string> | null = null;
  for (;;) {
    if (offset + BLOCK > fileSize) throw damaged(`the tar ends at byte ${fileSize} without its end marker`);
    await readExactly(handle, block, offset, damaged);
    let header: TarHeader | null;
    try {
      header = headers.decode(block, 'utf-8', false);
    } catch (err) {
      throw damaged(`a bad tar header at byte ${offset} (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!header) return; // the end-of-archive zero block
    const dataOffset = offset + BLOCK;
    let size = header.size;
    let name = header.name;
    if (pax) {
      if (pax.path) name = pax.path;
      if (pax.size) size = Number.parseInt(pax.size, 10);
      pax = null;
    }
    if (!Number.isSafeInteger(size) || size < 0) throw damaged(`the entry ${name} has a bad size`);
    offset = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (header.type === 'pax-header') {
      if (size > 1024 * 1024 || dataOffset + size > fileSize) throw damaged(`a bad pax record at byte ${offset}`);
      const data = Buffer.alloc(size);
      await readExactly(handle, data, dataOffset, damaged);
      pax = headers.decodePax(data);
      continue;
    }
    if (header.type !== 'file') throw damaged(`it holds "${name}", a ${header.type}, where a bundle holds only files`);
    yield { name, size, offset: dataOffset };
  }
}

/** Fills `buffer` from `position`; a short read (the file shrank meanwhile) is damage, not an end. */
export async function readExactly(
  handle: FileHandle,
  buffer: Buffer,
  position: number,
  damaged: (why: string) => Error,
): Promise<void> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) throw damaged(`it ends at byte ${position + filled}, inside an entry`);
    filled += bytesRead;
  }
}

/** The first entry's name and (when at most `maxBytes`) its text; null when the file does not start with one. */
export async function readFirstEntry(
  file: string,
  maxBytes: number,
): Promise<{ name: string; text: string | null } | null> {
  const handle = await fsp.open(file, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    const first = await tarEntries(handle, fileSize, (why) => new Error(why)).next();
    if (first.done) return null;
    const { name, size, offset } = first.value;
    if (size > maxBytes) return { name, text: null };
    const data = Buffer.alloc(size);
    await readExactly(handle, data, offset, (why) => new Error(why));
    return { name, text: data.toString('utf8') };
  } catch {
    return null; // not a tar, or cut off inside its first entry
  } finally {
    await handle.close();
  }
}
