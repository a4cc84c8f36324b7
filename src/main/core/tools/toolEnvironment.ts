import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BenchtopError } from '../../../shared/errors';
import { acquireBuildLock } from '../builds/buildLock';
import { runStep } from '../builds/commandStep';
import { checkOfflineAvailability, watchPipProgress } from '../builds/pipOutput';
import { venvPython } from '../builds/venvBackend';
import type { JobContext, JobManager } from '../jobs/jobManager';
import { matchInterpreter } from '../python/interpreters';
import type { Db } from '../workspace/database';
import { removeAbandoned } from '../workspace/abandoned';
import { nowIso } from '../workspace/files';
import type { WorkspacePaths } from '../workspace/paths';
import { readSettings } from '../workspace/settings';
import { pipFailure } from './toolErrors';

/**
 * Tool environments: virtual environments Benchtop makes for itself to run a library it needs
 * (mlflow to read an MLflow store; later Optuna, py-rattler). A tool is a name and pinned
 * requirements; it is built once per content hash (name, requirements, Python version) under
 * the workspace, from the workspace's wheels first and the package index where reachable
 * (never the index when offline), in a temporary folder renamed into place when complete, with
 * the marker written before the rename: a folder under its final name is always whole. One
 * lock per hash keeps concurrent Benchtop processes from building the same tool twice.
 */

export interface ToolSpec {
  /** A short name for folders and messages: letters, digits, "-" and "_". */
  name: string;
  /** Pinned requirements, as pip reads them (`mlflow-skinny==3.17.2`). */
  requirements: string[];
  /** Python code that must run in the finished environment (e.g. an import): a build that fails it is not published. */
  check?: string;
}

export interface ReadyTool {
  name: string;
  key: string;
  prefix: string;
  python: string;
  /** Whether this call built it (false: it was there already). */
  built: boolean;
}

/** Written inside the environment before it is renamed into place. */
export const TOOL_MARKER = '.benchtop-tool.json';

const TOOL_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function toolKey(spec: ToolSpec, pythonVersion: string): string {
  const minor = pythonVersion.split('.').slice(0, 2).join('.');
  const canonical = JSON.stringify({ name: spec.name, requirements: spec.requirements, python: minor });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 24);
}

export class ToolEnvironments {
  constructor(
    private readonly db: Db,
    private readonly paths: WorkspacePaths,
    private readonly jobs: JobManager,
  ) {}

  get root(): string {
    return path.join(this.paths.root, 'cache', 'tools');
  }

  /** The tool's environment, building it first when needed; its build log goes to `write` as it happens. */
  async ensure(
    spec: ToolSpec,
    write: (text: string) => void,
    options: { signal?: AbortSignal; requestId?: string } = {},
  ): Promise<ReadyTool> {
    if (!TOOL_NAME.test(spec.name)) throw new Error(`Bad tool name ${JSON.stringify(spec.name)}.`);
    const interpreter = await matchInterpreter(null, true);
    const key = toolKey(spec, interpreter.version);
    const prefix = path.join(this.root, `${spec.name}-${key}`);
    const ready = readyAt(prefix, spec.name, key);
    if (ready) return ready;
    const offline = readSettings(this.db).offline;
    let result: ReadyTool | null = null;
    const job = this.jobs.start(
      'tool',
      `Tool environment ${spec.name}`,
      { tool: spec.name, key, requestId: options.requestId ?? '' },
      async (ctx) => {
        const release = await acquireBuildLock(this.paths.buildLock(`tool-${key}`), ctx.signal, () =>
          ctx.output.note(`Waiting for another Benchtop process that is building the ${spec.name} tool environment...`),
        );
        try {
          // Another process may have finished it while this one waited for the lock.
          result = readyAt(prefix, spec.name, key) ?? (await this.build(spec, key, prefix, interpreter, offline, ctx));
        } finally {
          release();
        }
      },
    );
    const { replay } = job.output.attach({ id: `tool-${job.job.id}`, acknowledges: false, write });
    write(replay);
    const cancel = () => this.jobs.cancel(job.job.id);
    options.signal?.addEventListener('abort', cancel, { once: true });
    const finished = await job.done;
    options.signal?.removeEventListener('abort', cancel);
    if (finished.state === 'canceled')
      throw new BenchtopError('CANCELED', `Building the ${spec.name} tool was canceled.`);
    if (finished.state !== 'completed' || !result)
      throw new BenchtopError(
        (finished.error?.code as BenchtopError['code'] | undefined) ?? 'BUILD_FAILED',
        finished.error?.message ?? `The ${spec.name} tool environment could not be built.`,
        finished.error?.hint,
      );
    return result;
  }

  private async build(
    spec: ToolSpec,
    key: string,
    prefix: string,
    interpreter: { path: string; version: string },
    offline: boolean,
    ctx: JobContext,
  ): Promise<ReadyTool> {
    removeAbandonedBuilds(prefix);
    ctx.output.note(
      `Building the ${spec.name} tool environment (${spec.requirements.join(' ')}) with Python ${interpreter.version}` +
        `${offline ? ', offline: from the workspace wheels only' : ''}`,
    );
    if (offline) checkOfflineAvailability(spec.requirements, this.paths.wheels, ctx.output);
    const temp = `${prefix}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    fs.mkdirSync(path.dirname(temp), { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
      PIP_NO_INPUT: '1',
      PYTHONNOUSERSITE: '1',
    };
    delete env.VIRTUAL_ENV;
    delete env.PYTHONPATH;
    try {
      const failed = (what: string) => (code: number) =>
        new BenchtopError('BUILD_FAILED', `${what} failed (exit code ${code}).`, 'The log above shows why.');
      await runStep(
        ctx,
        {
          title: 'Creating the tool environment',
          progress: 0.05,
          file: interpreter.path,
          args: ['-m', 'venv', temp],
          cwd: this.root,
          env,
        },
        failed('python -m venv'),
      );
      // The venv is used through <prefix>/bin/python only, which works after the rename (its
      // console scripts would keep the temporary path in their first line; none is used).
      const python = venvPython(temp);
      const requirementsFile = path.join(temp, 'benchtop-requirements.txt');
      fs.writeFileSync(requirementsFile, `${spec.requirements.join('\n')}\n`);
      const sources = [
        ...(offline ? ['--no-index'] : ['--retries', '2', '--timeout', '20']),
        ...(fs.existsSync(this.paths.wheels) ? ['--find-links', this.paths.wheels] : []),
      ];
      const logStart = ctx.output.text().length;
      const stopWatching = watchPipProgress(ctx);
      try {
        await runStep(
          ctx,
          {
            title: 'Installing packages',
            progress: 0.15,
            file: python,
            args: ['-m', 'pip', 'install', '--no-input', ...sources, '-r', requirementsFile],
            cwd: temp,
            env,
          },
          (code) => pipFailure(ctx.output.text().slice(logStart), spec.requirements, offline, code),
        );
      } finally {
        stopWatching();
      }
      if (spec.check)
        await runStep(
          ctx,
          { title: 'Checking the tool', progress: 0.9, file: python, args: ['-c', spec.check], cwd: temp, env },
          failed('The tool check'),
        );
      const marker = {
        name: spec.name,
        key,
        requirements: spec.requirements,
        python: interpreter.version,
        builtAt: nowIso(),
      };
      fs.writeFileSync(path.join(temp, TOOL_MARKER), `${JSON.stringify(marker, null, 2)}\n`);
      fs.renameSync(temp, prefix);
      ctx.output.note(`The ${spec.name} tool environment is ready: ${prefix}`);
      return { name: spec.name, key, prefix, python: venvPython(prefix), built: true };
    } catch (err) {
      fs.rmSync(temp, { recursive: true, force: true });
      throw err;
    }
  }
}

/** A published tool environment (its marker names the same tool and key), or null. */
function readyAt(prefix: string, name: string, key: string): ReadyTool | null {
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(prefix, TOOL_MARKER), 'utf8')) as {
      name?: string;
      key?: string;
    };
    const python = venvPython(prefix);
    if (marker.name !== name || marker.key !== key || !fs.existsSync(python)) return null;
    return { name, key, prefix, python, built: false };
  } catch {
    return null;
  }
}

/** Temporary folders of this tool left by a build whose process is gone (killed mid-build): ours by their name. */
function removeAbandonedBuilds(prefix: string): void {
  const stem = `${path.basename(prefix)}.tmp-`;
  removeAbandoned(path.dirname(prefix), (entry) => {
    if (!entry.startsWith(stem)) return null;
    const pid = Number.parseInt(entry.slice(stem.length), 10);
    return Number.isFinite(pid) ? pid : null;
  });
}
