import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LockedPackage } from '../../../shared/api/types';
import { BenchtopError } from '../../../shared/errors';
import { condaYamlText } from '../../../shared/environments/parse';
import { which } from '../python/interpreters';
import type { BuildBackend, BuildOutcome, BuildRequest } from './backend';
import { runStep } from './commandStep';

const run = promisify(execFile);

export type CondaFlavour = 'micromamba' | 'mamba' | 'conda';

export interface CondaTool {
  path: string;
  flavour: CondaFlavour;
}

/** The configured tool, else BENCHTOP_CONDA, else micromamba, mamba or conda on PATH. */
export function findCondaTool(configured: string | null): CondaTool | null {
  const explicit = configured || process.env.BENCHTOP_CONDA || null;
  if (explicit) {
    if (!fs.existsSync(explicit)) return null;
    return { path: explicit, flavour: flavourOf(explicit) };
  }
  for (const flavour of ['micromamba', 'mamba', 'conda'] as const) {
    const found = which(flavour);
    if (found) return { path: found, flavour };
  }
  return null;
}

function flavourOf(file: string): CondaFlavour {
  const base = path.basename(file).toLowerCase();
  if (base.startsWith('micromamba')) return 'micromamba';
  if (base.startsWith('mamba')) return 'mamba';
  return 'conda';
}

export function noCondaError(): BenchtopError {
  return new BenchtopError(
    'NO_CONDA',
    'The conda backend needs conda, mamba or micromamba, and none was found.',
    'Install one (micromamba is a single file) and put it on PATH or set BENCHTOP_CONDA, or build with --backend rattler (no conda needed) or --backend venv.',
  );
}

export function condaPython(prefix: string): string {
  return process.platform === 'win32' ? path.join(prefix, 'python.exe') : path.join(prefix, 'bin', 'python');
}

/** `conda env create` / `micromamba create` into the prefix, in a pty. */
export class CondaBackend implements BuildBackend {
  readonly name = 'conda' as const;
  readonly createsPrefix = true;

  constructor(private readonly tool: CondaTool) {}

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const { job, prefix } = request;
    const spec = request.definition.python.condaDependencies ?? { dependencies: [] };
    const { name: _name, prefix: _prefix, ...rest } = spec as typeof spec & { prefix?: unknown };
    const specFile = `${prefix}.environment.yml`;
    fs.writeFileSync(specFile, condaYamlText(rest));
    job.output.note(`Using ${this.tool.flavour} at ${this.tool.path}`);
    const offlineArgs = request.offline ? ['--offline'] : [];
    const args =
      this.tool.flavour === 'micromamba'
        ? ['create', '-y', '-p', prefix, '-f', specFile, ...offlineArgs]
        : ['env', 'create', '-p', prefix, '-f', specFile, ...offlineArgs];
    const env = {
      ...process.env,
      CONDA_OFFLINE: request.offline ? 'true' : undefined,
      CONDA_PKGS_DIRS: process.env.CONDA_PKGS_DIRS,
    };
    try {
      await runStep(
        job,
        {
          title: `Creating the environment with ${this.tool.flavour}`,
          progress: 0.1,
          file: this.tool.path,
          args,
          cwd: path.dirname(prefix),
          env,
        },
        (code) =>
          new BenchtopError(
            'BUILD_FAILED',
            `${this.tool.flavour} failed (exit code ${code}).`,
            "The build log shows the solver's message; a package missing from the channels is the usual cause.",
          ),
      );
    } finally {
      fs.rmSync(specFile, { force: true });
    }
    job.setProgress(0.95, 'Recording installed versions');
    const lock = await this.listPackages(prefix);
    const python = lock.find((p) => p.name === 'python');
    return { pythonVersion: python?.version ?? null, pythonPath: condaPython(prefix), lock };
  }

  private async listPackages(prefix: string): Promise<LockedPackage[]> {
    const { stdout } = await run(this.tool.path, ['list', '-p', prefix, '--json'], {
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const parsed = JSON.parse(stdout) as { name: string; version: string }[];
    return parsed.map((p) => ({ name: p.name, version: p.version })).sort((a, b) => a.name.localeCompare(b.name));
  }
}
