import fs from 'node:fs';

/**
 * Whether a tarball was made by `docker save` (it has manifest.json or repositories at its top)
 * rather than being a root filesystem. Reads only the tar headers, skipping the contents.
 */
export function isDockerSave(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const header = Buffer.alloc(512);
    let offset = 0;
    let longName: string | null = null;
    while (offset + 512 <= size) {
      if (fs.readSync(fd, header, 0, 512, offset) < 512 || header.every((b) => b === 0)) return false;
      const type = String.fromCharCode(header[156] ?? 0);
      const entrySize = Number.parseInt(
        header.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim() || '0',
        8,
      );
      let name = longName ?? header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
      longName = null;
      if (type === 'L') {
        const body = Buffer.alloc(entrySize);
        fs.readSync(fd, body, 0, entrySize, offset + 512);
        longName = body.toString('utf8').replace(/\0.*$/s, '');
      }
      name = name.replace(/^\.\//, '');
      if (type !== 'L' && (name === 'manifest.json' || name === 'repositories' || name === 'index.json')) return true;
      // The first entries of a root filesystem are its top-level folders: stop early.
      if (/^(etc|usr|bin|lib|var)\/?$/.test(name)) return false;
      offset += 512 + Math.ceil(entrySize / 512) * 512;
    }
    return false;
  } finally {
    fs.closeSync(fd);
  }
}
