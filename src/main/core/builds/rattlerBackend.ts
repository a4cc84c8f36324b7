import fs from 'node:fs';
import path from 'node:path';
import type { LockedPackage } from '../../../shared/api/types';
import { BenchtopError } from '../../../shared/errors';
import { condaPackagesOf, pipPackagesOf } from '../../../shared/environments/definition';
import type { JobContext } from '../jobs/jobManager';
import { readInstalled } from '../python/lockScript';
import { runtimeDir } from '../python/runtimeDir';
import type { ToolEnvironments, ToolSpec } from '../tools/toolEnvironment';
import type { BuildBackend, BuildOutcome, BuildRequest } from './backend';
import { runStep } from './commandStep';
import { condaPython } from './condaBackend';
import { checkOfflineAvailability, watchOutputLines, watchPipProgress } from './pipOutput';
import { condaSubdir, resolveChannels } from './rattlerChannels';

/**
 * py-rattler: the conda solver (resolvo) and installer pixi uses, as a wheel with no dependencies, so a
 * conda file builds with no conda, mamba or micromamba on the machine. Pinned: the lock is reproducible.
 */
export const RATTLER_TOOL: ToolSpec = {
  name: 'rattler',
  requirements: ['py-rattler==0.28.0'],
  check: 'import rattler',
};

/** The explicit conda list written beside the lock (`conda create --file` / `micromamba create -f` read it). */
export const EXPLICIT_FILE = 'benchtop-explicit.txt';

interface RattlerRecord {
  name: string;
  version: string;
  build: string;
  url: string;
  sha256: string | null;
  md5: string | null;
}
type RattlerResult =
  | { records: RattlerRecord[]; timings?: { solveMs: number; installMs: number } }
  | { error: { kind: string; message: string } };

export function rattlerScript(): string {
  return path.join(runtimeDir(), 'tools', 'rattler_env.py');
}

/** Solves and links a conda file's packages with py-rattler into the build prefix, then its pip part with the env's pip. */
export class RattlerBackend implements BuildBackend {
  readonly name = 'conda' as const;
  readonly toolName = 'rattler';
  readonly createsPrefix = true;

  constructor(
    private readonly tools: ToolEnvironments,
    /** Downloaded and extracted packages, shared by every build of the workspace (rattler's package cache). */
    private readonly packageCache: string,
  ) {}

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const { job, prefix, definition } = request;
    const channels = resolveChannels(definition.python.condaDependencies?.channels, request.offline, (t) =>
      job.output.note(t),
    );
    const specs = condaPackagesOf(definition);
    job.setProgress(0.02, 'Preparing the rattler tool environment');
    const tool = await this.tools.ensure(RATTLER_TOOL, (text) => job.output.push(text), { signal: job.signal });
    job.output.note(`Using rattler (${RATTLER_TOOL.requirements[0]}) at ${tool.prefix}`);
    const records = await this.solveAndInstall(job, tool.python, channels, specs, prefix);
    writeExplicitList(prefix, records);
    const python = condaPython(prefix);
    const lock: LockedPackage[] = records.map((r) => ({
      name: r.name,
      version: r.version,
      installer: 'conda',
      url: r.url,
      ...(r.sha256 ? { sha256: r.sha256 } : {}),
      ...(r.md5 ? { md5: r.md5 } : {}),
    }));
    if (!fs.existsSync(python)) {
      if (pipPackagesOf(definition).length > 0)
        throw new BenchtopError(
          'BUILD_FAILED',
          'The conda file has pip packages, but its channels gave the environment no python, so there is no pip to install them.',
          'Add python and pip to dependencies, from a channel that has them (conda-forge, or a local mirror of it).',
        );
      job.output.note(
        'This environment has no python (none of its packages is python): its programs run, Python code does not. ' +
          'A Python environment needs a channel with python (conda-forge, or a local mirror of it).',
      );
      return { pythonVersion: null, pythonPath: python, lock: sortLock(lock) };
    }
    await this.installPip(request, python);
    job.setProgress(0.96, 'Recording installed versions');
    const installed = await readInstalled(python);
    const conda = new Set(records.map((r) => r.name.toLowerCase()));
    const pip = installed.packages
      .filter((p) => !conda.has(p.name.toLowerCase()))
      .map((p) => ({ ...p, installer: 'pip' as const }));
    return { pythonVersion: installed.pythonVersion, pythonPath: python, lock: sortLock([...lock, ...pip]) };
  }

  private async solveAndInstall(
    job: JobContext,
    python: string,
    channels: string[],
    specs: string[],
    prefix: string,
  ): Promise<RattlerRecord[]> {
    const requestFile = `${prefix}.rattler-request.json`;
    const resultFile = `${prefix}.rattler-result.json`;
    const request = { channels, specs, prefix, cacheDir: this.packageCache, result: resultFile };
    fs.writeFileSync(requestFile, JSON.stringify(request));
    const stop = watchRattlerProgress(job);
    const read = (): RattlerResult | null => {
      try {
        return JSON.parse(fs.readFileSync(resultFile, 'utf8')) as RattlerResult;
      } catch {
        return null;
      }
    };
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, PYTHONNOUSERSITE: '1' };
      delete env.PYTHONPATH;
      await runStep(
        job,
        {
          title: `Solving ${specs.length} spec(s) with rattler`,
          progress: 0.05,
          file: python,
          args: [rattlerScript(), 'create', requestFile],
          cwd: path.dirname(prefix),
          env,
        },
        (code) => solveFailure(read(), code),
      );
      const result = read();
      if (!result || 'error' in result) throw solveFailure(result, 0);
      if (result.timings)
        job.output.note(
          `rattler: solved in ${result.timings.solveMs} ms, downloaded and linked in ${result.timings.installMs} ms`,
        );
      return result.records;
    } finally {
      stop();
      fs.rmSync(requestFile, { force: true });
      fs.rmSync(resultFile, { force: true });
    }
  }

  /** The conda file's pip part, with the environment's own pip (as the conda backend does it). */
  private async installPip(request: BuildRequest, python: string): Promise<void> {
    const requirements = pipPackagesOf(request.definition);
    if (requirements.length === 0) return;
    if (request.offline) checkOfflineAvailability(requirements, request.wheelsDir, request.job.output);
    const file = path.join(request.prefix, 'benchtop-requirements.txt');
    fs.writeFileSync(file, `${requirements.join('\n')}\n`);
    const source = [
      ...(request.offline ? ['--no-index'] : []),
      ...(fs.existsSync(request.wheelsDir) ? ['--find-links', request.wheelsDir] : []),
    ];
    const stop = watchPipProgress(request.job);
    try {
      await runStep(
        request.job,
        {
          title: 'Installing the pip packages',
          progress: 0.93,
          file: python,
          args: ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', ...source, '-r', file],
          cwd: request.prefix,
          env: { ...process.env, PYTHONNOUSERSITE: '1', PIP_NO_INPUT: '1' },
        },
        (code) =>
          new BenchtopError(
            'BUILD_FAILED',
            `pip install failed (exit code ${code}).`,
            "The log above shows pip's error.",
          ),
      );
    } finally {
      stop();
    }
  }
}

function solveFailure(result: RattlerResult | null, code: number): BenchtopError {
  if (result && 'error' in result) {
    const { kind, message } = result.error;
    if (kind === 'solve')
      return new BenchtopError(
        'BUILD_FAILED',
        `The conda solver found no environment that satisfies the conda file: ${message.trim()}`,
        'Loosen or change the conflicting pins named above, or add a channel that has a version that fits.',
      );
    if (kind === 'channel')
      return new BenchtopError(
        'PACKAGE_UNAVAILABLE',
        `rattler could not read a channel: ${message.trim()}`,
        'Check the channel names and that the machine reaches them (or use local file:// channels).',
      );
    return new BenchtopError(
      'BUILD_FAILED',
      `rattler could not install the packages: ${message.trim()}`,
      'See the log above.',
    );
  }
  return new BenchtopError('BUILD_FAILED', `rattler failed (exit code ${code}).`, 'The build log above shows why.');
}

function writeExplicitList(prefix: string, records: RattlerRecord[]): void {
  const lines = records.map((r) => (r.md5 ? `${r.url}#${r.md5}` : r.url));
  fs.writeFileSync(path.join(prefix, EXPLICIT_FILE), `# platform: ${condaSubdir()}\n@EXPLICIT\n${lines.join('\n')}\n`);
}

function sortLock(lock: LockedPackage[]): LockedPackage[] {
  return lock.sort((a, b) => a.name.localeCompare(b.name));
}

/** The script's `benchtop-progress FRACTION TEXT` lines as job progress. */
function watchRattlerProgress(job: JobContext): () => void {
  return watchOutputLines(job, (line) => {
    const m = /^benchtop-progress (\d(?:\.\d+)?) (.*)$/.exec(line.trim());
    if (m) job.setProgress(Number(m[1]), (m[2] as string).slice(0, 200));
  });
}
