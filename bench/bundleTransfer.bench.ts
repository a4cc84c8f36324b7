// A 1 GB model exported to a .btb bundle and imported into a second, empty workspace, against `tar -cf` of the
// same bytes (what export does: one file holding them) plus `cp` of them (what import does: the bytes into the
// workspace). Target: Benchtop's throughput >= 0.7x of tar + cp. `sync` before every timed step and alternating
// order, so neither side pays the other's writeback.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openCore } from '../src/main/core/core';
import { benchDir, machine, median, report, timeMs, timeMsAsync } from './harness';
import { freshContent, writeRandomFile } from './randomFile';

const SIZE = Number(process.env.BENCH_MODEL_MB ?? 1024) * 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const dir = benchDir('bundles');
const source = path.join(dir, 'model', 'weights.bin');
const sync = () => execFileSync('sync');

async function main(): Promise<void> {
  fs.mkdirSync(path.dirname(source), { recursive: true });
  writeRandomFile(source, SIZE);
  const times = { tar: [] as number[], cp: [] as number[], export: [] as number[], import: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    freshContent(source);
    const from = openCore(path.join(dir, `from-${round}`));
    await from.models.register({ name: 'big', path: path.dirname(source) });
    const bundle = path.join(dir, `big-${round}.btb`);
    const tarFile = path.join(dir, `big-${round}.tar`);
    const copy = path.join(dir, `copy-${round}.bin`);
    const into = openCore(path.join(dir, `into-${round}`));
    const ours = async () => {
      sync();
      times.export.push(
        await timeMsAsync(async () => {
          await from.bundles.export({ parts: [{ kind: 'model', name: 'big' }], output: bundle, includeImages: false });
        }),
      );
      sync();
      times.import.push(await timeMsAsync(async () => void (await into.bundles.import({ file: bundle }))));
    };
    const theirs = async () => {
      sync();
      times.tar.push(timeMs(() => execFileSync('tar', ['-cf', tarFile, '-C', path.dirname(source), 'weights.bin'])));
      sync();
      times.cp.push(timeMs(() => execFileSync('cp', [source, copy])));
    };
    if (round % 2) {
      await theirs();
      await ours();
    } else {
      await ours();
      await theirs();
    }
    const [stored] = into.models.get('big').files;
    if (stored?.size !== SIZE) throw new Error('the imported model is not the exported one');
    from.close();
    into.close();
    for (const f of [bundle, tarFile, copy]) fs.rmSync(f, { force: true });
    fs.rmSync(path.join(dir, `from-${round}`), { recursive: true, force: true });
    fs.rmSync(path.join(dir, `into-${round}`), { recursive: true, force: true });
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<
    keyof typeof times,
    number
  >;
  const ratio = (m.tar + m.cp) / (m.export + m.import);
  report({
    bench: 'bundleTransfer',
    machine: machine(),
    sizeMB: SIZE / 2 ** 20,
    rounds: ROUNDS,
    medianMs: m,
    exportVsTar: +(m.tar / m.export).toFixed(2),
    importVsCp: +(m.cp / m.import).toFixed(2),
    ratio: +ratio.toFixed(2),
    target: '>= 0.7',
    pass: ratio >= 0.7,
  });
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
