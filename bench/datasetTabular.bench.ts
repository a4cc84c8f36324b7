// Tabular datasets: preview of a 1 GB CSV (goal <= 1 s), and the profile of a 1 GB CSV: its time and its peak
// memory (goal: independent of the file's size, so a 100 MB file's peak is reported beside it). Each profile runs
// in a fresh process (the worker is a thread of it), whose peak RSS is the figure; the page cache is warm for both.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { previewTable, profileTable, type TableFile } from '../src/main/core/datasets/tabular';
import type { TabularOptions } from '../src/shared/api/datasetTypes';
import { benchDir, machine, median, report, timeMsAsync } from './harness';

const ROOT = path.resolve(__dirname, '..');
process.env.BENCHTOP_TABULAR_WORKER ??= path.join(ROOT, 'dist', 'main', 'tabularWorker.js');
const GIB = 1024 ** 3;
const BIG_MB = Number(process.env.BENCH_TABULAR_MB ?? 1024);
const PREVIEW_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CSV: TabularOptions = {
  format: 'delimited',
  separator: ',',
  header: true,
  encoding: 'utf8',
  inferColumnTypes: true,
};

/** Five typical columns (int, float, text, bool, date), about 45 bytes a row, stream-written in 1 MB blocks. */
function writeCsv(file: string, bytes: number): TableFile {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, 'id,value,name,ok,day\n');
  let id = 0;
  for (let written = 0; written < bytes;) {
    const lines: string[] = [];
    for (let size = 0; size < 1024 * 1024; id++) {
      const line = `${id},${((id * 7919) % 100_000) / 100},name-${id % 5000},${id % 3 === 0 ? 'True' : 'False'},2024-0${1 + (id % 9)}-1${id % 10}\n`;
      size += line.length;
      lines.push(line);
    }
    written += fs.writeSync(fd, lines.join(''));
  }
  fs.closeSync(fd);
  return { absolute: file, path: path.basename(file), size: fs.statSync(file).size };
}

/** In a child process: one profile through the worker; prints its time and the process's peak RSS. */
async function profileChild(file: string): Promise<void> {
  const table: TableFile = { absolute: file, path: path.basename(file), size: fs.statSync(file).size };
  const baselineMb = process.memoryUsage().rss / 2 ** 20;
  const ms = await timeMsAsync(async () => void (await profileTable([table], CSV)));
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ ms, peakMb, baselineMb }));
}

function profileInChild(file: TableFile): { ms: number; peakMb: number; baselineMb: number } {
  const child = spawnSync(process.execPath, [__filename, '--profile-child', file.absolute], {
    encoding: 'utf8',
    env: process.env,
    timeout: 1_800_000,
  });
  if (child.status !== 0) throw new Error(`profile child failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) as string);
}

async function main(): Promise<void> {
  const dir = benchDir('tabular');
  try {
    const big = writeCsv(path.join(dir, 'big.csv'), BIG_MB * 1024 * 1024);
    const small = writeCsv(path.join(dir, 'small.csv'), (BIG_MB / 10) * 1024 * 1024);

    const previewMs: number[] = [];
    for (let round = 0; round < PREVIEW_ROUNDS; round++) {
      previewMs.push(await timeMsAsync(async () => void (await previewTable([big], CSV, 20))));
    }
    report({
      bench: 'dataset-preview-1gb-csv',
      sizeGiB: Math.round((big.size / GIB) * 100) / 100,
      rows: 20,
      medianMs: Math.round(median(previewMs) * 10) / 10,
      all: previewMs.map((ms) => Math.round(ms * 10) / 10),
      target: '<= 1000 ms',
      machine: machine(),
    });

    const bigProfile = profileInChild(big);
    const smallProfile = profileInChild(small);
    report({
      bench: 'dataset-profile-1gb-csv',
      sizeGiB: Math.round((big.size / GIB) * 100) / 100,
      seconds: Math.round(bigProfile.ms / 100) / 10,
      mbPerS: Math.round(big.size / 2 ** 20 / (bigProfile.ms / 1000)),
      peakRssMb: Math.round(bigProfile.peakMb),
      baselineRssMb: Math.round(bigProfile.baselineMb),
      smallFileMb: Math.round(small.size / 2 ** 20),
      smallSeconds: Math.round(smallProfile.ms / 100) / 10,
      smallPeakRssMb: Math.round(smallProfile.peakMb),
      target: 'peak memory independent of file size',
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--profile-child') void profileChild(process.argv[3] as string);
else void main();
