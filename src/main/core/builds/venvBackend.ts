import fs from 'node:fs';
import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';
import {
  type EnvironmentDefinition,
  condaPackagesOf,
  pipPackagesOf,
  pythonVersionOf,
} from '../../../shared/environments/definition';
import { condaToPip } from '../python/packageMapping';
import { type FoundInterpreter, findInterpreters, matchInterpreter, which } from '../python/interpreters';
import { readInstalled } from '../python/lockScript';
import type { BuildBackend, BuildOutcome, BuildRequest } from './backend';
import { runStep } from './commandStep';
import { checkOfflineAvailability, missingFromPipOutput, watchPipProgress } from './pipOutput';

export type Installer = 'pip' | 'uv';

export function venvPython(prefix: string): string {
  return process.platform === 'win32' ? path.join(prefix, 'Scripts', 'python.exe') : path.join(prefix, 'bin', 'python');
}

/**
 * conda's `pip=20.2.4` / `pip 23.1` / `pip>=21`: the requirement that pins pip itself in the venv, or
 * null for a bare `pip` (a venv has pip already). The version is read by the rules of any other
 * conda package (`=20.2` means 20.2.*).
 */
export function pipPinOf(spec: string): string | null {
  const match = /^(?:[\w.-]+::)?pip(?:\s*([=<>!~].*)|\s+(\d.*))$/i.exec(spec.trim());
  const constraint = match?.[1] ?? match?.[2];
  if (!constraint) return null;
  const mapped = condaToPip(`pip-pin${/^\d/.test(constraint) ? ` ${constraint}` : constraint}`).pip;
  return mapped ? mapped.replace(/^pip-pin/, 'pip') : null;
}

/** Conda dependencies mapped to pip names (each mapping printed), then the pip list. */
export function pipRequirementsFor(definition: EnvironmentDefinition, note: (text: string) => void): string[] {
  const requirements: string[] = [];
  for (const spec of condaPackagesOf(definition)) {
    // A pinned pip is installed into the venv first (pip upgrades or downgrades itself), not dropped.
    const pin = pipPinOf(spec);
    if (pin) {
      note(`conda -> pip: ${spec} -> ${pin} (the venv's pip is set to it)`);
      requirements.unshift(pin);
      continue;
    }
    const mapped = condaToPip(spec);
    if (mapped.note && !/^python\b/i.test(spec) && !/^pip\b/i.test(spec)) note(`conda -> pip: ${mapped.note}`);
    if (mapped.pip) requirements.push(mapped.pip);
  }
  return [...requirements, ...pipPackagesOf(definition)];
}

/**
 * The interpreter for the definition's `python=` pin. Where this machine has none of that version
 * (Azure's CondaDependencies() pins python=3.8.13, old samples 3.6.2), the build goes on with the
 * same X.Y series, or, for a pin older than every interpreter here, with the default interpreter;
 * `reason` says which and why. A venv cannot install a Python (only conda can), and old pins are
 * what v1 code carries by default. A pin newer than anything here still fails (NO_INTERPRETER,
 * listing what was found): code that asks for a newer Python may need it.
 */
export async function pickInterpreter(
  wanted: string | null,
  needEnsurepip: boolean,
): Promise<{ interpreter: FoundInterpreter; reason: string }> {
  try {
    const interpreter = await matchInterpreter(wanted, needEnsurepip);
    return { interpreter, reason: wanted ? `matches python=${wanted}` : 'default interpreter' };
  } catch (err) {
    if (!wanted || !(err instanceof BenchtopError) || err.code !== 'NO_INTERPRETER') throw err;
    const minor = wanted.split('.').slice(0, 2).join('.');
    const usable = (await findInterpreters()).filter((i) => !needEnsurepip || i.hasEnsurepip);
    const sameMinor = usable.find((i) => i.version.split('.').slice(0, 2).join('.') === minor);
    if (sameMinor) {
      return {
        interpreter: sameMinor,
        reason: `instead of python=${wanted}: no Python ${wanted} on this machine, ${sameMinor.version} is the same ${minor} series`,
      };
    }
    const older = (a: string, b: string) => {
      const [pa, pb] = [a.split('.').map(Number), b.split('.').map(Number)];
      return (pa[0] ?? 0) < (pb[0] ?? 0) || ((pa[0] ?? 0) === (pb[0] ?? 0) && (pa[1] ?? 0) < (pb[1] ?? 0));
    };
    if (usable.length === 0 || !usable.every((i) => older(minor, i.version))) throw err;
    const fallback = await matchInterpreter(null, needEnsurepip);
    const found = usable.map((i) => i.version).join(', ');
    return {
      interpreter: fallback,
      reason: `instead of python=${wanted}: no Python ${minor} on this machine and every one here is newer (found ${found}), so the default interpreter; install Python ${minor} (pyenv, uv python install, your package manager) or use the conda backend to build with ${wanted} itself`,
    };
  }
}

/** `python -m venv` + `pip install` (or uv when chosen), in a pty so the log is live. */
export class VenvBackend implements BuildBackend {
  readonly name = 'venv' as const;
  readonly createsPrefix = true;

  constructor(
    private readonly installer: Installer,
    private readonly uvPath: string | null = which('uv'),
  ) {}

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const { job, prefix } = request;
    const useUv = this.installer === 'uv' && this.uvPath !== null;
    job.setProgress(0.02, 'Finding a Python interpreter');
    const wanted = pythonVersionOf(request.definition);
    const { interpreter, reason } = await pickInterpreter(wanted, !useUv);
    job.output.note(
      `Python ${interpreter.version} at ${interpreter.path} (${reason}); installer: ${useUv ? 'uv' : 'pip'}`,
    );

    const requirements = pipRequirementsFor(request.definition, (text) => job.output.note(text));
    if (request.offline) checkOfflineAvailability(requirements, request.wheelsDir, job.output);

    const env = {
      ...process.env,
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
      PIP_NO_INPUT: '1',
      PYTHONNOUSERSITE: '1',
      VIRTUAL_ENV: undefined,
    };
    const cwd = path.dirname(prefix);
    const failure = (what: string) => (code: number) =>
      new BenchtopError(
        'BUILD_FAILED',
        `${what} failed (exit code ${code}).`,
        "The build log above shows the tool's own error.",
      );
    if (useUv) {
      await runStep(
        job,
        {
          title: 'Creating the virtual environment',
          progress: 0.05,
          file: this.uvPath as string,
          args: ['venv', '--python', interpreter.path, prefix],
          cwd,
          env,
        },
        failure('uv venv'),
      );
    } else {
      await runStep(
        job,
        {
          title: 'Creating the virtual environment',
          progress: 0.05,
          file: interpreter.path,
          args: ['-m', 'venv', prefix],
          cwd,
          env,
        },
        failure('python -m venv'),
      );
    }
    const python = venvPython(prefix);
    if (requirements.length > 0) {
      const requirementsFile = path.join(prefix, 'benchtop-requirements.txt');
      fs.writeFileSync(requirementsFile, `${requirements.join('\n')}\n`);
      const source = [
        ...(request.offline ? ['--no-index'] : []),
        ...(fs.existsSync(request.wheelsDir) ? ['--find-links', request.wheelsDir] : []),
      ];
      const args = useUv
        ? [
            'pip',
            'install',
            '--python',
            python,
            ...(request.offline ? ['--offline'] : []),
            ...source,
            '-r',
            requirementsFile,
          ]
        : ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', ...source, '-r', requirementsFile];
      const stopWatching = watchPipProgress(job);
      const logStart = job.output.text().length;
      try {
        await runStep(
          job,
          {
            title: 'Installing packages',
            progress: 0.15,
            file: useUv ? (this.uvPath as string) : python,
            args,
            cwd,
            env,
          },
          (code) => {
            const missing = missingFromPipOutput(job.output.text().slice(logStart));
            if (missing.length > 0) {
              return new BenchtopError(
                'PACKAGE_UNAVAILABLE',
                `Package${missing.length > 1 ? 's' : ''} not available${request.offline ? ' offline' : ''}: ${missing.join(', ')}.`,
                request.offline
                  ? `Add the wheel with \`benchtop wheel add FILE.whl\`, or turn offline mode off.`
                  : 'Check the spelling and the version on the package index, or add a private wheel with `benchtop wheel add`.',
              );
            }
            return failure('pip install')(code);
          },
        );
      } finally {
        stopWatching();
      }
    } else {
      job.output.note('No packages to install.');
    }
    job.setProgress(0.95, 'Recording installed versions');
    const installed = await readInstalled(python);
    return { pythonVersion: installed.pythonVersion, pythonPath: python, lock: installed.packages };
  }
}
