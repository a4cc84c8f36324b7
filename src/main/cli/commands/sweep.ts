import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { SubmitSweep, SweepDetail, SweepSummary } from '../../../shared/api/sweepTypes';
import { BenchtopError } from '../../../shared/errors';
import { parseSweepYaml } from '../../core/sweeps/sweepYaml';
import type { CliContext } from '../context';
import { cancelOnInterrupt } from '../interrupt';
import { OperationFailed, printJson, table } from '../output';
import type { Action } from '../program';

const EXAMPLE = `
A sweep file (the v1 CLI's HyperDrive configuration):
  sampling:
    type: random                      # random | grid | bayesian
    parameter_space:
      - name: --learning-rate
        expression: loguniform        # choice randint uniform loguniform normal lognormal q*
        values: [-6, -1]
      - name: --batch-size
        expression: choice
        values: [16, 32, 64]
  policy:
    type: BanditPolicy                # BanditPolicy | MedianStoppingPolicy | TruncationSelectionPolicy
    evaluation_interval: 1
    slack_factor: 0.1
  primary_metric_name: accuracy
  primary_metric_goal: maximize
  max_total_runs: 20
  max_concurrent_runs: 4
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface SubmitOptions {
  file?: string;
  configJson?: string;
  sourceDirectory?: string;
  script?: string;
  environment?: string;
  experiment?: string;
  target: string;
  pool?: boolean;
  wait?: boolean;
}

/** The SubmitSweep from --config-json (the Python SDK's way) or a sweep file plus the flags. */
async function sweepRequest(opts: SubmitOptions, args: string[]): Promise<SubmitSweep> {
  if (opts.configJson !== undefined) {
    const text = opts.configJson === '-' ? await readStdin() : fs.readFileSync(path.resolve(opts.configJson), 'utf8');
    try {
      return JSON.parse(text) as SubmitSweep;
    } catch (err) {
      throw new BenchtopError(
        'PARSE_ERROR',
        `The sweep JSON cannot be read: ${(err as Error).message}`,
        'Give one SubmitSweep JSON object.',
      );
    }
  }
  if (!opts.file)
    throw new BenchtopError(
      'BAD_INPUT',
      'Give the sweep file with -f.',
      `benchtop sweep submit -f sweep.yml -d src -s train.py${EXAMPLE}`,
    );
  const file = path.resolve(opts.file);
  if (!fs.existsSync(file))
    throw new BenchtopError('NOT_FOUND', `Sweep file not found: ${file}`, 'Give the path of your sweep.yml.');
  const parsed = parseSweepYaml(fs.readFileSync(file, 'utf8'), path.basename(file));
  // A folder named in the file is relative to the file; the flags win over the file.
  const sourceDirectory = opts.sourceDirectory
    ? path.resolve(opts.sourceDirectory)
    : parsed.run.sourceDirectory
      ? path.resolve(path.dirname(file), parsed.run.sourceDirectory)
      : undefined;
  const script = opts.script ?? parsed.run.script;
  if (!sourceDirectory || !script)
    throw new BenchtopError(
      'BAD_INPUT',
      'The sweep needs a script and its source folder.',
      'Give -d SRC -s train.py, or source_directory: and script: in the sweep file.',
    );
  if (opts.target !== 'local' && opts.target !== 'docker')
    throw new BenchtopError('BAD_INPUT', `Unknown target "${opts.target}".`, 'Use local or docker.');
  return {
    ...parsed,
    run: {
      sourceDirectory,
      script,
      arguments: args.length ? args : (parsed.run.arguments ?? []),
      environment: opts.environment ?? parsed.run.environment,
      experiment: opts.experiment ?? parsed.run.experiment,
      target: opts.pool ? 'docker' : (opts.target as 'local' | 'docker'),
      ...(opts.pool ? { pool: true } : {}),
    },
  };
}

const FINAL = new Set(['Completed', 'Failed', 'Canceled']);

function progress(s: SweepSummary): string {
  const c = s.counts;
  const best = s.bestRunId ? `, best ${s.config.primaryMetric.name} ${s.bestValue} (${s.bestRunId})` : '';
  return `${s.status}: ${c.completed} completed, ${c.running} running, ${c.queued} queued, ${c.earlyTerminated} early terminated, ${c.failed} failed, ${c.canceled} canceled${best}`;
}

/** Follows a sweep to its end (Ctrl-C cancels it), printing a line whenever its counts change. */
async function follow(ctx: CliContext, id: string): Promise<SweepSummary> {
  const release = cancelOnInterrupt('sweep', () => void ctx.client.sweeps.cancel({ sweepId: id }));
  let last = '';
  try {
    for (;;) {
      const sweep = await ctx.client.sweeps.get({ sweepId: id });
      const line = progress(sweep);
      if (line !== last && !ctx.json) process.stderr.write(`${line}\n`);
      last = line;
      if (FINAL.has(sweep.status)) return sweep;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    release();
  }
}

function trialsTable(detail: SweepDetail): string {
  const names = Object.keys(detail.config.sampling.parameterSpace);
  return table(
    ['N', 'RUN', 'STATUS', detail.config.primaryMetric.name.toUpperCase(), 'STEPS', ...names],
    detail.trials.map((t) => [
      String(t.n),
      t.runId,
      t.earlyTerminated ? `${t.status} (early terminated)` : t.status,
      t.primaryValue === null ? '-' : String(t.primaryValue),
      String(t.steps),
      ...names.map((name) => String(t.params[name] ?? '')),
    ]),
  );
}

function printSummary(s: SweepSummary): void {
  console.log(
    `${s.id}  ${s.experiment}  ${s.config.sampling.type} sampling, ${s.config.policy.type} policy, seed ${s.seed}`,
  );
  console.log(progress(s));
  if (s.message) console.log(`note: ${s.message}`);
  for (const warning of s.warnings) console.log(`warning: ${warning}`);
}

export function registerSweepCommands(program: Command, action: Action): void {
  const sweep = program
    .command('sweep')
    .description('HyperDrive sweeps: many runs of one script with sampled arguments');

  sweep
    .command('submit')
    .description('Submit a sweep from a HyperDrive sweep file (arguments after -- go to every trial)')
    .option('-f, --file <sweep.yml>', 'the sweep file (the v1 CLI HyperDrive configuration)')
    .option('--config-json <file|->', 'a SubmitSweep JSON document instead (- reads stdin)')
    .option('-d, --source-directory <dir>', 'source folder (else source_directory in the file)')
    .option('-s, --script <file>', 'script, relative to the source folder (else script in the file)')
    .option('-e, --environment <env>', 'NAME[:VERSION] (default Benchtop-Minimal)')
    .option('-x, --experiment <name>', 'experiment (default Default)')
    .option('--target <target>', 'local | docker', 'local')
    .option('--pool', 'trials are container runs spread over the Docker pool')
    .option('--wait', 'wait for the sweep to end; exit 0 only if it Completed')
    .argument('[args...]', 'arguments every trial gets before its sampled ones')
    .addHelpText('after', EXAMPLE)
    .action(
      action(async (ctx, args: string[], opts: SubmitOptions) => {
        const submitted = await ctx.client.sweeps.submit(await sweepRequest(opts, args));
        if (!ctx.json) {
          console.log(submitted.id);
          for (const warning of submitted.warnings) process.stderr.write(`warning: ${warning}\n`);
        }
        if (!opts.wait) {
          if (ctx.json) printJson(submitted);
          else
            process.stderr.write(`Submitted sweep ${submitted.id}. Follow it: benchtop sweep show ${submitted.id}\n`);
          return;
        }
        const ended = await follow(ctx, submitted.id);
        if (ctx.json) printJson(ended);
        if (ended.status !== 'Completed')
          throw new OperationFailed(
            {
              code: 'BUILD_FAILED',
              message: ended.message ?? `The sweep ended ${ended.status}.`,
              hint: `See its trials: benchtop sweep show ${ended.id}`,
            },
            !ctx.json,
          );
      }),
    );

  sweep
    .command('list')
    .description('List sweeps, newest first')
    .option('-x, --experiment <name>', 'only this experiment')
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 50)
    .action(
      action(async (ctx, opts: { experiment?: string; limit: number }) => {
        const sweeps = await ctx.client.sweeps.list({ experiment: opts.experiment, limit: opts.limit });
        if (ctx.json) return printJson(sweeps);
        if (sweeps.length === 0) return console.log('No sweeps yet. Submit one: benchtop sweep submit -f sweep.yml');
        console.log(
          table(
            ['SWEEP', 'EXPERIMENT', 'STATUS', 'SAMPLING', 'TRIALS', 'BEST'],
            sweeps.map((s) => {
              const c = s.counts;
              const done = c.completed + c.failed + c.canceled + c.earlyTerminated;
              return [
                s.id,
                s.experiment,
                s.status,
                s.config.sampling.type,
                `${done} done, ${c.running} running, ${c.queued} queued`,
                s.bestValue === null ? '-' : `${s.config.primaryMetric.name}=${s.bestValue}`,
              ];
            }),
          ),
        );
      }),
    );

  sweep
    .command('show')
    .description("A sweep's progress and its trials")
    .argument('<sweep-id>')
    .action(
      action(async (ctx, id: string) => {
        const detail = await ctx.client.sweeps.get({ sweepId: id });
        if (ctx.json) return printJson(detail);
        printSummary(detail);
        if (detail.trials.length) console.log(`\n${trialsTable(detail)}`);
      }),
    );

  sweep
    .command('cancel')
    .description('Cancel a sweep: no new trials, queued ones never start, running ones are canceled')
    .argument('<sweep-id>')
    .action(
      action(async (ctx, id: string) => {
        const canceled = await ctx.client.sweeps.cancel({ sweepId: id });
        if (ctx.json) return printJson(canceled);
        // A sweep stays Running until its trials are final, so any other status means it had already ended.
        if (canceled.status !== 'Running')
          console.log(`Sweep ${id} had already ended (${canceled.status}): nothing to cancel.`);
        else console.log(`Canceling sweep ${id}: ${progress(canceled)}`);
      }),
    );

  sweep
    .command('best')
    .description('The best trial by the primary metric (get_best_run_by_primary_metric)')
    .argument('<sweep-id>')
    .action(
      action(async (ctx, id: string) => {
        const best = await ctx.client.sweeps.best({ sweepId: id });
        if (ctx.json) return printJson(best);
        if (!best.trial) return console.log('No trial has logged the primary metric yet.');
        console.log(best.trial.runId);
        process.stderr.write(
          `${best.trial.primaryValue} with ${JSON.stringify(best.trial.params)} (${best.trial.status})\n`,
        );
      }),
    );
}
