// Loading an environment's image into a pool engine that lacks it (the base image, ~190 MB): Benchtop's streamed
// `docker save` -> `docker load` between two engines (median of BENCH_ROUNDS) next to
// `docker save IMAGE | docker -H tcp://... load` by hand, into a second dockerd on this machine.
import { execSync } from 'node:child_process';
import path from 'node:path';
import { DockerEngine } from '../src/main/core/docker/dockerEngine';
import { transferImage } from '../src/main/core/docker/imageTransfer';
import { openDatabase } from '../src/main/core/workspace/database';
import { startSecondEngine } from '../test/helpers/docker';
import { benchDir, median, report, timeMsAsync } from './harness';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IMAGE = process.env.BENCHTOP_TEST_BASE_IMAGE ?? 'benchtop/base:bookworm-python';

async function main() {
  const work = benchDir('pool-transfer');
  const db = openDatabase(path.join(work, 'benchtop.db'));
  const remote = await startSecondEngine();
  try {
    const local = new DockerEngine(db, 'unix:///var/run/docker.sock');
    const target = new DockerEngine(db, remote.url);
    // Removing the image from the target takes its layers too (nothing else uses them), so each round loads all.
    const clear = () => execSync(`docker -H ${remote.url} rmi -f ${IMAGE}`, { stdio: 'ignore' });
    const benchtop: number[] = [];
    const byHand: number[] = [];
    let bytes = 0;
    for (let i = 0; i < ROUNDS; i++) {
      byHand.push(
        await timeMsAsync(async () => {
          execSync(`docker save ${IMAGE} | docker -H ${remote.url} load`, { stdio: 'ignore', shell: '/bin/bash' });
        }),
      );
      clear();
      benchtop.push(
        await timeMsAsync(async () => {
          bytes = (await transferImage(local, target, IMAGE)).bytes;
        }),
      );
      clear();
    }
    report({
      bench: 'pool-image-transfer',
      rounds: ROUNDS,
      image: IMAGE,
      megabytes: Math.round(bytes / 1e6),
      benchtopMedianMs: median(benchtop),
      byHandMedianMs: median(byHand),
      ratio: median(benchtop) / median(byHand),
      benchtopMBps: Math.round(bytes / 1e6 / (median(benchtop) / 1000)),
    });
  } finally {
    db.close();
    await remote.stop();
  }
}

void main();
