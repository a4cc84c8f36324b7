import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TabularOptions } from '../../src/shared/api/datasetTypes';
import { checkDatasetName, contentDigestOf, resolveTabular } from '../../src/main/core/datasets/datasetRules';
import { resolveSources, type SourceFile } from '../../src/main/core/datasets/datasetSources';
import { writeTree } from '../helpers/folderTree';

const tree = (files: Record<string, string>) => writeTree(fs.mkdtempSync(path.join(os.tmpdir(), 'bt-dsrules-')), files);

const files = (...paths: string[]): SourceFile[] => paths.map((p) => ({ absolute: `/x/${p}`, path: p, size: 1 }));

describe('dataset sources: files, folders and globs', () => {
  it('gives a glob its matches below the non-wildcard base, in path order', () => {
    const root = tree({ 'a/1.csv': '1', 'a/b/2.csv': '2', 'a/b/skip.txt': 's', 'a/.hidden.csv': 'h' });
    const source = resolveSources([`${root}/a/**/*.csv`]);
    expect(source.files.map((f) => f.path)).toEqual(['1.csv', 'b/2.csv']);
    expect(source.size).toBe(2);
    expect(source.given).toEqual([`${root}/a/**/*.csv`]);
  });

  it('resolves relative paths and globs from the given folder', () => {
    const root = tree({ 'data/x.csv': 'x', 'data/y.csv': 'y' });
    expect(resolveSources(['data/*.csv'], root).files.map((f) => f.path)).toEqual(['x.csv', 'y.csv']);
    expect(resolveSources(['data'], root).given).toEqual([path.join(root, 'data')]);
  });

  it('takes a path that exists as written literally, even with glob characters in it', () => {
    const root = tree({ '[draft].csv': 'd', 'd.csv': 'other' });
    expect(resolveSources([path.join(root, '[draft].csv')]).files.map((f) => f.path)).toEqual(['[draft].csv']);
  });

  it('refuses two sources giving the same relative path, naming both', () => {
    const root = tree({ 'a/x.csv': '1', 'b/x.csv': '2' });
    expect(() => resolveSources([path.join(root, 'a'), path.join(root, 'b')])).toThrow(
      `Two sources give the same file "x.csv" in the dataset: ${path.join(root, 'a', 'x.csv')} (from ${path.join(root, 'a')}) and ${path.join(root, 'b', 'x.csv')} (from ${path.join(root, 'b')}).`,
    );
  });

  it('follows links but visits a folder once (a link to a parent does not loop)', () => {
    const root = tree({ 'data/x.txt': 'x' });
    fs.symlinkSync(path.join(root, 'data'), path.join(root, 'data', 'loop'));
    expect(resolveSources([path.join(root, 'data')]).files.map((f) => f.path)).toEqual(['x.txt']);
  });

  it('names what is missing: the path, the glob base, or the matches', () => {
    const root = tree({ 'x.txt': 'x' });
    expect(() => resolveSources([path.join(root, 'nope.csv')])).toThrow(/The path ".*nope\.csv" does not exist/);
    expect(() => resolveSources([`${root}/gone/*.csv`])).toThrow(/starts in .*gone, which is not an existing folder/);
    expect(() => resolveSources([`${root}/*.csv`])).toThrow(/The glob ".*\*\.csv" matches no files/);
    fs.mkdirSync(path.join(root, 'empty'));
    expect(() => resolveSources([path.join(root, 'empty')])).toThrow(/The folder ".*empty" has no files/);
  });
});

describe('tabular options', () => {
  it('infers the format from the extensions and reads only the table files', () => {
    const { options, tables } = resolveTabular(files('a.csv', 'b.csv', 'README.md'), undefined, 'src');
    expect(options).toEqual(TabularOptions.parse({ format: 'delimited' }));
    expect(tables.map((t) => t.path)).toEqual(['a.csv', 'b.csv']);
    expect(resolveTabular(files('t.tsv'), undefined, 'src').options.separator).toBe('\t');
    expect(resolveTabular(files('p.parquet'), undefined, 'src').options.format).toBe('parquet');
    expect(resolveTabular(files('l.jsonl', 'm.json'), undefined, 'src').options.format).toBe('jsonl');
  });

  it('refuses mixed formats and folders without tables unless a format is given', () => {
    expect(() => resolveTabular(files('a.csv', 'b.parquet'), undefined, 'src')).toThrow(
      'src mixes table formats: a.csv (delimited), b.parquet (parquet). A tabular dataset is read in one format.',
    );
    expect(() => resolveTabular(files('a.png'), undefined, 'pics')).toThrow(/^pics holds no table files/);
    const given = resolveTabular(files('data.dat'), { format: 'delimited', separator: '|' }, 'src');
    expect(given.tables.map((t) => t.path)).toEqual(['data.dat']);
    expect(given.options.separator).toBe('|');
    // A format given and files of that format present: the others are not read as that format.
    expect(resolveTabular(files('a.parquet', 'b.csv'), { format: 'parquet' }, 'src').tables.map((t) => t.path)).toEqual(
      ['a.parquet'],
    );
  });
});

describe('content digest', () => {
  const a = { path: 'a.csv', digest: '1'.repeat(64) };
  const b = { path: 'b.csv', digest: '2'.repeat(64) };
  const csv = TabularOptions.parse({ format: 'delimited' });

  it('is the same for the same files in any order, and differs with kind, options, paths or bytes', async () => {
    const base = await contentDigestOf('file', null, [a, b]);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(await contentDigestOf('file', null, [b, a])).toBe(base);
    const differing = await Promise.all([
      contentDigestOf('tabular', csv, [a, b]),
      contentDigestOf('tabular', { ...csv, header: false }, [a, b]),
      contentDigestOf('file', null, [a, { ...b, path: 'c.csv' }]),
      contentDigestOf('file', null, [a, { ...b, digest: '3'.repeat(64) }]),
      contentDigestOf('file', null, [a]),
    ]);
    expect(new Set([base, ...differing]).size).toBe(6);
  });

  it('does not depend on the key order of the options', async () => {
    const reordered = JSON.parse(
      JSON.stringify({ inferColumnTypes: true, encoding: 'utf8', header: true, separator: ',', format: 'delimited' }),
    ) as TabularOptions;
    expect(await contentDigestOf('tabular', reordered, [a])).toBe(await contentDigestOf('tabular', csv, [a]));
  });
});

describe('dataset names', () => {
  it("accepts Azure's names and refuses the rest with the rule", () => {
    expect(checkDatasetName('iris-train_v2.1')).toBe('iris-train_v2.1');
    for (const bad of ['', ' ', 'a b', '-x', 'a/b', 'x'.repeat(256)])
      expect(() => checkDatasetName(bad), bad).toThrow(/dataset needs a name|not a valid dataset name/);
  });
});
