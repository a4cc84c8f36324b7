import { describe, expect, it } from 'vitest';
import { parseParts } from '../../src/main/cli/commands/export';
import { type Manifest, parseManifest, partDigest } from '../../src/main/core/bundles/manifest';

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
