import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parseParts } from '../../src/main/cli/commands/export';
import { type Manifest, parseManifest, partDigest } from '../../src/main/core/bundles/manifest';
import { readFirstEntry, tarEntries } from '../../src/main/core/bundles/tarIndex';

const SHA = 'a'.repeat(64);
const manifest = (entries: string[], formatVersion = 1): string =>
  JSON.stringify({
    formatVersion,
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'Benchtop test',
    parts: [
      {
        kind: 'model',
        name: 'm',
        version: '1',
        runId: '',
        record: {},
        files: entries.map((entry) => ({ entry, size: 1, sha256: SHA })),
      },
    ],
  });

describe('bundle manifest', () => {
  it('reads a format-1 manifest', () => {
    const parsed = parseManifest('x.btb', manifest(['p0/files/0', 'p0/files/1']));
    expect(parsed.parts[0]?.files).toHaveLength(2);
  });

  it('names a newer format as such, whatever else the manifest holds', () => {
    expect(() => parseManifest('x.btb', JSON.stringify({ formatVersion: 2, anything: true }))).toThrow(
      /made by a newer Benchtop \(bundle format 2; this one reads format 1\)/,
    );
  });

  it.each([['../etc/passwd'], ['p0/../../x'], ['p1/files/0'], ['/abs/p0/x'], ['p0/x'], ['p0/files/a\\b']])(
    'refuses the entry name %s (it would leave the bundle layout)',
    (entry) => {
      expect(() => parseManifest('x.btb', manifest([entry]))).toThrow(/which is not allowed/);
    },
  );

  it('refuses the same entry twice, and what is not JSON or not a manifest', () => {
    expect(() => parseManifest('x.btb', manifest(['p0/files/0', 'p0/files/0']))).toThrow(/not allowed/);
    expect(() => parseManifest('x.btb', '{nope')).toThrow(/not JSON/);
    expect(() => parseManifest('x.btb', JSON.stringify({ formatVersion: 1 }))).toThrow(/malformed/);
  });

  it("gives a part's digest from its record and files: same content, same digest", () => {
    const one = parseManifest('x.btb', manifest(['p0/files/0'])).parts[0] as Manifest['parts'][number];
    const two = { ...one, files: [{ ...one.files[0]!, sha256: 'b'.repeat(64) }] };
    expect(partDigest(one)).toBe(partDigest(structuredClone(one)));
    expect(partDigest(two)).not.toBe(partDigest(one));
  });
});

describe('export arguments', () => {
  it('reads kind/name pairs', () => {
    expect(parseParts(['env', 'e:2', 'model', 'm', 'run', 'r_1', 'service', 's'])).toEqual([
      { kind: 'environment', name: 'e', version: '2' },
      { kind: 'model', name: 'm' },
      { kind: 'run', runId: 'r_1' },
      { kind: 'service', name: 's' },
    ]);
  });

  it('says what is wrong with a word that is not a kind, or a kind with no name', () => {
    expect(() => parseParts(['thing', 'x'])).toThrow(/"thing" is not a kind of part/);
    expect(() => parseParts(['model'])).toThrow(/"model" needs a name/);
  });
});

describe('tar index (what import walks instead of a streaming parser)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-tarindex-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const pack = async (name: string, files: { name: string; data?: string; type?: 'directory' }[]) => {
    const file = path.join(dir, name);
    const packer = tar.pack();
    const done = pipeline(packer, fs.createWriteStream(file));
    for (const f of files) packer.entry({ name: f.name, type: f.type ?? 'file' }, f.data ?? '');
    packer.finalize();
    await done;
    return file;
  };
  const list = async (file: string) => {
    const handle = await fsp.open(file, 'r');
    try {
      const found: { name: string; data: string; whole: boolean }[] = [];
      const size = (await handle.stat()).size;
      for await (const e of tarEntries(handle, size, (why) => new Error(why))) {
        const whole = e.offset + e.size <= size;
        const data = Buffer.alloc(whole ? e.size : 0);
        await handle.read(data, 0, data.length, e.offset);
        found.push({ name: e.name, data: data.toString(), whole });
      }
      return found;
    } finally {
      await handle.close();
    }
  };

  it("finds each file's bytes by offset, long (pax) names and empty files included", async () => {
    const long = `p0/files/${'x'.repeat(300)}`;
    const file = await pack('ok.tar', [
      { name: 'manifest.json', data: '{}' },
      { name: long, data: 'a'.repeat(1000) },
      { name: 'p0/files/1', data: '' },
    ]);
    expect(await list(file)).toEqual([
      { name: 'manifest.json', data: '{}', whole: true },
      { name: long, data: 'a'.repeat(1000), whole: true },
      { name: 'p0/files/1', data: '', whole: true },
    ]);
    expect(await readFirstEntry(file, 10)).toEqual({ name: 'manifest.json', text: '{}' });
    expect(await readFirstEntry(file, 1)).toEqual({ name: 'manifest.json', text: null });
  });

  it('refuses a folder, a bad header and a file with no end marker; yields a cut-off entry as such', async () => {
    await expect(list(await pack('dir.tar', [{ name: 'p0', type: 'directory' }]))).rejects.toThrow(/a directory/);
    const good = fs.readFileSync(await pack('two.tar', [{ name: 'a', data: 'x'.repeat(2000) }, { name: 'b' }]));
    const bad = Buffer.from(good);
    bad[3] = 0x7a; // the name changes, the header's checksum does not
    fs.writeFileSync(path.join(dir, 'bad.tar'), bad);
    await expect(list(path.join(dir, 'bad.tar'))).rejects.toThrow(/bad tar header at byte 0/);
    expect(await readFirstEntry(path.join(dir, 'bad.tar'), 100)).toBeNull();
    fs.writeFileSync(path.join(dir, 'cut.tar'), good.subarray(0, 1024));
    expect(await list(path.join(dir, 'cut.tar')).catch((e: Error) => e.message)).toMatch(/without its end marker/);
    fs.writeFileSync(path.join(dir, 'cut2.tar'), good.subarray(0, 600));
    const handle = await fsp.open(path.join(dir, 'cut2.tar'), 'r');
    const first = await tarEntries(handle, 600, (why) => new Error(why)).next();
    await handle.close();
    expect(first.value).toMatchObject({ name: 'a', size: 2000, offset: 512 });
  });
});
