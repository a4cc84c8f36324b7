// A 1 GB model: register and download, each side by side with `cp` of the same file on the same disk.
// Target: throughput at least 0.7x of cp. Also: registering identical content again adds at most 1 MB.
// Alternating order and `sync` before every timed step, so neither side pays the other's writeback.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openCore } from '../src/main/core/core';
import { folderSize } from '../src/main/core/workspace/files';
import { benchDir, median, report, timeMs, timeMsAsync } from './harness';
import { freshContent, writeRandomFile } from './randomFile';

const SIZE = Number(process.env.BENCH_MODEL_MB ?? 1024) * 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const dir = benchDir('models');
const core = openCore(path.join(dir, 'ws'));
const source = path.join(dir, 'model.bin');

const sync = () => execFileSync('sync');
const cp = (from: string, to: string) => timeMs(() => execFileSync('cp', [from, to]));
const cpSynced = (from: string, to: string) =>
  timeMs(() => execFileSync('sh', ['-c', 'cp "$0" "$1" && sync "$1"', from, to]));

async function main(): Promise<void> {
  // Written once; each round changes its first 16 bytes so every register stores new content.
  writeRandomFile(source, SIZE);
  const times = {
    cp: [] as number[],
    cpSync: [] as number[],
    register: [] as number[],
    download: [] as number[],
    cpBlob: [] as number[],
  };
  for (let round = 0; round < ROUNDS; round++) {
    freshContent(source);
    const copyTarget = path.join(dir, `cp-${round}.bin`);
    const syncTarget = path.join(dir, `cps-${round}.bin`);
    const steps: [keyof typeof times, () => Promise<number>][] = [
      ['cp', async () => cp(source, copyTarget)],
      ['cpSync', async () => cpSynced(source, syncTarget)],
      ['register', () => timeMsAsync(async () => void (await core.models.register({ name: 'big', path: source })))],
    ];
    if (round % 2) steps.reverse();
    for (const [name, step] of steps) {
      sync();
      times[name].push(await step());
    }
    fs.rmSync(copyTarget);
    fs.rmSync(syncTarget);

    // Download of the version just registered vs cp of its stored blob.
    const [stored] = core.models.get('big').files;
    const blob = core.models.blobs.blobPath(stored?.digest as string);
    const downloadDir = path.join(dir, `dl-${round}`);
    const blobCopy = path.join(dir, `blob-${round}.bin`);
    const downloadSteps: [keyof typeof times, () => Promise<number>][] = [
      ['cpBlob', async () => cp(blob, blobCopy)],
      [
        'download',
        () => timeMsAsync(async () => void (await core.models.download({ name: 'big', directory: downloadDir }))),
      ],
    ];
    if (round % 2) downloadSteps.reverse();
    for (const [name, step] of downloadSteps) {
      sync();
      times[name].push(await step());
    }
    fs.rmSync(downloadDir, { recursive: true });
    fs.rmSync(blobCopy);
  }
  const gb = SIZE / 2 ** 30;
  const throughput = (ms: number) => Math.round((gb / (ms / 1000)) * 100) / 100;
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<
    keyof typeof times,
    number
  >;
  report({
    bench: 'model-register-1gb',
    rounds: ROUNDS,
    sizeGiB: gb,
    medianMs: m.register,
    cpMs: m.cp,
    cpSyncMs: m.cpSync,
    gibPerS: throughput(m.register),
    cpGibPerS: throughput(m.cp),
    ratioVsCp: Math.round((m.cp / m.register) * 100) / 100,
    ratioVsCpSync: Math.round((m.cpSync / m.register) * 100) / 100,
    target: '>= 0.7x cp',
    all: times,
  });
  report({
    bench: 'model-download-1gb',
    rounds: ROUNDS,
    sizeGiB: gb,
    medianMs: m.download,
    cpMs: m.cpBlob,
    gibPerS: throughput(m.download),
    cpGibPerS: throughput(m.cpBlob),
    ratioVsCp: Math.round((m.cpBlob / m.download) * 100) / 100,
    target: '>= 0.7x cp',
  });

  // Identical content again: a new version, (almost) no new bytes.
  const before = folderSize(path.join(dir, 'ws', 'models'));
  sync();
  const again = await timeMsAsync(async () => void (await core.models.register({ name: 'big', path: source })));
  const added = folderSize(path.join(dir, 'ws', 'models')) - before;
  report({ bench: 'model-register-identical-1gb', ms: again, addedBytes: added, targetBytes: 1024 * 1024 });
  core.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
