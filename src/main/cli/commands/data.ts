import type { Command } from 'commander';
import { parseDatasetRef, type RegisteredDataset, type TabularOptions } from '../../../shared/api/datasetTypes';
import { BenchtopError, toApiError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import { checkDatasetName, requireVersionRef, resolveTabular } from '../../core/datasets/datasetRules';
import { resolveSources } from '../../core/datasets/datasetSources';
import { parsePairs } from '../../core/models/modelRules';
import type { CliContext } from '../context';
import { withJobProgress } from '../jobProgress';
import { printJson } from '../output';
import type { Action } from '../program';
import { detailText, listTable, previewText, profileTable } from './dataText';
import { deletedLine, downloadedLine, pairs } from './registryText';

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface RegisterOptions {
  name?: string;
  path: string[];
  tabular?: boolean;
  format?: string;
  separator?: string;
  header: boolean;
  encoding?: string;
  inferColumnTypes: boolean;
  description?: string;
  tag?: string[];
  newVersion: boolean;
  anonymous?: boolean;
  run?: string;
  profile: boolean;
}

const FORMATS: Record<string, TabularOptions['format']> = {
  csv: 'delimited',
  tsv: 'delimited',
  delimited: 'delimited',
  parquet: 'parquet',
  jsonl: 'jsonl',
};

/**
 * The table options the command line gives, or undefined to let the files' extensions decide. Where some options
 * are given but no --format, the format (and a .tsv's tab) comes from the files as the registry would infer it,
 * read here (the CLI runs beside the workspace), so e.g. `--encoding latin1` alone keeps the inferred format.
 */
function tabularOptions(opts: RegisterOptions): Partial<TabularOptions> | undefined {
  const anyGiven =
    opts.format !== undefined ||
    opts.separator !== undefined ||
    !opts.header ||
    opts.encoding !== undefined ||
    !opts.inferColumnTypes;
  if (!opts.tabular) {
    if (anyGiven)
      throw new BenchtopError(
        'BAD_INPUT',
        '--format, --separator, --no-header, --encoding and --no-infer-column-types describe tables.',
        'Add --tabular to register the files as a table, or leave those options out.',
      );
    return undefined;
  }
  if (!anyGiven) return undefined;
  if (opts.encoding !== undefined && opts.encoding !== 'utf8' && opts.encoding !== 'latin1')
    throw new BenchtopError(
      'BAD_INPUT',
      `Unknown encoding "${opts.encoding}".`,
      'Use --encoding utf8 or latin1 (convert other encodings to UTF-8 first, e.g. with iconv).',
    );
  let base: Pick<TabularOptions, 'format' | 'separator'>;
  if (opts.format !== undefined) {
    const format = FORMATS[opts.format];
    if (!format)
      throw new BenchtopError(
        'BAD_INPUT',
        `Unknown table format "${opts.format}".`,
        'Use --format csv, tsv, parquet or jsonl.',
      );
    base = { format, separator: opts.format === 'tsv' ? '\t' : ',' };
  } else {
    base = resolveTabular(resolveSources(opts.path).files, undefined, opts.path.join(', ')).options;
  }
  return {
    format: base.format,
    header: opts.header,
    separator: opts.separator === '\\t' ? '\t' : (opts.separator ?? base.separator),
    ...(opts.encoding ? { encoding: opts.encoding as TabularOptions['encoding'] } : {}),
    ...(opts.inferColumnTypes ? {} : { inferColumnTypes: false }),
  };
}

async function register(ctx: CliContext, opts: RegisterOptions): Promise<void> {
  const tags = parsePairs(opts.tag, 'tag');
  // Checked before the first line is printed, so a bad name is not announced as "Registering ...".
  const label = opts.anonymous ? 'an anonymous dataset' : checkDatasetName(opts.name);
  if (!ctx.json) process.stderr.write(`Registering ${label}\n`);
  let registered: RegisteredDataset = await withJobProgress(ctx, `Registering ${label}`, 'registration', (requestId) =>
    ctx.client.datasets.register({
      name: opts.name,
      paths: opts.path,
      kind: opts.tabular ? 'tabular' : 'file',
      tabular: tabularOptions(opts) as TabularOptions | undefined,
      description: opts.description,
      tags,
      createNewVersion: opts.newVersion,
      anonymous: opts.anonymous,
      runId: opts.run,
      requestId,
    }),
  );
  if (!ctx.json)
    console.log(
      registered.created
        ? `Registered ${registered.name}:${registered.version} (${registered.fileCount} file${registered.fileCount === 1 ? '' : 's'}, ${formatBytes(registered.size)}).`
        : `${registered.name}:${registered.version} already has exactly this content; no new version was made.`,
    );
  if (registered.kind === 'tabular' && opts.profile && !registered.profile) {
    // Ctrl-C here stops only the profile: the version is registered either way.
    try {
      const profile = await withJobProgress(
        ctx,
        `Profiling ${registered.name}:${registered.version}`,
        'profile',
        (requestId) => ctx.client.datasets.profile({ name: registered.name, version: registered.version, requestId }),
      );
      registered = { ...registered, profile };
      if (!ctx.json) console.log(`Profile: ${profile.rowCount} rows, ${profile.columns.length} columns.`);
    } catch (err) {
      const error = toApiError(err);
      process.stderr.write(
        `Warning: the profile was not computed (${error.message}). Compute it later with \`benchtop data profile ${registered.name}:${registered.version}\`.\n`,
      );
    }
  }
  if (ctx.json) printJson(registered);
}

export function registerDataCommands(program: Command, action: Action): void {
  const data = program
    .command('data')
    .description('Datasets: versioned files and tables, their profiles, and which runs and models used them');

  data
    .command('register')
    .description('Register files, folders or globs as a new version (the same content again gives the same version)')
    .option('-n, --name <name>', 'dataset name (required unless --anonymous)')
    .requiredOption('-p, --path <path>', 'a file, a folder or a glob such as "data/**/*.csv" (repeatable)', collect)
    .option('--tabular', 'a table (CSV, TSV, Parquet, JSON lines): preview and profile it')
    .option('--format <format>', "csv, tsv, parquet or jsonl (default: from the files' extension)")
    .option('--separator <char>', 'delimited files: the separator (default "," or tab for .tsv)')
    .option('--no-header', 'delimited files: the first line is data, not a header')
    .option('--encoding <encoding>', 'utf8 (the default) or latin1')
    .option('--no-infer-column-types', "keep every column as text (Azure's infer_column_types=False)")
    .option('--description <text>', 'description')
    .option('--tag <key=value>', 'a tag (repeatable)', collect)
    .option('--new-version', 'make the next version when the name has other content (the default)')
    .option('--no-new-version', "refuse (Azure's create_new_version=False) if the name has other content")
    .option('--anonymous', 'register under a hidden automatic name (an unregistered run input)')
    .option('--run <runId>', 'the run that produced this data (lineage)')
    .option('--no-profile', 'do not compute the profile of a tabular dataset now')
    .action(
      action(async (ctx: CliContext, opts: RegisterOptions) => {
        if (!opts.name && !opts.anonymous)
          throw new BenchtopError('BAD_INPUT', 'A dataset needs a name.', 'Give -n NAME (or --anonymous).');
        await register(ctx, opts);
      }),
    );

  data
    .command('list')
    .description('List dataset versions, newest first')
    .option('-n, --name <name>', 'only this dataset')
    .option('--tag <key[=value]>', 'with this tag (repeatable; all must match)', collect)
    .option('--kind <kind>', 'file or tabular')
    .option('--latest', 'only the newest version of each name')
    .option('--all', 'include anonymous datasets')
    .action(
      action(
        async (
          ctx: CliContext,
          opts: { name?: string; tag?: string[]; kind?: 'file' | 'tabular'; latest?: boolean; all?: boolean },
        ) => {
          const datasets = await ctx.client.datasets.list({
            name: opts.name,
            tags: opts.tag,
            kind: opts.kind,
            latest: opts.latest,
            all: opts.all,
          });
          if (ctx.json) return printJson(datasets);
          if (!datasets.length)
            return console.log(
              opts.name || opts.tag || opts.kind
                ? 'No dataset versions match.'
                : 'No datasets yet. Register one: benchtop data register -n NAME -p PATH',
            );
          console.log(listTable(datasets));
        },
      ),
    );

  data
    .command('show')
    .description('Show one version (the newest without :VERSION): files, profile, and the runs and models that used it')
    .argument('[dataset]', 'NAME[:VERSION]')
    .option('--id <guid>', "the version with this id (Azure's Dataset.get_by_id)")
    .option('--preview [rows]', 'also show the first rows of a tabular dataset (default 10)')
    .action(
      action(async (ctx: CliContext, ref: string | undefined, opts: { id?: string; preview?: string | boolean }) => {
        if (!ref && !opts.id)
          throw new BenchtopError('BAD_INPUT', 'Name the dataset.', 'Give NAME[:VERSION], or --id GUID.');
        const detail = opts.id
          ? await ctx.client.datasets.getById({ id: opts.id })
          : await ctx.client.datasets.get(parseDatasetRef(ref as string));
        const preview =
          opts.preview === undefined
            ? undefined
            : await ctx.client.datasets.preview({
                name: detail.name,
                version: detail.version,
                rows: typeof opts.preview === 'string' ? rowCount(opts.preview) : 10,
              });
        if (ctx.json) return printJson(preview ? { ...detail, preview } : detail);
        console.log(detailText(detail));
        if (preview) console.log(`Preview:\n${previewText(preview)}`);
      }),
    );

  data
    .command('preview')
    .description('The first rows of a tabular dataset (reads only the head of its files)')
    .argument('<dataset>', 'NAME[:VERSION]')
    .option('-r, --rows <n>', 'how many rows (1-1000)', '20')
    .action(
      action(async (ctx: CliContext, ref: string, opts: { rows: string }) => {
        const preview = await ctx.client.datasets.preview({ ...parseDatasetRef(ref), rows: rowCount(opts.rows) });
        if (ctx.json) return printJson(preview);
        console.log(previewText(preview));
      }),
    );

  data
    .command('profile')
    .description('Rows, columns, types, missing values and min/max/mean of a tabular dataset (computed once)')
    .argument('<dataset>', 'NAME[:VERSION]')
    .option('--recompute', 'compute it again')
    .action(
      action(async (ctx: CliContext, ref: string, opts: { recompute?: boolean }) => {
        const profile = await withJobProgress(ctx, `Profiling ${ref}`, 'profile', (requestId) =>
          ctx.client.datasets.profile({ ...parseDatasetRef(ref), recompute: opts.recompute, requestId }),
        );
        if (ctx.json) return printJson(profile);
        console.log(`${profile.rowCount} rows, ${profile.columns.length} columns (computed ${profile.computedAt})`);
        console.log(profileTable(profile));
      }),
    );

  data
    .command('download')
    .description('Copy a version to DIR/<path in the dataset>, verifying every checksum')
    .argument('<dataset>', 'NAME[:VERSION]')
    .requiredOption('-o, --output <dir>', 'target folder')
    .option('--overwrite', 'replace files there that have other content (other files in the folder stay)')
    .action(
      action(async (ctx: CliContext, ref: string, opts: { output: string; overwrite?: boolean }) => {
        const result = await withJobProgress(ctx, `Downloading ${ref}`, 'download', (requestId) =>
          ctx.client.datasets.download({
            ...parseDatasetRef(ref),
            directory: opts.output,
            overwrite: opts.overwrite,
            requestId,
          }),
        );
        if (ctx.json) return printJson(result);
        console.log(downloadedLine(ref, result));
      }),
    );

  data
    .command('update')
    .description('Change the tags or the description of a version')
    .argument('<dataset>', 'NAME:VERSION')
    .option('--tag <key=value>', 'set a tag (repeatable)', collect)
    .option('--remove-tag <key>', 'remove a tag (repeatable)', collect)
    .option('--description <text>', 'replace the description')
    .action(
      action(
        async (ctx: CliContext, ref: string, opts: { tag?: string[]; removeTag?: string[]; description?: string }) => {
          const updated = await ctx.client.datasets.update({
            ...requireVersionRef(parseDatasetRef(ref), 'update'),
            addTags: parsePairs(opts.tag, 'tag'),
            removeTags: opts.removeTag,
            description: opts.description,
          });
          if (ctx.json) return printJson(updated);
          const described = opts.description === undefined ? '' : `; description "${updated.description ?? ''}"`;
          console.log(`Updated ${updated.name}:${updated.version}: tags ${pairs(updated.tags) || '-'}${described}.`);
        },
      ),
    );

  data
    .command('delete')
    .description('Delete one version (refused while a run or model used it); content nothing else uses is freed')
    .argument('<dataset>', 'NAME:VERSION')
    .action(
      action(async (ctx: CliContext, ref: string) => {
        const target = requireVersionRef(parseDatasetRef(ref), 'delete');
        const result = await ctx.client.datasets.delete(target);
        if (ctx.json) return printJson(result);
        console.log(deletedLine(target, result.freedBytes));
      }),
    );

  data
    .command('use')
    .description('Record that a run read this dataset (what the SDK does for Dataset.get_by_name inside a run)')
    .argument('<dataset>', 'NAME[:VERSION]')
    .requiredOption('--run <runId>', 'the run')
    .option('--as <inputName>', 'the name the run knows it by (default: the dataset name)')
    .action(
      action(async (ctx: CliContext, ref: string, opts: { run: string; as?: string }) => {
        const use = await ctx.client.datasets.recordUse({
          runId: opts.run,
          ...parseDatasetRef(ref),
          inputName: opts.as,
        });
        if (ctx.json) return printJson(use);
        console.log(`Run ${use.runId} used ${use.name}:${use.version} as ${use.inputName}.`);
      }),
    );

  data
    .command('datastores')
    .description("The workspace's datastores (folders; workspaceblobstore is the default)")
    .action(
      action(async (ctx: CliContext) => {
        const stores = await ctx.client.datastores.list({});
        if (ctx.json) return printJson(stores);
        for (const store of stores) console.log(`${store.name.padEnd(24)}  ${store.path}`);
      }),
    );
}

function rowCount(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new BenchtopError('BAD_INPUT', `"${text}" is not a row count.`, 'Give a whole number from 1 to 1000.');
  return n;
}
