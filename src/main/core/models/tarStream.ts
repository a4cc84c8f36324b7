/**
 * A minimal POSIX tar (ustar + pax for long names and files over 8 GiB)
 * writer, so a folder model downloads through the browser as one stream
 * whose length is known up front. Readers: GNU tar, bsdtar, Python's tarfile.
 */
const BLOCK = 512;
const MAX_OCTAL_SIZE = 0o77777777777;

export function tarPadding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** Two zero blocks end an archive. */
export const TAR_END = Buffer.alloc(BLOCK * 2);

/** The header block(s) for one regular file; its data and tarPadding(size) follow. */
export function tarFileHeader(name: string, size: number, mtimeSeconds: number): Buffer {
  const long = Buffer.byteLength(name) > 100;
  const huge = size > MAX_OCTAL_SIZE;
  if (!long && !huge) return headerBlock(name, size, mtimeSeconds, '0');
  const records = Buffer.from((long ? paxRecord('path', name) : '') + (huge ? paxRecord('size', String(size)) : ''));
  const shortName = Buffer.from(name)
    .subarray(0, 100)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
  return Buffer.concat([
    headerBlock('PaxHeader', records.length, mtimeSeconds, 'x'),
    records,
    tarPadding(records.length),
    headerBlock(shortName, huge ? 0 : size, mtimeSeconds, '0'),
  ]);
}

/** Bytes of the whole archive (for Content-Length). */
export function tarSize(files: { path: string; size: number }[]): number {
  return (
    files.reduce((sum, f) => sum + tarFileHeader(f.path, f.size, 0).length + f.size + tarPadding(f.size).length, 0) +
    TAR_END.length
  );
}

function headerBlock(name: string, size: number, mtime: number, type: '0' | 'x'): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(0o644, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(Math.floor(mtime), 12), 136);
  block.write(' '.repeat(8), 148);
  block.write(type, 156);
  block.write('ustar\0', 257);
  block.write('00', 263);
  block.write('benchtop', 265);
  block.write('benchtop', 297);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** "<length> key=value\n", where length counts the whole record including its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body);
  while (String(length).length + Buffer.byteLength(body) !== length)
    length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}
