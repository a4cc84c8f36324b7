import path from 'node:path';
import type { Command } from 'commander';
import { FINAL_STATUSES, type RunStatus, type RunSummary } from '../../../shared/api/runTypes';
import { BenchtopError } from '../../../shared/errors';
import type { CliContext } from '../context';
import { fileTail } from '../fileTail';
import { cancelOnInterrupt } from '../interrupt';
import { OperationFailed, printJson, table } from '../output';
import type { Action } from '../program';

function runJson(run: RunSummary) {
  return {
    id: run.id,
    experiment: run.experiment,
    status: run.status,
    metrics: run.metrics,
    tags: run.tags,
    environment: run.environment,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    createdAt: run.createdAt,
    script: run.script,
    arguments: run.arguments,
    exitCode: run.exitCode,
    reason: run.reason,
    buildKey: run.buildKey,
  };
}

/**
 * Follows a run to its end, printing its output as it grows when asked
 * (like wait_for_completion(show_output=True)). Reads the log file, so it
 * works from any process, and Ctrl-C cancels the run.
 */
async function follow(ctx: CliContext, runId: string, showOutput: boolean): Promise<RunSummary> {
  const log = path.join(ctx.core.paths.runDir(runId), 'output.log');
  const release = cancelOnInterrupt('run', () => void ctx.client.runs.cancel({ runId }));
  const tail = fileTail(log, (chunk) => ctx.log.write(chunk));
  const pump = () => {
    if (showOutput) tail();
  };
  try {
    for (;;) {
      pump();
      const run = await ctx.client.runs.get({ runId });
      if (FINAL_STATUSES.has(run.status)) {
        pump();
        return run;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    release();
  }
}

function endOf(ctx: CliContext, run: RunSummary): void {
  if (ctx.json) printJson(runJson(run));
  else
    process.stderr.write(
      `Run ${run.id}: ${run.status}${run.exitCode !== null ? ` (exit code ${run.exitCode})` : ''}\n`,
    );
  if (run.status !== 'Completed')
    throw new OperationFailed(
      {
        code: 'BUILD_FAILED',
        message: run.reason ?? `The run ended ${run.status}.`,
        hint: `See its output: benchtop run logs ${run.id}`,
      },
      !ctx.json,
    );
}

export function registerRunCommands(program: Command, action: Action): void {
  const run = program
    .command('run')
    .description('Runs: a script in an environment, with live output, metrics and history');

  run
    .command('submit')
    .description('Snapshot a source folder and run a script in an environment (arguments after --)')
    .requiredOption('-d, --source-directory <dir>', 'source folder (snapshot honours .amlignore, else .gitignore)')
    .requiredOption('-s, --script <file>', 'script, relative to the source folder')
    .option('-e, --environment <env>', 'NAME[:VERSION] (default Benchtop-Minimal)')
    .option('-x, --experiment <name>', 'experiment (default Default)')
    .option('--target <target>', 'local | docker', 'local')
    .option('--max-duration <seconds>', 'cancel the run after this many seconds', (v) => Number.parseInt(v, 10))
    .option('--snapshot-max-mb <mb>', 'snapshot size limit for this run (default 300)', Number)
    .option('--snapshot-max-files <n>', 'snapshot file-count limit for this run (default 2000)', (v) =>
      Number.parseInt(v, 10),
    )
    .option('--wait', 'wait for the run to end; exit 0 only if it Completed')
    .option('--show-output', "stream the run's output until it ends (implies --wait)")
    .argument('[args...]', 'arguments for the script, passed exactly')
    .action(
      action(
        async (
          ctx,
          args: string[],
          opts: {
            sourceDirectory: string;
            script: string;
            environment?: string;
            experiment?: string;
            target: string;
            maxDuration?: number;
            snapshotMaxMb?: number;
            snapshotMaxFiles?: number;
            wait?: boolean;
            showOutput?: boolean;
          },
        ) => {
          if (opts.target !== 'local' && opts.target !== 'docker')
            throw new BenchtopError('BAD_INPUT', `Unknown target "${opts.target}".`, 'Use local or docker.');
          if (opts.maxDuration !== undefined && !(opts.maxDuration > 0))
            throw new BenchtopError(
              'BAD_INPUT',
              '--max-duration takes a number of seconds.',
              'E.g. --max-duration 3600.',
            );
          const submitted = await ctx.client.runs.submit({
            sourceDirectory: path.resolve(opts.sourceDirectory),
            script: opts.script,
            arguments: args,
            environment: opts.environment,
            experiment: opts.experiment,
            target: opts.target as 'local',
            maxDurationSeconds: opts.maxDuration,
            snapshotMaxMb: opts.snapshotMaxMb,
            snapshotMaxFiles: opts.snapshotMaxFiles,
          });
          if (!opts.wait && !opts.showOutput) {
            if (ctx.json) return printJson(runJson(submitted));
            console.log(submitted.id);
            process.stderr.write(
              `Submitted ${submitted.id} (${submitted.environment}). Follow it: benchtop run logs ${submitted.id} --follow\n`,
            );
            return;
          }
          if (!ctx.json) process.stderr.write(`Submitted ${submitted.id} (${submitted.environment})\n`);
          endOf(ctx, await follow(ctx, submitted.id, Boolean(opts.showOutput)));
        },
      ),
    );

  run
    .command('list')
    .description('List runs, newest first')
    .option('-x, --experiment <name>', 'only this experiment')
    .option('--status <status>', 'Queued | Preparing | Running | Finalizing | Completed | Failed | Canceled')
    .option('--tag <k[=v]>', 'only runs with this tag')
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 100)
    .action(
      action(async (ctx, opts: { experiment?: string; status?: string; tag?: string; limit: number }) => {
        const { runs, total } = await ctx.client.runs.list({
          experiment: opts.experiment,
          status: opts.status as RunStatus | undefined,
          tag: opts.tag,
          limit: opts.limit,
        });
        if (ctx.json) return printJson(runs.map(runJson));
        if (runs.length === 0) return console.log('No runs yet. Submit one: benchtop run submit -d SRC -s train.py');
        console.log(
          table(
            ['ID', 'EXPERIMENT', 'STATUS', 'ENVIRONMENT', 'STARTED', 'METRICS'],
            runs.map((r) => [
              r.id,
              r.experiment,
              r.status,
              r.environment,
              r.startedAt ?? '-',
              Object.entries(r.metrics)
                .slice(0, 3)
                .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`)
                .join(' '),
            ]),
          ),
        );
        if (total > runs.length) console.log(`(${total - runs.length} more; use --limit)`);
      }),
    );

  run
    .command('show')
    .description('Show one run')
    .argument('<run-id>')
    .action(
      action(async (ctx, runId: string) => {
        const r = await ctx.client.runs.get({ runId });
        if (ctx.json) return printJson(runJson(r));
        console.log(
          [
            `${r.id} (${r.experiment})`,
            `  status       ${r.status}${r.exitCode !== null ? ` (exit code ${r.exitCode})` : ''}`,
            ...(r.reason ? [`  reason       ${r.reason.replace(/\n/g, '\n               ')}`] : []),
            `  script       ${r.script} ${r.arguments.map((a) => JSON.stringify(a)).join(' ')}`,
            `  environment  ${r.environment} (build key ${r.buildKey ?? '-'})`,
            `  created      ${r.createdAt}`,
            `  started      ${r.startedAt ?? '-'}`,
            `  ended        ${r.endedAt ?? '-'}`,
            `  metrics      ${
              Object.entries(r.metrics)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ') || '-'
            }`,
            `  tags         ${
              Object.entries(r.tags)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ') || '-'
            }`,
          ].join('\n'),
        );
      }),
    );

  run
    .command('logs')
    .description("Print a run's output (--follow: keep printing until it ends)")
    .argument('<run-id>')
    .option('--follow', 'stream until the run ends')
    .action(
      action(async (ctx, runId: string, opts: { follow?: boolean }) => {
        if (opts.follow) {
          const r = await follow(ctx, runId, true);
          process.stderr.write(`Run ${r.id}: ${r.status}\n`);
          return;
        }
        const { text } = await ctx.client.runs.log({ runId });
        process.stdout.write(text);
      }),
    );

  run
    .command('metrics')
    .description("Print a run's metrics")
    .argument('<run-id>')
    .action(
      action(async (ctx, runId: string) => {
        const m = await ctx.client.runs.metrics({ runId });
        if (ctx.json) return printJson(m);
        const rows = Object.entries(m.scalars).map(([name, points]) => [
          name,
          String(points.length),
          String(points[points.length - 1]?.value ?? '-'),
        ]);
        if (rows.length === 0 && Object.keys(m.lists).length === 0) return console.log('No metrics logged.');
        console.log(table(['METRIC', 'POINTS', 'LAST'], rows));
        for (const [name, values] of Object.entries(m.lists)) console.log(`${name} (list): ${JSON.stringify(values)}`);
        for (const [name, rowsOf] of Object.entries(m.rows)) console.log(`${name} (rows): ${JSON.stringify(rowsOf)}`);
        for (const [name, tbl] of Object.entries(m.tables)) console.log(`${name} (table): ${JSON.stringify(tbl)}`);
      }),
    );

  run
    .command('cancel')
    .description('Cancel a run (SIGINT, then SIGTERM, then SIGKILL to its process group)')
    .argument('<run-id>')
    .action(
      action(async (ctx, runId: string) => {
        const r = await ctx.client.runs.cancel({ runId });
        if (ctx.json) return printJson(runJson(r));
        console.log(
          FINAL_STATUSES.has(r.status) ? `${runId} already ended: ${r.status}.` : `Cancel requested for ${runId}.`,
        );
      }),
    );

  run
    .command('download')
    .description("Copy a run's outputs, logs and output to a folder")
    .argument('<run-id>')
    .requiredOption('-d, --directory <dir>', 'target folder')
    .action(
      action(async (ctx, runId: string, opts: { directory: string }) => {
        const result = await ctx.client.runs.download({ runId, directory: path.resolve(opts.directory) });
        if (ctx.json) return printJson(result);
        console.log(`Downloaded ${result.files} file(s) of ${runId} to ${result.directory}`);
        if (result.skipped.length)
          console.log(
            `Not copied: ${result.skipped.join(', ')} (links that point outside the run, or not regular files).`,
          );
      }),
    );
}
