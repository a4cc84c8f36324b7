// A process that races for one build lock, round after round (bundled and started by
// test/integration/buildLockRace.test.ts). Per round: wait for the go file, try to take the
// lock; "won" if it got it (held until the parent says release), "waited" if it saw a holder.
import fs from 'node:fs';
import path from 'node:path';
import { acquireBuildLock } from '../../src/main/core/builds/buildLock';

const [dir, id, roundsArg] = process.argv.slice(2) as [string, string, string];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitFor = async (file: string) => {
  while (!fs.existsSync(file)) await sleep(1);
};

async function main(): Promise<void> {
  for (let round = 0; round < Number(roundsArg); round++) {
    await waitFor(path.join(dir, `go-${round}`));
    const controller = new AbortController();
    let outcome: string;
    let release: (() => void) | null = null;
    try {
      release = await acquireBuildLock(path.join(dir, 'key.lock'), controller.signal, () => controller.abort());
      outcome = 'won';
    } catch (err) {
      outcome = (err as { code?: string }).code === 'CANCELED' ? 'waited' : `error ${(err as Error).message}`;
    }
    fs.writeFileSync(path.join(dir, `result-${round}-${id}`), outcome);
    if (release) {
      await waitFor(path.join(dir, `release-${round}`));
      release();
    }
  }
}

void main();
