// A rattler solve + install of a small conda environment (20 packages) from a local channel, split into what
// dominates: the tool environment (py-rattler installed once per workspace), the solve, the download + link,
// and a rebuild with the package cache warm. micromamba is timed on the same channel where it is on PATH.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openCore } from '../src/main/core/core';
import { RATTLER_TOOL } from '../src/main/core/builds/rattlerBackend';
import { indexChannel } from '../src/main/core/builds/rattlerIndex';
import { which } from '../src/main/core/python/interpreters';
import { makeCondaPackages } from '../test/helpers/condaChannel';
import { benchDir, report } from './harness';

const PACKAGES = 20;

async function main() {
  const dir = benchDir('rattler');
  const channel = path.join(dir, 'channel');
  // A chain of dependencies (pkg0 -> pkg1 -> ...), each with a small program, so the solver has work to do.
  makeCondaPackages(
    channel,
    Array.from({ length: PACKAGES }, (_, i) => ({
      name: `pkg${i}`,
      version: '1.0',
      depends: i + 1 < PACKAGES ? [`pkg${i + 1} >=1`] : [],
      script: `#!/bin/sh\necho pkg${i}\n`,
    })),
  );
  const core = openCore(path.join(dir, 'ws'));
  const toolStart = performance.now();
  const tool = await core.tools.ensure(RATTLER_TOOL, () => undefined);
  const toolMs = performance.now() - toolStart;
  await indexChannel(core.tools, channel, () => undefined);

  const { environment } = core.environments.register({
    name: 'bench-rattler',
    python: { condaDependencies: { channels: [pathToFileURL(channel).href], dependencies: ['pkg0'] } },
  });
  const build = async (rebuild: boolean) => {
    const started = performance.now();
    const s = core.builds.start(environment.definition, 'bench-rattler:1', { backend: 'rattler', rebuild });
    const job = core.jobs.get(s.job.id);
    const done = await job.done;
    if (done.state !== 'completed') throw new Error(`rattler build failed: ${done.error?.message}`);
    const timings = /solved in (\d+) ms, downloaded and linked in (\d+) ms/.exec(job.output.text());
    return { totalMs: performance.now() - started, solveMs: Number(timings?.[1]), installMs: Number(timings?.[2]) };
  };
  const cold = await build(false);
  const warm = await build(true);
  report({
    bench: 'rattler-build-local-channel',
    packages: PACKAGES,
    toolEnvironmentMs: Math.round(toolMs),
    toolBuilt: tool.built,
    coldBuildMs: Math.round(cold.totalMs),
    coldSolveMs: cold.solveMs,
    coldDownloadAndLinkMs: cold.installMs,
    warmRebuildMs: Math.round(warm.totalMs),
    warmSolveMs: warm.solveMs,
    warmLinkMs: warm.installMs,
  });

  const micromamba = which('micromamba');
  if (!micromamba) {
    report({ bench: 'micromamba-build-local-channel', available: false, note: 'micromamba is not on PATH here' });
  } else {
    const started = performance.now();
    execFileSync(
      micromamba,
      ['create', '-y', '-p', path.join(dir, 'mm-env'), '-c', pathToFileURL(channel).href, 'pkg0'],
      {
        env: { ...process.env, MAMBA_ROOT_PREFIX: path.join(dir, 'mm-root') },
        stdio: 'ignore',
      },
    );
    report({
      bench: 'micromamba-build-local-channel',
      available: true,
      coldBuildMs: Math.round(performance.now() - started),
    });
  }
  core.close();
}

void main();
