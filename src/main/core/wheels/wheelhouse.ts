import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { LockedPackage } from '../../../shared/api/types';
import { BenchtopError } from '../../../shared/errors';
import type { BuildService } from '../builds/buildService';
import { pipRequirementsFor } from '../builds/venvBackend';
import type { EnvironmentService } from '../environments/environmentService';
import { jobFailure } from '../jobs/jobFailure';
import type { JobContext, JobManager } from '../jobs/jobManager';
import type { WorkspacePaths } from '../workspace/paths';
import type { Db } from '../workspace/database';
import { readSettings } from '../workspace/settings';
import type { WheelService } from './wheelService';

export interface WheelhouseResult {
  /** Wheel files downloaded and added to the workspace now. */
  fetched: string[];
  /** `name==version` entries whose wheel the workspace had already. */
  present: string[];
  failed: { name: string; reason: string }[];
}

export interface WheelhouseDeps {
  db: Db;
  paths: WorkspacePaths;
  jobs: JobManager;
  builds: BuildService;
  environments: EnvironmentService;
  wheels: WheelService;
}

const normalise = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
const requirementName = (requirement: string) => /^[A-Za-z0-9._-]+/.exec(requirement.trim())?.[0] ?? requirement;
const VENV_BUNDLED = new Set(['pip', 'setuptools']);

/**
 * Fetches, while online, the wheel of every pip entry of an environment's lock into the workspace wheels
 * (registered by WheelService.add, as `wheel add` does), so an `--offline` build of it finds them all.
 * pip downloads them (it knows the index, its mirrors and config, and wheel tag selection), one package
 * at a time so a failure names its package, with the environment's own interpreter so the wheels match
 * its Python and platform exactly (its tag list is wider than any one --platform).
 */
export async function makeWheelhouse(
  deps: WheelhouseDeps,
  input: { name: string; version?: string; requestId?: string },
): Promise<WheelhouseResult> {
  const record = deps.environments.get(input.name, input.version);
  const label = `${record.name}:${record.version}`;
  const build = record.build;
  const ready = build?.state === 'ready' ? deps.builds.ready(build.buildKey) : null;
  if (!build || !ready)
    throw new BenchtopError(
      'BAD_INPUT',
      `${label} is not built, so it has no lock to fetch wheels for.`,
      `Build it online first: benchtop env build -n ${record.name} -v ${record.version}`,
    );
  if (ready.image)
    throw new BenchtopError(
      'BAD_INPUT',
      `${label} is built as a Docker image; the wheelhouse is for venv and conda builds.`,
      'Carry the image itself instead (`benchtop export env NAME` with the image, or `docker save`).',
    );
  if (readSettings(deps.db).offline)
    throw new BenchtopError(
      'PACKAGE_UNAVAILABLE',
      'Offline mode is on: the wheelhouse downloads from the package index.',
      'Turn offline mode off (Settings, or `benchtop config set offline false`) on a machine with network access.',
    );
  // conda entries are conda packages, not wheels. pip and setuptools come with every venv (ensurepip, which
  // an offline build uses) unless the environment pins them, so they are fetched only when it names them.
  const named = new Set(
    pipRequirementsFor(record.definition, () => undefined).map((r) => normalise(requirementName(r))),
  );
  const wanted = build.lock.filter(
    (p) => p.installer !== 'conda' && (!VENV_BUNDLED.has(normalise(p.name)) || named.has(normalise(p.name))),
  );
  let result: WheelhouseResult = { fetched: [], present: [], failed: [] };
  const job = deps.jobs.start(
    'tool',
    `Make ${label} offline-ready`,
    { tool: 'wheelhouse', wheelhouseOf: label, requestId: input.requestId ?? '' },
    async (ctx) => {
      result = await fetchAll(deps, ctx, ready.pythonPath, wanted);
    },
  );
  const finished = await job.done;
  if (finished.state !== 'completed')
    throw jobFailure(finished, `Making ${label} offline-ready was canceled; the wheels fetched so far are kept.`);
  return result;
}

async function fetchAll(
  deps: WheelhouseDeps,
  ctx: JobContext,
  python: string,
  wanted: LockedPackage[],
): Promise<WheelhouseResult> {
  const have = new Set(deps.wheels.list().map((w) => `${normalise(w.name)}==${w.version}`));
  const result: WheelhouseResult = { fetched: [], present: [], failed: [] };
  const missing = wanted.filter((p) => {
    const id = `${p.name}==${p.version}`;
    if (!have.has(`${normalise(p.name)}==${p.version}`)) return true;
    result.present.push(id);
    return false;
  });
  ctx.output.note(
    `${wanted.length} locked package(s): ${result.present.length} already in the workspace wheels, ${missing.length} to fetch.`,
  );
  const temp = path.join(deps.paths.root, 'cache', `wheelhouse-${process.pid}-${Date.now()}`);
  fs.mkdirSync(temp, { recursive: true });
  try {
    for (const [index, pkg] of missing.entries()) {
      if (ctx.signal.aborted) throw new BenchtopError('CANCELED', 'Canceled.');
      const id = `${pkg.name}==${pkg.version}`;
      ctx.setProgress(index / Math.max(missing.length, 1), `Fetching ${id} (${index + 1}/${missing.length})`);
      const dir = path.join(temp, String(index));
      const failure = await pipDownload(python, id, dir, ctx.signal);
      if (ctx.signal.aborted) throw new BenchtopError('CANCELED', 'Canceled.');
      if (failure) {
        result.failed.push({ name: id, reason: failure });
        ctx.output.note(`  ${id}: FAILED, ${failure}`);
        continue;
      }
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.whl'))) {
        deps.wheels.add(path.join(dir, file));
        result.fetched.push(file);
        ctx.output.note(`  ${id}: ${file}`);
      }
    }
  } finally {
    // Only the folder this call made (the wheels are copied into the workspace by WheelService.add).
    fs.rmSync(temp, { recursive: true, force: true });
  }
  ctx.output.note(
    `Fetched ${result.fetched.length}, already there ${result.present.length}, failed ${result.failed.length}.` +
      (result.failed.length > 0
        ? ' The failed ones have no wheel for this Python and platform: build one (`pip wheel NAME==VERSION`) and `benchtop wheel add` it.'
        : ' Offline builds of this environment find every wheel.'),
  );
  return result;
}

/** `pip download` of one pinned package as a wheel; null when it worked, else pip's reason. */
function pipDownload(python: string, requirement: string, dir: string, signal: AbortSignal): Promise<string | null> {
  const args = ['-m', 'pip', 'download', '--only-binary=:all:', '--no-deps', '--disable-pip-version-check'];
  const env: NodeJS.ProcessEnv = { ...process.env, PIP_NO_INPUT: '1', PYTHONNOUSERSITE: '1' };
  return new Promise((resolve) => {
    execFile(
      python,
      [...args, '--retries', '2', '--timeout', '30', '-d', dir, requirement],
      { env, signal, timeout: 10 * 60_000, maxBuffer: 8 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (!error) return resolve(null);
        const lines = stderr.split('\n').map((l) => l.trim());
        const reason =
          lines.find((l) => l.startsWith('ERROR: No matching distribution')) ??
          lines.filter((l) => l.startsWith('ERROR:')).pop() ??
          lines.filter(Boolean).pop() ??
          error.message;
        resolve(reason.replace(/^ERROR:\s*/, '').slice(0, 400));
      },
    );
  });
}
