import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/**
 * The `benchtop_sdk` wheel: the `benchtop` and `azureml` packages of src/runtime, for `pip install`
 * into any Python >= 3.8 (the user's notebooks), without a PYTHONPATH.
 *
 * Written here, in Node, rather than by `pip wheel` or `python -m build`: those need setuptools or
 * a build backend from the package index, and the build must work offline on a fresh machine
 * (npm install runs it) where Python may lack both. A wheel is a zip with a dist-info folder
 * (METADATA, WHEEL, RECORD with each file's sha256), which is all pip needs. The output is
 * reproducible: files in sorted order with a fixed timestamp, so the same sources give the same
 * bytes. sitecustomize.py stays out: it is only for runs (block-buffered stdout), not for a
 * user's interpreter.
 */

export const SDK_DIST_NAME = 'benchtop_sdk';
const PACKAGES = ['benchtop', 'azureml'];

/** PEP 440 from package.json's version: "0.1.0" stays, "0.2.0-dev.3" -> "0.2.0.dev3". */
export function pep440(version: string): string {
  const match = /^(\d+(?:\.\d+)*)(?:-([A-Za-z]+)\.?(\d+)?)?/.exec(version);
  if (!match) return '0.0.0';
  const [, release, tag, n] = match;
  if (!tag) return release as string;
  const kind = /^(a|alpha)$/i.test(tag) ? 'a' : /^(b|beta)$/i.test(tag) ? 'b' : /^(rc|c)$/i.test(tag) ? 'rc' : '.dev';
  return `${release}${kind}${n ?? '0'}`;
}

export function sdkWheelFileName(version: string): string {
  return `${SDK_DIST_NAME}-${pep440(version)}-py3-none-any.whl`;
}

/** The runtime's package files (Python sources only: no caches, no compiled files). */
function packageFiles(runtimeDir: string): { name: string; data: Buffer }[] {
  const out: { name: string; data: Buffer }[] = [];
  const walk = (rel: string) => {
    const dir = path.join(runtimeDir, rel);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== '__pycache__') walk(child);
      } else if (entry.isFile() && entry.name.endsWith('.py')) {
        out.push({ name: child, data: fs.readFileSync(path.join(dir, entry.name)) });
      }
    }
  };
  for (const pkg of PACKAGES) walk(pkg);
  return out;
}

function recordHash(data: Buffer): string {
  return `sha256=${createHash('sha256').update(data).digest('base64url')}`;
}

/** A zip archive (deflated entries, fixed 1980-01-01 timestamps) of these files, in this order. */
export function zipArchive(files: { name: string; data: Buffer }[]): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const dosTime = 0;
  const dosDate = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const deflated = zlib.deflateRawSync(file.data, { level: 9 });
    const crc = zlib.crc32(file.data) >>> 0;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed
    header.writeUInt16LE(0x0800, 6); // UTF-8 names
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(dosTime, 10);
    header.writeUInt16LE(dosDate, 12);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(deflated.length, 18);
    header.writeUInt32LE(file.data.length, 22);
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(0, 28);
    local.push(header, name, deflated);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below counts
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(dosTime, 12);
    entry.writeUInt16LE(dosDate, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(deflated.length, 20);
    entry.writeUInt32LE(file.data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt16LE(0, 30); // extra
    entry.writeUInt16LE(0, 32); // comment
    entry.writeUInt16LE(0, 34); // disk
    entry.writeUInt16LE(0, 36); // internal attributes
    entry.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += header.length + name.length + deflated.length;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, ...central, end]);
}

export interface SdkWheelOptions {
  runtimeDir: string;
  outDir: string;
  version: string;
  /** Files added inside the packages, e.g. benchtop/_install.json with the CLI's location. */
  extraFiles?: Record<string, string>;
}

/** Writes the wheel into outDir (atomically) and returns its path. */
export function writeSdkWheel(options: SdkWheelOptions): string {
  const version = pep440(options.version);
  const info = `${SDK_DIST_NAME}-${version}.dist-info`;
  const files = [
    ...packageFiles(options.runtimeDir),
    ...Object.entries(options.extraFiles ?? {}).map(([name, text]) => ({ name, data: Buffer.from(text, 'utf8') })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const metadata = [
    'Metadata-Version: 2.1',
    `Name: ${SDK_DIST_NAME}`,
    `Version: ${version}`,
    'Summary: Benchtop: Azure ML SDK v1 (azureml.core) on a local, offline workspace',
    'License: MIT',
    'Requires-Python: >=3.8',
    '',
    'The `azureml` and `benchtop` packages of Benchtop. Install with `benchtop sdk install`,',
    'which also records where the Benchtop CLI is.',
    '',
  ].join('\n');
  const wheel = 'Wheel-Version: 1.0\nGenerator: benchtop\nRoot-Is-Purelib: true\nTag: py3-none-any\n';
  const meta = [
    { name: `${info}/METADATA`, data: Buffer.from(metadata) },
    { name: `${info}/WHEEL`, data: Buffer.from(wheel) },
    { name: `${info}/top_level.txt`, data: Buffer.from(`${PACKAGES.join('\n')}\n`) },
  ];
  const all = [...files, ...meta];
  const record = [...all.map((f) => `${f.name},${recordHash(f.data)},${f.data.length}`), `${info}/RECORD,,`, ''].join(
    '\n',
  );
  const archive = zipArchive([...all, { name: `${info}/RECORD`, data: Buffer.from(record) }]);
  fs.mkdirSync(options.outDir, { recursive: true });
  const target = path.join(options.outDir, sdkWheelFileName(options.version));
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, archive);
  fs.renameSync(tmp, target);
  return target;
}
