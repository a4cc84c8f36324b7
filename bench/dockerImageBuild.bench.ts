// Building an environment image: Benchtop (dockerode, live steps, lock recorded) vs `docker build`
// by hand of the same generated Dockerfile and context, side by side, alternating, each from an
// empty layer cache (both images removed between builds). Target: Benchtop <= 1.1x.
// The hand build uses the engine's classic builder (DOCKER_BUILDKIT=0), as Benchtop's build API call does.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { imageTagFor } from '../src/shared/api/dockerTypes';
import { openCore } from '../src/main/core/core';
import { dockerfileFor } from '../src/main/core/builds/dockerBackend';
import { benchDir, median, report, timeMsAsync } from './harness';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const BASE = process.env.BENCHTOP_TEST_BASE_IMAGE ?? 'benchtop/base:bookworm-python';

function wheel(dir: string): string {
  // A small real wheel (pip installs it offline from the context in both builds).
  execFileSync('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-d', dir, 'six==1.16.0'], {
    stdio: 'ignore',
  });
  return path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.whl')) as string);
}

async function main() {
  const work = benchDir('docker-image-build');
  const core = openCore(path.join(work, 'ws'));
  const added = core.wheels.add(wheel(path.join(work, 'wheels')));
  const { environment } = core.environments.register({
    name: 'bench-image',
    docker: { baseImage: BASE, arguments: [] },
    python: {
      userManagedDependencies: false,
      interpreterPath: 'python',
      condaDependencies: { dependencies: ['python=3.11', { pip: [added.reference] }] },
    },
  });
  const { buildKey } = core.builds.keyFor(environment.definition, 'docker');
  const generated = dockerfileFor(environment.definition, buildKey, 'bench-image', true);
  const context = path.join(work, 'context');
  fs.mkdirSync(context, { recursive: true });
  fs.writeFileSync(path.join(context, 'Dockerfile'), generated.dockerfile);
  for (const [name, content] of Object.entries(generated.files)) fs.writeFileSync(path.join(context, name), content);
  fs.cpSync(core.paths.wheels, path.join(context, 'wheels'), { recursive: true });
  const removeImages = () => {
    for (const tag of [imageTagFor(buildKey), 'bench/hand-build:1']) {
      try {
        execFileSync('docker', ['image', 'rm', '-f', tag], { stdio: 'ignore' });
      } catch {
        // Not there.
      }
    }
  };

  const benchtop: number[] = [];
  const hand: number[] = [];
  const byBenchtop = () =>
    timeMsAsync(async () => {
      const started = core.builds.start(environment.definition, 'bench-image:1', {
        backend: 'docker',
        rebuild: true,
        offline: true,
      });
      const done = await core.jobs.get(started.job.id).done;
      if (done.state !== 'completed') throw new Error(`build ${done.state}: ${done.error?.message}`);
    });
  const byHand = () =>
    timeMsAsync(async () => {
      execFileSync('docker', ['build', '-q', '-t', 'bench/hand-build:1', context], {
        stdio: 'ignore',
        env: { ...process.env, DOCKER_BUILDKIT: '0' },
      });
    });
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which goes first, so neither always meets a warmer machine.
    for (const which of i % 2 === 0 ? ['benchtop', 'hand'] : ['hand', 'benchtop']) {
      removeImages();
      if (which === 'benchtop') benchtop.push(await byBenchtop());
      else hand.push(await byHand());
    }
  }
  removeImages();
  report({
    bench: 'docker-image-build',
    rounds: ROUNDS,
    benchtopMedianMs: median(benchtop),
    dockerBuildMedianMs: median(hand),
    ratio: median(benchtop) / median(hand),
    target: 1.1,
    benchtopMs: benchtop,
    handMs: hand,
  });
  core.close();
}

void main();
