import { BenchtopError } from '../../../shared/errors';
import type { JobContext } from '../jobs/jobManager';
import { spawnInPty } from '../pty/spawnInPty';

/** Quotes an argument for display only (commands are never run through a shell). */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * One step of a build: shown as `$ command` in the live log, run in a pty;
 * a non-zero exit fails the build with `failure` as the message.
 */
export async function runStep(
  job: JobContext,
  step: { title: string; progress: number; file: string; args: string[]; cwd: string; env?: NodeJS.ProcessEnv },
  failure: (exitCode: number) => BenchtopError,
): Promise<void> {
  job.setProgress(step.progress, step.title);
  job.output.note(`$ ${[step.file, ...step.args].map(shellQuote).join(' ')}`);
  const code = await spawnInPty(
    { file: step.file, args: step.args, cwd: step.cwd, env: step.env ?? process.env },
    job.output,
    job.signal,
  );
  if (code !== 0) throw failure(code);
}
