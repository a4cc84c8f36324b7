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
import { matchInterpreter, which } from '../python/interpreters';
import { readInstalled } from '../python/lockScript';
import type { BuildBackend, BuildOutcome, BuildRequest } from './backend';
import { runStep } from './commandStep';
import { checkOfflineAvailability, missingFromPipOutput, watchPipProgress } from './pipOutput';

export type Installer = 'pip' | 'uv';

export function venvPython(prefix: string): string {
  return process.platform === 'win32' ? path.join(prefix, 'Scripts', 'python.exe') : path.join(prefix, 'bin', 'python');
}

/** Conda dependencies mapped to pip names (each mapping printed), then the pip list. */
export function pipRequirementsFor(definition: EnvironmentDefinition, note: (text: string) => void): string[] {
  const requirements: string[] = [];
  for (const spec of condaPackagesOf(definition)) {
    const mapped = condaToPip(spec);
    if (mapped.note && !/^python\b/i.test(spec) && !/^pip\b/i.test(spec)) note(`conda -> pip: ${mapped.note}`);
    if (mapped.pip) requirements.push(mapped.pip);
  }
  return [...requirements, ...pipPackagesOf(definition)];
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
    const interpreter = await matchInterpreter(wanted, !useUv);
    job.output.note(
      `Python ${interpreter.version} at ${interpreter.path}${wanted ? ` (matches python=${wanted})` : ' (default interpreter)'}; installer: ${useUv ? 'uv' : 'pip'}`,
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
