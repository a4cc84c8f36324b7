import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TabularOptions } from '../../src/shared/api/datasetTypes';
import { checkTableHead, previewTable, profileFiles, type TableFile } from '../../src/main/core/datasets/tabular';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-tabular-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function table(name: string, text: string | Buffer): TableFile {
  const absolute = path.join(dir, name);
  fs.writeFileSync(absolute, text);
  return { absolute, path: `data/${name}`, size: fs.statSync(absolute).size };
}
const csv: TabularOptions = {
  format: 'delimited',
  separator: ',',
  header: true,
  encoding: 'utf8',
  inferColumnTypes: true,
};
const jsonl: TabularOptions = { ...csv, format: 'jsonl' };

describe('previewTable', () => {
  it('shows the first rows with pandas-like types, quoted fields and embedded newlines intact', async () => {
    const file = table(
      'a.csv',
      '\ufeffid,name,ok,when,score\r\n1,"Smith, J",True,2024-01-02,\r\n2,"two\nlines",false,2024-01-03,1.5\r\n3,x,TRUE,2024-01-04,2\r\n',
    );
    const preview = await previewTable([file], csv, 2);
    expect(preview.columns).toEqual([
      { name: 'id', type: 'int' },
      { name: 'name', type: 'string' },
      { name: 'ok', type: 'bool' },
      { name: 'when', type: 'datetime' },
      { name: 'score', type: 'float' },
    ]);
    expect(preview.rows).toEqual([
      [1, 'Smith, J', true, '2024-01-02', null],
      [2, 'two\nlines', false, '2024-01-03', 1.5],
    ]);
    expect(preview.truncated).toBe(true);
    expect((await previewTable([file], csv, 3)).truncated).toBe(false);
  });

  it('continues into the next file (skipping its header) and names headerless columns Column1..', async () => {
    const a = table('p1.tsv', 'a\tb\n1\tx\n');
    const b = table('p2.tsv', 'a\tb\n2\ty\n3\tz\n');
    const preview = await previewTable([a, b], { ...csv, separator: '\t' }, 2);
    expect(preview.rows).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
    expect(preview.truncated).toBe(true);
    const headerless = await previewTable(
      [table('nh.csv', '5;6\n7;8\n')],
      { ...csv, separator: ';', header: false },
      10,
    );
    expect(headerless.columns.map((c) => c.name)).toEqual(['Column1', 'Column2']);
    expect(headerless.rows).toEqual([
      [5, 6],
      [7, 8],
    ]);
  });

  it('reads JSON lines: columns in first-seen order, absent keys null', async () => {
    const file = table('r.jsonl', '{"a":1,"b":"x"}\n\n{"c":true,"a":2.5}\n{"a":null,"b":{"n":1}}\n');
    const preview = await previewTable([file], jsonl, 10);
    expect(preview.columns).toEqual([
      { name: 'a', type: 'float' },
      { name: 'b', type: 'string' },
      { name: 'c', type: 'bool' },
    ]);
    expect(preview.rows).toEqual([
      [1, 'x', null],
      [2.5, null, true],
      [null, '{"n":1}', null],
    ]);
  });

  it('reads latin1 files when told', async () => {
    const file = table('l.csv', Buffer.from('name\ncaf\xe9\n', 'latin1'));
    expect((await previewTable([file], { ...csv, encoding: 'latin1' }, 5)).rows).toEqual([['café']]);
  });
});

describe('checkTableHead', () => {
  it('refuses a row with the wrong field count, naming the file and the line', async () => {
    const file = table('bad.csv', 'a,b,c\n1,2,3\n"x\ny",2,3\n4,5\n');
    await expect(checkTableHead([file], csv)).rejects.toMatchObject({
      code: 'PARSE_ERROR',
      message: 'data/bad.csv line 5: expected 3 fields (as the header), found 2.',
    });
  });

  it('refuses files whose headers differ, naming both, and empty files', async () => {
    const a = table('h1.csv', 'a,b\n1,2\n');
    const b = table('h2.csv', 'a,c\n1,2\n');
    await expect(checkTableHead([a, b], csv)).rejects.toMatchObject({
      code: 'PARSE_ERROR',
      message: expect.stringMatching(/^data\/h2\.csv has a different header than data\/h1\.csv/),
    });
    await expect(checkTableHead([a, table('e.csv', '')], csv)).rejects.toMatchObject({
      message: expect.stringMatching(/^data\/e\.csv is empty/),
    });
    await expect(checkTableHead([table('blank.csv', '\n\n')], csv)).rejects.toMatchObject({
      message: expect.stringMatching(/is empty/),
    });
  });

  it('refuses a quote never closed, and a JSON line that is not an object', async () => {
    await expect(checkTableHead([table('q.csv', 'a,b\n1,"open\n2,3\n')], csv)).rejects.toMatchObject({
      code: 'PARSE_ERROR',
      message: expect.stringMatching(/^data\/q\.csv line \d+: Quote Not Closed/),
    });
    await expect(checkTableHead([table('j.jsonl', '{"a":1}\n[1,2]\n')], jsonl)).rejects.toMatchObject({
      message: 'data/j.jsonl line 2: expected a JSON object, found an array.',
    });
    await expect(checkTableHead([table('k.jsonl', '{"a":1}\n{"a":\n')], jsonl)).rejects.toMatchObject({
      message: expect.stringMatching(/^data\/k\.jsonl line 2: not valid JSON/),
    });
  });

  it('accepts a good table and reads only its head', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},${i * 2}`).join('\n');
    // Line 3003 is broken, past the head: registration's check does not read it (the profile does).
    const file = table('long.csv', `a,b\n${rows}\n1,2,3\n`);
    await expect(checkTableHead([file], csv)).resolves.toBeUndefined();
    await expect(profileFiles([file], csv)).rejects.toMatchObject({
      message: 'data/long.csv line 3002: expected 2 fields (as the header), found 3.',
    });
  });
});

describe('Parquet input that is not Parquet', () => {
  it('says which file and what to check', async () => {
    const parquet: TabularOptions = { ...csv, format: 'parquet' };
    await expect(checkTableHead([table('fake.parquet', 'a,b\n1,2\n')], parquet)).rejects.toMatchObject({
      code: 'PARSE_ERROR',
      message: expect.stringMatching(/^data\/fake\.parquet is not a readable Parquet file/),
    });
    await expect(previewTable([table('none.parquet', '')], parquet, 5)).rejects.toMatchObject({
      message: expect.stringMatching(/^data\/none\.parquet is empty/),
    });
  });
});

describe('profileFiles', () => {
  it('profiles every file, with byte progress to the total', async () => {
    const a = table('s1.csv', 'n,t\n1,x\n2,\n');
    const b = table('s2.csv', 'n,t\n3.5,y\nNA,z\n');
    const seen: number[] = [];
    const profile = await profileFiles([a, b], csv, (done, total) => {
      expect(total).toBe(a.size + b.size);
      seen.push(done);
    });
    expect(profile.rowCount).toBe(4);
    expect(profile.columns).toEqual([
      { name: 'n', type: 'float', missing: 1, min: 1, max: 3.5, mean: 6.5 / 3 },
      { name: 't', type: 'string', missing: 1, min: null, max: null, mean: null },
    ]);
    expect(seen.at(-1)).toBe(a.size + b.size);
    expect([...seen].sort((x, y) => x - y)).toEqual(seen);
  });

  it('counts JSON keys a row lacks as missing', async () => {
    const profile = await profileFiles(
      [table('m.jsonl', '{"a":1}\n{"b":"2024-01-01"}\n{"a":3,"b":"2025-06-30"}\n')],
      jsonl,
    );
    expect(profile).toEqual({
      rowCount: 3,
      columns: [
        { name: 'a', type: 'int', missing: 1, min: 1, max: 3, mean: 2 },
        { name: 'b', type: 'datetime', missing: 1, min: '2024-01-01', max: '2025-06-30', mean: null },
      ],
    });
  });
});

describe("Azure's infer_column_types=False", () => {
  it('reads every column as text, still counting missing cells', async () => {
    const file = table('text.csv', 'a,b\n1,True\n,2024-01-01\n');
    const options = { ...csv, inferColumnTypes: false };
    const preview = await previewTable([file], options, 5);
    expect(preview.columns.map((c) => c.type)).toEqual(['string', 'string']);
    expect(preview.rows).toEqual([
      ['1', 'True'],
      [null, '2024-01-01'],
    ]);
    expect((await profileFiles([file], options)).columns[0]).toEqual({
      name: 'a',
      type: 'string',
      missing: 1,
      min: null,
      max: null,
      mean: null,
    });
  });
});
