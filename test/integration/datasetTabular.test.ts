// Tabular datasets read as pandas reads them: profiles compared with pandas (read_csv / read_json / read_parquet
// with nullable dtypes) on messy generated tables, the profile worker (progress, cancel, responsiveness), and a
// 1 GB CSV registered and previewed through the built CLI.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIsoDatetime } from '../../src/main/core/datasets/tabular/cellValues';
import { previewTable, profileTable, type TableFile } from '../../src/main/core/datasets/tabular';
import type { ColumnProfile, DatasetPreview, TabularOptions } from '../../src/shared/api/datasetTypes';
import { mlflowPython } from '../helpers/mlflowVenv';
import { mlflowServerCommand } from '../helpers/mlflowServerVenv';
import { seededRandom } from '../helpers/seededRandom';
import { requireComponent, runCli, tempDir } from '../helpers/workspace';

const dir = tempDir('bt-tabular-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const delimited = (separator: string, header = true): TabularOptions => ({
  format: 'delimited',
  separator,
  header,
  encoding: 'utf8',
  inferColumnTypes: true,
});
const tableFile = (absolute: string): TableFile => ({
  absolute,
  path: path.basename(absolute),
  size: fs.statSync(absolute).size,
});

const HEADER = ['id', 'count', 'price', 'flag', 'day', 'label', 'mixed', 'nothing', 'spaced'];

/** Quotes, separators and newlines inside fields, pandas' NA words, ints mixed with floats, bools, ISO dates. */
function messyRows(rows: number, seed: number, separator: string): string[][] {
  const r = seededRandom(seed);
  const pick = <T>(items: T[]) => items[Math.floor(r() * items.length)] as T;
  const missing = () => pick(['', 'NA', 'null', 'N/A', 'NaN']);
  const pad = (n: number) => String(n).padStart(2, '0');
  return Array.from({ length: rows }, (_, i) => {
    const date = `${2000 + Math.floor(r() * 30)}-${pad(1 + Math.floor(r() * 12))}-${pad(1 + Math.floor(r() * 28))}`;
    return [
      String(i),
      r() < 0.1 ? missing() : String(Math.floor(r() * 2001) - 1000),
      r() < 0.08
        ? missing()
        : r() < 0.4
          ? String(Math.floor(r() * 500))
          : pick([(r() * 1e4).toFixed(3), `${(r() * 9).toFixed(2)}e2`]),
      r() < 0.1 ? '' : pick(['True', 'False', 'TRUE', 'false', 'true', 'FALSE']),
      r() < 0.1 ? '' : r() < 0.5 ? date : `${date} ${pad(Math.floor(r() * 24))}:${pad(Math.floor(r() * 60))}:07`,
      pick(['plain', `has${separator} separator`, 'has "quotes"', 'two\nlines', '42', '', ' padded ']),
      i === 3 ? '7' : pick(['True', 'False']),
      '',
      ` ${Math.floor(r() * 100)} `,
    ];
  });
}

function writeDelimited(file: string, rows: string[][], separator: string, header: boolean): string {
  const quote = (v: string) =>
    v.includes(separator) || /["\n\r]/.test(v) || v.startsWith(' ') ? `"${v.replace(/"/g, '""')}"` : v;
  const lines = (header ? [HEADER, ...rows] : rows).map((fields) => fields.map(quote).join(separator));
  fs.writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

function writeJsonLines(file: string, rows: number, seed: number): string {
  const r = seededRandom(seed);
  const lines = Array.from({ length: rows }, (_, i) => {
    const row: Record<string, unknown> = { id: i, ratio: r() < 0.5 ? Math.floor(r() * 50) : r() * 50 };
    if (r() < 0.85) row.n = r() < 0.1 ? null : Math.floor(r() * 1e6) - 5e5;
    row.ok = r() < 0.1 ? null : r() < 0.5;
    row.when = r() < 0.1 ? null : new Date(Date.UTC(2020, 0, 1) + Math.floor(r() * 1e11)).toISOString().slice(0, 19);
    row.word = r() < 0.05 ? null : `w${Math.floor(r() * 100)}`;
    if (i % 7 === 0) row.nested = { k: i };
    return JSON.stringify(row);
  });
  fs.writeFileSync(file, `${lines.join('\n')}\n\n`);
  return file;
}

/** pandas' view of the same tables: nullable dtypes (Int64, Float64, boolean) so ints with gaps stay ints. */
const PANDAS = String.raw`
import datetime, json, sys
import pandas as pd

def read(spec, path):
    if spec["format"] == "jsonl":
        return pd.read_json(path, lines=True, dtype_backend="numpy_nullable")
    if spec["format"] == "parquet":
        return pd.read_parquet(path, dtype_backend="numpy_nullable")
    return pd.read_csv(path, sep=spec["sep"], header=0 if spec["header"] else None, dtype_backend="numpy_nullable")

def ms(value):
    return int((pd.Timestamp(value) - pd.Timestamp(0)) // pd.Timedelta(1, "ms"))

def column(s):
    nonnull = s.dropna()
    out = {"missing": int(s.isna().sum()), "dtype": str(s.dtype)}
    dtype = str(s.dtype).lower()
    if len(nonnull) == 0:
        return {**out, "type": "empty"}
    if dtype.startswith("int"):
        kind = "int"
    elif dtype.startswith("float"):
        kind = "float"
    elif dtype in ("boolean", "bool"):
        return {**out, "type": "bool"}
    elif dtype.startswith("datetime64") or all(isinstance(v, datetime.date) for v in nonnull):
        return {**out, "type": "datetime", "minMs": ms(nonnull.min()), "maxMs": ms(nonnull.max())}
    else:
        if not all(isinstance(v, str) for v in nonnull):
            return {**out, "type": "string"}
        try:
            parsed = pd.to_datetime(nonnull, format="ISO8601")
        except (ValueError, TypeError):
            return {**out, "type": "string"}
        return {**out, "type": "datetime", "minMs": ms(parsed.min()), "maxMs": ms(parsed.max())}
    return {**out, "type": kind, "min": float(nonnull.min()), "max": float(nonnull.max()), "mean": float(nonnull.mean())}

results = []
for spec in json.loads(sys.argv[1]):
    df = pd.concat([read(spec, p) for p in spec["paths"]], ignore_index=True)
    head = json.loads(df.head(20).to_json(orient="values")) if spec["format"] == "delimited" else None
    results.append({"rowCount": len(df), "columns": [column(df[c]) for c in df.columns], "head": head})
print(json.dumps(results))
`;

interface PandasColumn {
  type: string;
  missing: number;
  min?: number;
  max?: number;
  mean?: number;
  minMs?: number;
  maxMs?: number;
}
interface PandasTable {
  rowCount: number;
  columns: PandasColumn[];
  head: unknown[][] | null;
}
interface Spec {
  format: 'delimited' | 'jsonl' | 'parquet';
  sep?: string;
  header?: boolean;
  paths: string[];
}

function pandas(python: string, specs: Spec[]): PandasTable[] {
  return JSON.parse(execFileSync(python, ['-c', PANDAS, JSON.stringify(specs)], { encoding: 'utf8' })) as PandasTable[];
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300);

/** Row count, each column's type, missing count, min/max/mean (1e-9 relative) and date extremes, column by column. */
function expectSameProfile(ours: { rowCount: number; columns: ColumnProfile[] }, theirs: PandasTable, label: string) {
  expect(ours.rowCount, label).toBe(theirs.rowCount);
  expect(ours.columns.length, label).toBe(theirs.columns.length);
  ours.columns.forEach((column, i) => {
    const other = theirs.columns[i] as PandasColumn;
    const where = `${label} column ${column.name}`;
    expect({ type: column.type, missing: column.missing }, where).toEqual({ type: other.type, missing: other.missing });
    if (column.type === 'int' || column.type === 'float') {
      for (const key of ['min', 'max', 'mean'] as const) {
        expect(
          close(column[key] as number, other[key] as number),
          `${where} ${key}: ${column[key]} vs ${other[key]}`,
        ).toBe(true);
      }
    } else if (column.type === 'datetime') {
      expect(parseIsoDatetime((column.min as string).replace(/Z$/, '')), `${where} min`).toBe(other.minMs);
      expect(parseIsoDatetime((column.max as string).replace(/Z$/, '')), `${where} max`).toBe(other.maxMs);
    } else {
      expect([column.min, column.max, column.mean], where).toEqual([null, null, null]);
    }
  });
}

describe('profiles and previews against pandas', () => {
  it('delimited (CSV, TSV, no header, two files) and JSON lines', async (ctx) => {
    const python = await mlflowPython();
    if (!requireComponent('pandas (the mlflow test venv, package index)', python !== null) || !python)
      return ctx.skip();
    const csv = writeDelimited(path.join(dir, 'messy.csv'), messyRows(3000, 1, ','), ',', true);
    const tsv = writeDelimited(path.join(dir, 'messy.tsv'), messyRows(2500, 2, '\t'), '\t', true);
    const bare = writeDelimited(path.join(dir, 'bare.csv'), messyRows(800, 3, ','), ',', false);
    const second = writeDelimited(path.join(dir, 'messy2.csv'), messyRows(1200, 4, ','), ',', true);
    const jsonl = writeJsonLines(path.join(dir, 'rows.jsonl'), 3000, 5);
    const cases: { spec: Spec; options: TabularOptions }[] = [
      { spec: { format: 'delimited', sep: ',', header: true, paths: [csv] }, options: delimited(',') },
      { spec: { format: 'delimited', sep: '\t', header: true, paths: [tsv] }, options: delimited('\\t') },
      { spec: { format: 'delimited', sep: ',', header: false, paths: [bare] }, options: delimited(',', false) },
      { spec: { format: 'delimited', sep: ',', header: true, paths: [csv, second] }, options: delimited(',') },
      { spec: { format: 'jsonl', paths: [jsonl] }, options: { ...delimited(','), format: 'jsonl' } },
    ];
    const expected = pandas(
      python,
      cases.map((c) => c.spec),
    );
    for (const [i, { spec, options }] of cases.entries()) {
      const files = spec.paths.map(tableFile);
      const label = `${spec.format} ${spec.paths.map((p) => path.basename(p)).join('+')}`;
      expectSameProfile(await profileTable(files, options), expected[i] as PandasTable, label);
      const head = expected[i]?.head;
      if (head) expect((await previewTable(files, options, 20)).rows, `${label} preview`).toEqual(head);
    }
    // Types pandas has no word for are still ours: the mixed column is text, the all-empty one "empty".
    const profile = await profileTable([tableFile(csv)], delimited(','));
    expect(profile.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'int'],
      ['count', 'int'],
      ['price', 'float'],
      ['flag', 'bool'],
      ['day', 'datetime'],
      ['label', 'string'],
      ['mixed', 'string'],
      ['nothing', 'empty'],
      ['spaced', 'int'],
    ]);
  });

  it('Parquet written by pyarrow (row groups, snappy / zstd / gzip)', async (ctx) => {
    const mlflow = await mlflowServerCommand();
    if (!requireComponent('pyarrow (the mlflow server test venv, package index)', mlflow !== null) || !mlflow) {
      return ctx.skip();
    }
    const python = path.join(path.dirname(mlflow), 'python');
    const write = String.raw`
import datetime, sys, numpy as np, pandas as pd, pyarrow as pa, pyarrow.parquet as pq
rng = np.random.default_rng(7)
for i, codec in enumerate(["snappy", "zstd", "gzip"]):
    n = 2000 + i * 500
    df = pd.DataFrame({
        "id": np.arange(n, dtype="int64") + i * 10_000,
        "count": pd.array(np.where(rng.random(n) < 0.1, None, rng.integers(-500, 500, n)), dtype="Int64"),
        "price": np.where(rng.random(n) < 0.1, np.nan, rng.random(n) * 1e4),
        "flag": pd.array(np.where(rng.random(n) < 0.1, None, rng.random(n) < 0.5), dtype="boolean"),
        "word": np.where(rng.random(n) < 0.1, None, [f"w{k}" for k in rng.integers(0, 99, n)]),
        "at": pd.to_datetime(rng.integers(1_500_000_000, 1_800_000_000, n), unit="s"),
        "big": rng.integers(2**40, 2**50, n, dtype="int64"),
        "on": [datetime.date(2020, 1, 1) + datetime.timedelta(days=int(d)) for d in rng.integers(0, 3000, n)],
    })
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), f"{sys.argv[1]}/part-{i}.parquet", row_group_size=700, compression=codec)
`;
    execFileSync(python, ['-c', write, dir]);
    const paths = [0, 1, 2].map((i) => path.join(dir, `part-${i}.parquet`));
    const options: TabularOptions = { ...delimited(','), format: 'parquet' };
    const [expected] = pandas(python, [{ format: 'parquet', paths }]);
    const progress: number[] = [];
    const files = paths.map(tableFile);
    const profile = await profileTable(files, options, { onProgress: (done) => progress.push(done) });
    expectSameProfile(profile, expected as PandasTable, 'parquet');
    expect(progress.at(-1)).toBe(files.reduce((sum, f) => sum + f.size, 0));
    const preview = await previewTable(files, options, 5);
    expect(preview.columns.map((c) => c.type)).toEqual([
      'int',
      'int',
      'float',
      'bool',
      'string',
      'datetime',
      'int',
      'datetime',
    ]);
    // A DATE column shows days, as pandas shows datetime.date; a timestamp its instant.
    expect(preview.rows[0]?.[7]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(preview.rows[0]?.[5]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
    expect(preview.rows.map((row) => row[0])).toEqual([0, 1, 2, 3, 4]);
    expect(preview.truncated).toBe(true);
  });
});

describe('the profile worker', () => {
  // ~40 MB: long enough to watch the main thread and to cancel halfway.
  const big = path.join(dir, 'forty.csv');
  const writeBig = () => {
    if (fs.existsSync(big)) return tableFile(big);
    const block = Array.from(
      { length: 20_000 },
      (_, i) => `${i},${(i * 0.37).toFixed(2)},word${i % 97},2024-01-0${1 + (i % 9)}`,
    ).join('\n');
    fs.writeFileSync(big, 'a,b,c,d\n');
    for (let i = 0; i < 64; i++) fs.appendFileSync(big, `${block}\n`);
    return tableFile(big);
  };

  it('keeps the main thread free, reports progress by bytes, and fails a bad row deep in the file with its line', async () => {
    const file = writeBig();
    let ticks = 0;
    let longestGap = 0;
    let last = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks++;
    }, 10);
    const progress: number[] = [];
    const profile = await profileTable([file], delimited(','), { onProgress: (done) => progress.push(done) });
    clearInterval(timer);
    expect(profile.rowCount).toBe(64 * 20_000);
    expect(profile.columns[3]).toMatchObject({ type: 'datetime', min: '2024-01-01', max: '2024-01-09' });
    expect(ticks).toBeGreaterThan(5);
    // The worker reads; the main thread only gets messages (on a busy 2-core machine a gap of some 100 ms is normal).
    expect(longestGap).toBeLessThan(1000);
    expect(progress.length).toBeGreaterThan(2);
    expect([...progress].sort((x, y) => x - y)).toEqual(progress);
    expect(progress.at(-1)).toBe(file.size);

    const broken = path.join(dir, 'broken.csv');
    fs.copyFileSync(big, broken);
    fs.appendFileSync(broken, '1,2,3\n');
    await expect(profileTable([tableFile(broken)], delimited(','))).rejects.toMatchObject({
      code: 'PARSE_ERROR',
      message: `broken.csv line ${64 * 20_000 + 2}: expected 4 fields (as the header), found 3.`,
    });
  });

  it('stops at once when canceled', async () => {
    const file = writeBig();
    const controller = new AbortController();
    const started = Date.now();
    let canceledAt = 0;
    const run = profileTable([file], delimited(','), {
      signal: controller.signal,
      onProgress: (done) => {
        if (!canceledAt && done > 0) {
          canceledAt = Date.now();
          controller.abort();
        }
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELED' });
    expect(Date.now() - canceledAt).toBeLessThan(500);
    expect(Date.now() - started).toBeLessThan(10_000);
    const aborted = new AbortController();
    aborted.abort();
    await expect(profileTable([file], delimited(','), { signal: aborted.signal })).rejects.toMatchObject({
      code: 'CANCELED',
    });
  });
});

describe('a 1 GB CSV', () => {
  it('registers through the CLI without a profile and previews in well under 5 s', async () => {
    const workspace = tempDir('bt-tabular-ws-');
    const csv = path.join(tempDir('bt-tabular-big-'), 'big.csv');
    try {
      // Stream-written: 1 MB blocks of distinct rows (ids keep counting), 1 GiB in all.
      const fd = fs.openSync(csv, 'w');
      fs.writeSync(fd, 'id,value,name,day\n');
      let id = 0;
      for (let written = 0; written < 1024 ** 3;) {
        const lines: string[] = [];
        for (let bytes = 0; bytes < 1024 * 1024; id++) {
          const line = `${id},${(id % 1000) / 8},name-${id % 5000},2024-0${1 + (id % 9)}-1${id % 10}\n`;
          bytes += line.length;
          lines.push(line);
        }
        written += fs.writeSync(fd, lines.join(''));
      }
      fs.closeSync(fd);

      const registered = await runCli(
        ['data', 'register', '-n', 'big', '-p', csv, '--tabular', '--no-profile', '--json'],
        {
          workspace,
          timeoutMs: 180_000,
        },
      );
      expect(registered.code, registered.stderr).toBe(0);
      expect(JSON.parse(registered.stdout)).toMatchObject({ name: 'big', version: 1, kind: 'tabular', profile: null });

      const started = Date.now();
      const previewed = await runCli(['data', 'preview', 'big', '--json'], { workspace });
      const seconds = (Date.now() - started) / 1000;
      expect(previewed.code, previewed.stderr).toBe(0);
      const preview = JSON.parse(previewed.stdout) as DatasetPreview;
      expect(preview.columns).toEqual([
        { name: 'id', type: 'int' },
        { name: 'value', type: 'float' },
        { name: 'name', type: 'string' },
        { name: 'day', type: 'datetime' },
      ]);
      expect(preview.rows[0]).toEqual([0, 0, 'name-0', '2024-01-10']);
      expect(preview.truncated).toBe(true);
      // The whole CLI process (start-up included); the preview itself is measured in bench/datasetTabular.bench.ts.
      expect(seconds).toBeLessThan(5);
    } finally {
      fs.rmSync(path.dirname(csv), { recursive: true, force: true });
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  }, 240_000);
});
