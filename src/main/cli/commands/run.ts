import path from 'node:path';
import type { Command } from 'commander';
import { FINAL_STATUSES, type RunStatus, type RunSummary } from '../../../shared/api/runTypes';
import { BenchtopError } from '../../../shared/errors';
import type { CliContext } from '../context';
import { fileTail } from '../fileTail';
import { cancelOnInterrupt } from '../interrupt';
import { OperationFailed, printJson, table } from '../output';
import type { Action } from '../program';
import { loadEnvironmentFolder } from '../../core/environments/environmentFiles';
import { parsePairs } from '../../core/models/modelRules';
import { registerRunSdkCommands } from './runSdk';
import { queueLine, queuePlace, runJson } from './runJson';
import { parseInputFlags } from './runInputFlags';
import { inputLines } from './runInputsText';
import { addQueueFlags, type QueueFlags, queueRequest } from './runQueueFlags';

const collect = (value: string, previous: string[] = []) => [...previous, value];

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
    // The log is read every 50 ms (what a script prints shows within about 0.1 s), the status every 100 ms.
    for (let tick = 0; ; tick++) {
      pump();
      if (tick % 2 === 0) {
        const run = await ctx.client.runs.get({ runId });
        if (FINAL_STATUSES.has(run.status)) {
          pump();
          return run;
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    release();
  }
}

function endOf(ctx: CliContext, run: RunSummary): void {
  if (ctx.json) printJson(runJson(ctx, run));
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

  addQueueFlags(run.command('submit'))
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
    .option('--environment-directory <dir>', 'register the environment in this folder (as env register -d) and use it')
    .option('--tag <key=value>', 'a tag (repeatable)', collect)
    .option('--property <key=value>', 'a property, add-only (repeatable)', collect)
    .option('--display-name <name>', "the run's display name")
    .option('--description <text>', "the run's description")
    .option('--parent <run-id>', 'submit as a child run of this run')
    .option(
      '--input <NAME=DATASET[:VERSION][:MODE]>',
      'a dataset input (repeatable): mount | download | direct (default: mount for files, direct for tables); DatasetConsumptionConfig:NAME in the arguments becomes its path',
      collect,
    )
    .option('--input-path <NAME=REL>', "where an input appears, relative to the script's working directory", collect)
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
            environmentDirectory?: string;
            tag?: string[];
            property?: string[];
            displayName?: string;
            description?: string;
            parent?: string;
            input?: string[];
            inputPath?: string[];
          } & QueueFlags,
        ) => {
          const inputs = parseInputFlags(opts.input, opts.inputPath);
          if (opts.target !== 'local' && opts.target !== 'docker')
            throw new BenchtopError('BAD_INPUT', `Unknown target "${opts.target}".`, 'Use local or docker.');
          if (opts.maxDuration !== undefined && !(opts.maxDuration > 0))
            throw new BenchtopError(
              'BAD_INPUT',
              '--max-duration takes a number of seconds.',
              'E.g. --max-duration 3600.',
            );
          if (opts.environment && opts.environmentDirectory)
            throw new BenchtopError(
              'BAD_INPUT',
              'Give -e or --environment-directory, not both.',
              'Use -e NAME[:VERSION] for a registered environment.',
            );
          const tags = parsePairs(opts.tag, 'tag');
          const properties = parsePairs(opts.property, 'property');
          let environment = opts.environment;
          if (opts.environmentDirectory) {
            const definition = loadEnvironmentFolder(path.resolve(opts.environmentDirectory));
            const registered = (await ctx.client.environments.register({ definition })).environment;
            environment = `${registered.name}:${registered.version}`;
          }
          const submitted = await ctx.client.runs.submit({
            sourceDirectory: path.resolve(opts.sourceDirectory),
            script: opts.script,
            arguments: args,
            environment,
            tags,
            properties,
            displayName: opts.displayName,
            description: opts.description,
            parentRunId: opts.parent,
            experiment: opts.experiment,
            target: opts.target as 'local',
            maxDurationSeconds: opts.maxDuration,
            snapshotMaxMb: opts.snapshotMaxMb,
            snapshotMaxFiles: opts.snapshotMaxFiles,
            ...(inputs.length ? { inputs } : {}),
            ...queueRequest(opts),
          });
          if (!opts.wait && !opts.showOutput) {
            if (ctx.json) return printJson(runJson(ctx, submitted));
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
    .option('--tag <k[=v]>', 'only runs with this tag (repeatable; all must match)', collect)
    .option('--property <k[=v]>', 'only runs with this property (repeatable; all must match)', collect)
    .option('--parent <run-id>', 'only the child runs of this run')
    .option('--top-level', 'only runs that are not child runs')
    .option('--type <type>', 'only runs of this type (azureml.scriptrun)')
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 100)
    .action(
      action(
        async (
          ctx,
          opts: {
            experiment?: string;
            status?: string;
            tag?: string[];
            property?: string[];
            parent?: string;
            topLevel?: boolean;
            type?: string;
            limit: number;
          },
        ) => {
          const { runs, total } = await ctx.client.runs.list({
            experiment: opts.experiment,
            status: opts.status as RunStatus | undefined,
            tags: opts.tag,
            properties: opts.property,
            parentRunId: opts.parent,
            topLevel: opts.topLevel,
            runType: opts.type,
            limit: opts.limit,
          });
          if (ctx.json) return printJson(runs.map((r) => runJson(ctx, r)));
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
        },
      ),
    );

  run
    .command('show')
    .description('Show one run')
    .argument('<run-id>')
    .action(
      action(async (ctx, runId: string) => {
        const r = await ctx.client.runs.get({ runId });
        // MLflow params live in the events file (not a column): read with the metrics.
        const params = (await ctx.client.runs.metrics({ runId })).params ?? {};
        const inputDatasets = await ctx.client.runs.datasets({ runId });
        const queue = await queuePlace(ctx, r);
        if (ctx.json) return printJson({ ...runJson(ctx, r), params, inputDatasets, queue });
        console.log(
          [
            `${r.id} (${r.experiment})`,
            `  status       ${r.status}${r.exitCode !== null ? ` (exit code ${r.exitCode})` : ''}`,
            ...(r.reason ? [`  reason       ${r.reason.replace(/\n/g, '\n               ')}`] : []),
            ...queueLine(queue),
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
            ...(Object.keys(params).length
              ? [
                  `  params       ${Object.entries(params)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ')}`,
                ]
              : []),
            `  tags         ${
              Object.entries(r.tags)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ') || '-'
            }`,
            ...inputLines(inputDatasets),
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
          if (ctx.json) return printJson(runJson(ctx, r));
          process.stderr.write(`Run ${r.id}: ${r.status}\n`);
          return;
        }
        const { text } = await ctx.client.runs.log({ runId });
        process.stdout.write(text);
      }),
    );

  registerRunSdkCommands(run, action);

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
        if (ctx.json) return printJson(runJson(ctx, r));
        console.log(
          FINAL_STATUSES.has(r.status) ? `${runId} already ended: ${r.status}.` : `Cancel requested for ${runId}.`,
        );
      }),
    );

  run
    .command('download')
    .description("Copy a run's outputs, logs and output to a folder (or one file, or the files under a prefix)")
    .argument('<run-id>')
    .option('-d, --directory <dir>', 'target folder')
    .option('--prefix <prefix>', 'only the files whose artifact name starts with this (see `run files`), under -d')
    .option('--no-append-prefix', 'with --prefix: leave the prefix out of the names written under -d')
    .option('--file <name>', 'one file, by its artifact name (see `run files`), to -o')
    .option('-o, --output <path>', 'with --file: where to write it (default: its base name here)')
    .action(
      action(
        async (
          ctx,
          runId: string,
          opts: { directory?: string; prefix?: string; appendPrefix: boolean; file?: string; output?: string },
        ) => {
          if (opts.file) {
            const result = await ctx.client.runs.downloadArtifact({
              runId,
              name: opts.file,
              destination: path.resolve(opts.output ?? path.basename(opts.file)),
            });
            if (ctx.json) return printJson(result);
            return console.log(`Downloaded ${opts.file} of ${runId} to ${result.path}`);
          }
          if (!opts.directory)
            throw new BenchtopError(
              'BAD_INPUT',
              'Give the target folder with -d.',
              'Or one file: --file NAME -o PATH.',
            );
          if (opts.prefix !== undefined) {
            const result = await ctx.client.runs.downloadArtifacts({
              runId,
              directory: path.resolve(opts.directory),
              prefix: opts.prefix,
              appendPrefix: opts.appendPrefix,
            });
            if (ctx.json) return printJson(result);
            return console.log(`Downloaded ${result.files.length} file(s) of ${runId} to ${result.directory}`);
          }
          const result = await ctx.client.runs.download({ runId, directory: path.resolve(opts.directory) });
          if (ctx.json) return printJson(result);
          console.log(`Downloaded ${result.files} file(s) of ${runId} to ${result.directory}`);
          if (result.skipped.length)
            console.log(
              `Not copied: ${result.skipped.join(', ')} (links that point outside the run, or not regular files).`,
            );
        },
      ),
    );
}
