import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import type { ImportOutcome } from '../../../shared/api/bundleTypes';
import type { MlflowImportSummary } from '../../../shared/api/importTypes';
import type { CliContext } from '../context';
import { cancelOnInterrupt } from '../interrupt';
import { printJson, table } from '../output';
import type { Action } from '../program';
import { printBundle, withBundleProgress } from './export';

/**
 * `benchtop import FILE.btb` (a bundle from `benchtop export`) is this command's own action; other sources are
 * subcommands (`import mlflow DIR_OR_URI`), which commander tries first, so neither spelling changes.
 */
export function registerImportCommands(program: Command, action: Action): void {
  const imports = program
    .command('import')
    .description('Bring a .btb bundle (benchtop export), or data made elsewhere (import mlflow), into the workspace')
    .argument('[file]', 'a .btb bundle')
    .option('--dry-run', "only read the bundle's manifest and list what it holds")
    .action(
      action(async (ctx, file: string | undefined, options: { dryRun?: boolean }) => {
        if (!file) {
          imports.help({ error: true });
          return;
        }
        const absolute = path.resolve(file);
        if (options.dryRun) {
          const summary = await ctx.client.bundles.inspect({ file: absolute });
          if (ctx.json) return printJson(summary);
          return printBundle(summary, `${absolute} holds`);
        }
        const outcome = await withBundleProgress(ctx, 'import', (requestId) =>
          ctx.client.bundles.import({ file: absolute, requestId }),
        );
        if (ctx.json) return printJson(outcome);
        printOutcome(absolute, outcome);
      }),
    );
  imports
    .command('mlflow')
    .description(
      'Import an MLflow store: experiments, runs (params, metrics with steps and times, tags, artifacts) and ' +
        'registered model versions. Importing again adds only what is new or changed.',
    )
    .argument('<source>', 'an mlruns/ folder (or the folder holding it), a file: URI, or http://127.0.0.1:PORT')
    .option('-x, --experiment <name>', 'only this MLflow experiment (repeatable)', collect, [] as string[])
    .action(
      action(async (ctx, source: string, options: { experiment: string[] }) => {
        const summary = await withLiveJobs(ctx, (requestId) =>
          ctx.client.imports.mlflow({ source, experiments: options.experiment, requestId }),
        );
        if (ctx.json) return printJson(summary);
        printSummary(summary);
      }),
    );
}

function printOutcome(file: string, outcome: ImportOutcome): void {
  const count = (action: string) => outcome.parts.filter((p) => p.action === action).length;
  console.log(
    `Imported ${file}: ${count('added')} added, ${count('unchanged')} unchanged, ${count('new-version')} new version(s)`,
  );
  console.log(
    table(
      ['KIND', 'NAME', 'VERSION', 'ACTION', 'NOTE'],
      outcome.parts.map((p) => [p.kind, p.name, p.version, p.action, p.note]),
    ),
  );
  for (const tag of outcome.imagesLoaded) console.log(`Loaded image ${tag}`);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
/** Shows the live log of every job the call starts (the tool environment's build, the import, model registrations). */
async function withLiveJobs<T>(ctx: CliContext, call: (requestId: string) => Promise<T>): Promise<T> {
  const requestId = randomUUID();
  ctx.output.release('');
  const seen = new Set<string>();
  const running = new Set<string>();
  const tty = process.stderr.isTTY && !ctx.json;
  const off = ctx.client.on('job.updated', (job) => {
    if (job.subject.requestId !== requestId) return;
    if (job.state === 'running') running.add(job.id);
    else running.delete(job.id);
    if (tty && job.kind === 'import' && job.state === 'running' && job.step)
      process.stderr.write(`\r${job.step}\x1b[K`);
    if (seen.has(job.id)) return;
    seen.add(job.id);
    // The first update comes from inside jobs.start, before the job can be attached to: attach just after.
    setImmediate(() => {
      ctx.client.jobs.attach({ jobId: job.id }).then(
        (attached) => ctx.log.write(attached.replay),
        () => undefined,
      );
    });
  });
  const release = cancelOnInterrupt('import', () => {
    for (const jobId of running) void ctx.client.jobs.cancel({ jobId });
  });
  try {
    return await call(requestId);
  } finally {
    off();
    release();
    if (tty) process.stderr.write('\r\x1b[K');
  }
}

function printSummary(summary: MlflowImportSummary): void {
  const counts = (c: MlflowImportSummary['runs']) => `${c.new} new, ${c.updated} updated, ${c.unchanged} already there`;
  console.log(`Imported ${summary.source} (read with MLflow ${summary.mlflowVersion})`);
  console.log(`  experiments:    ${counts(summary.experiments)}`);
  console.log(`  runs:           ${counts(summary.runs)}`);
  console.log(`  model versions: ${counts(summary.modelVersions)}`);
  if (summary.items.length)
    console.log(
      table(
        ['KIND', 'MLFLOW', 'BENCHTOP', 'STATE'],
        summary.items.map((i) => [i.kind, i.source, i.target, i.state === 'unchanged' ? 'already there' : i.state]),
      ),
    );
  for (const line of summary.notes) console.log(`note: ${line}`);
}
