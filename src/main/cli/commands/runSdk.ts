import type { Command } from 'commander';
import { BenchtopError } from '../../../shared/errors';
import { parsePairs } from '../../core/models/modelRules';
import type { CliContext } from '../context';
import { printJson } from '../output';
import type { Action } from '../program';
import { runJson } from './runJson';

/**
 * The run commands the Python SDK uses for runs without a script, and for what Python changes
 * on any run: interactive runs (Experiment.start_logging), child runs (run.child_run,
 * run.create_children), tags, properties and names, the end of such a run, and a run's files by
 * Azure's artifact names. Usable by hand too.
 */

const collect = (value: string, previous: string[] = []) => [...previous, value];

function printRun(ctx: CliContext, run: Parameters<typeof runJson>[1]): void {
  if (ctx.json) return printJson(runJson(ctx, run));
  console.log(`${run.id}: ${run.status}`);
}

export function registerRunSdkCommands(run: Command, action: Action): void {
  run
    .command('create')
    .description('Create a run without a script, to log to from Python (interactive or child runs)')
    .option('-x, --experiment <name>', 'experiment (default: the parent\'s, else "Default")')
    .option('--parent <run-id>', 'create child runs of this run')
    .option('--run-id <id>', 'the id to give the run (default: generated)')
    .option('--display-name <name>', 'display name')
    .option('--description <text>', 'description')
    .option('--tag <key=value>', 'a tag (repeatable)', collect)
    .option('--property <key=value>', 'a property, add-only (repeatable)', collect)
    .option('--snapshot-directory <dir>', "a folder to keep as the run's snapshot (.amlignore honoured)")
    .option('--owner-pid <pid>', 'the process logging to it: the run fails when it ends unfinished', (v) =>
      Number.parseInt(v, 10),
    )
    .option('--not-started', 'create it NotStarted (create_children), else Running')
    .option('--tag-key <key>', 'with --tag-values: one run per value, tagged KEY=value')
    .option('--tag-values <json>', 'a JSON array of values (create_children)')
    .action(
      action(
        async (
          ctx,
          opts: {
            experiment?: string;
            parent?: string;
            runId?: string;
            displayName?: string;
            description?: string;
            tag?: string[];
            property?: string[];
            snapshotDirectory?: string;
            ownerPid?: number;
            notStarted?: boolean;
            tagKey?: string;
            tagValues?: string;
          },
        ) => {
          let tagValues: string[] | undefined;
          if (opts.tagValues !== undefined) {
            let parsed: unknown;
            try {
              parsed = JSON.parse(opts.tagValues);
            } catch {
              parsed = null;
            }
            if (!Array.isArray(parsed))
              throw new BenchtopError(
                'BAD_INPUT',
                '--tag-values takes a JSON array.',
                'E.g. --tag-values \'["a","b"]\'.',
              );
            tagValues = parsed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
          }
          const runs = await ctx.client.runs.create({
            experiment: opts.experiment,
            parentRunId: opts.parent,
            runId: opts.runId,
            displayName: opts.displayName,
            description: opts.description,
            tags: parsePairs(opts.tag, 'tag'),
            properties: parsePairs(opts.property, 'property'),
            snapshotDirectory: opts.snapshotDirectory,
            ownerPid: opts.ownerPid,
            status: opts.notStarted ? 'NotStarted' : 'Running',
            tagKey: opts.tagKey,
            tagValues,
          });
          if (ctx.json) return printJson(runs.map((r) => runJson(ctx, r)));
          for (const r of runs) console.log(r.id);
        },
      ),
    );

  run
    .command('update')
    .description("Change a run's tags, properties (add-only), display name or description")
    .argument('<run-id>')
    .option('--tag <key=value>', 'set a tag (repeatable)', collect)
    .option('--remove-tag <key>', 'remove a tag (repeatable)', collect)
    .option('--property <key=value>', 'add a property (repeatable; a set property never changes)', collect)
    .option('--display-name <name>', 'display name')
    .option('--description <text>', 'description')
    .option('--start', 'start a NotStarted run (it becomes Running)')
    .action(
      action(
        async (
          ctx,
          runId: string,
          opts: {
            tag?: string[];
            removeTag?: string[];
            property?: string[];
            displayName?: string;
            description?: string;
            start?: boolean;
          },
        ) => {
          printRun(
            ctx,
            await ctx.client.runs.update({
              runId,
              tags: parsePairs(opts.tag, 'tag'),
              removeTags: opts.removeTag,
              properties: parsePairs(opts.property, 'property'),
              displayName: opts.displayName,
              description: opts.description,
              start: opts.start,
            }),
          );
        },
      ),
    );

  run
    .command('finish')
    .description('End a run made with `run create` (Completed, Failed or Canceled)')
    .argument('<run-id>')
    .option('--status <status>', 'Completed | Failed | Canceled', 'Completed')
    .option('--error <text>', 'why it failed')
    .option('--outputs <dir>', "a folder whose files become the run's outputs/")
    .action(
      action(async (ctx, runId: string, opts: { status: string; error?: string; outputs?: string }) => {
        if (!['Completed', 'Failed', 'Canceled'].includes(opts.status))
          throw new BenchtopError(
            'BAD_INPUT',
            `"${opts.status}" is not a final status.`,
            'Use --status Completed, Failed or Canceled.',
          );
        printRun(
          ctx,
          await ctx.client.runs.finish({
            runId,
            status: opts.status as 'Completed',
            error: opts.error,
            outputsDirectory: opts.outputs,
          }),
        );
      }),
    );

  run
    .command('experiments')
    .description('List the experiments that have runs, newest activity first')
    .action(
      action(async (ctx) => {
        const experiments = await ctx.client.runs.experiments({});
        if (ctx.json) return printJson(experiments);
        for (const e of experiments) console.log(`${e.name}  ${e.runs} run(s), last ${e.lastRunAt}`);
      }),
    );

  run
    .command('files')
    .description("List a run's files by Azure's artifact names (outputs/..., logs/..., uploads, the driver log)")
    .argument('<run-id>')
    .action(
      action(async (ctx, runId: string) => {
        const names = await ctx.client.runs.artifacts({ runId });
        if (ctx.json) return printJson(names);
        for (const name of names) console.log(name);
      }),
    );
}
