import type { Command } from 'commander';
import { type ModelDetail, type ModelRecord, parseModelRef } from '../../../shared/api/modelTypes';
import { BenchtopError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import { parsePairs } from '../../core/models/modelRules';
import type { CliContext } from '../context';
import { withJobProgress } from '../jobProgress';
import { printJson, table } from '../output';
import { mlflowLines } from './mlflowModelText';
import type { Action } from '../program';
import { deletedLine, downloadedLine, pairs } from './registryText';
import { modelDatasetLines } from './runInputsText';
import type { ModelDatasetLink } from '../../../shared/api/datasetTypes';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The --json shape of CONTRACTS.md (name, version, id, tags, properties, framework, runId), plus the rest of the record. */
function modelJson(model: ModelRecord) {
  return {
    name: model.name,
    version: model.version,
    id: model.id,
    tags: model.tags,
    properties: model.properties,
    framework: model.framework,
    frameworkVersion: model.frameworkVersion,
    runId: model.runId,
    experiment: model.experiment,
    environment: model.environment,
    description: model.description,
    root: model.root,
    kind: model.kind,
    size: model.size,
    fileCount: model.fileCount,
    createdAt: model.createdAt,
    // Only MLflow models have the key.
    ...(model.mlflow ? { mlflow: model.mlflow } : {}),
  };
}

/** `--dataset PURPOSE=NAME:VERSION` (Model.register(datasets=[(purpose, dataset)])): the version is required. */
function parseDatasetFlags(values: string[] = []): { purpose: string; name: string; version: number }[] {
  return values.map((text) => {
    const match = /^([^=]+)=([^:=]+):(\d+)$/.exec(text.trim());
    if (!match || Number(match[3]) < 1)
      throw new BenchtopError(
        'BAD_INPUT',
        `--dataset "${text}": give it as PURPOSE=NAME:VERSION.`,
        'E.g. --dataset training=titanic:2 (see `benchtop data list` for the versions).',
      );
    return { purpose: (match[1] as string).trim(), name: (match[2] as string).trim(), version: Number(match[3]) };
  });
}

function printDetail(model: ModelDetail, datasets: ModelDatasetLink[]): void {
  const lines = [
    `${model.id}  (${model.framework}${model.frameworkVersion ? ` ${model.frameworkVersion}` : ''}, ${model.kind}, ${formatBytes(model.size)}, ${model.versions} version${model.versions === 1 ? '' : 's'} of ${model.name})`,
    model.description ? `Description: ${model.description}` : null,
    `Tags:        ${pairs(model.tags) || '-'}`,
    `Properties:  ${pairs(model.properties) || '-'}`,
    `Run:         ${model.runId ? `${model.runId} (experiment ${model.experiment}, environment ${model.environment})` : '-'}`,
    `Registered:  ${model.createdAt} from ${model.source ?? '-'}`,
    model.usedBy.length ? `Used by:     ${model.usedBy.join(', ')}` : null,
    ...(model.mlflow ? mlflowLines(model.mlflow) : []),
    ...modelDatasetLines(datasets),
    'Files:',
    ...model.files.map((f) => `  ${formatBytes(f.size).padStart(9)}  ${f.path}`),
  ];
  console.log(lines.filter((l) => l !== null).join('\n'));
}

function requireVersion(ref: string): { name: string; version: number } {
  const parsed = parseModelRef(ref);
  if (parsed.version === undefined)
    throw new BenchtopError(
      'BAD_INPUT',
      `"${ref}" names no version.`,
      `Name the version: ${parsed.name}:1 (see \`benchtop model list -n ${parsed.name}\`).`,
    );
  return { name: parsed.name, version: parsed.version };
}

export function registerModelCommands(program: Command, action: Action): void {
  const model = program
    .command('model')
    .description('Models: a registry of versioned model files with tags and lineage');

  model
    .command('register')
    .description('Register a file or folder (or a path inside a run with --run) as a new version')
    .requiredOption('-n, --name <name>', 'model name')
    .requiredOption(
      '-p, --path <path>',
      'local file or folder; with --run, a path inside the run (e.g. outputs/model.joblib)',
    )
    .option('--run <runId>', "register from this run's files and record it as the model's lineage")
    .option('--tag <key=value>', 'a tag (repeatable)', collect)
    .option('--property <key=value>', 'a property, add-only (repeatable)', collect)
    .option('--description <text>', 'description')
    .option('--framework <name>', 'ScikitLearn, Onnx, PyTorch, TensorFlow, Multi or Custom (default Custom)')
    .option('--framework-version <version>', 'framework version (needs --framework)')
    .option(
      '--dataset <PURPOSE=NAME:VERSION>',
      'a dataset version the model was made from (repeatable); with --run, the run\'s datasets are linked as "input"',
      collect,
    )
    .action(
      action(
        async (
          ctx: CliContext,
          opts: {
            name: string;
            path: string;
            run?: string;
            tag?: string[];
            property?: string[];
            description?: string;
            framework?: string;
            frameworkVersion?: string;
            dataset?: string[];
          },
        ) => {
          const datasets = parseDatasetFlags(opts.dataset);
          const tags = parsePairs(opts.tag, 'tag');
          const properties = parsePairs(opts.property, 'property');
          if (!ctx.json) process.stderr.write(`Registering model ${opts.name}\n`);
          const registered = await withJobProgress(ctx, `Registering ${opts.name}`, 'registration', (requestId) =>
            ctx.client.models.register({
              name: opts.name,
              path: opts.path,
              runId: opts.run,
              tags,
              properties,
              description: opts.description,
              framework: opts.framework,
              frameworkVersion: opts.frameworkVersion,
              requestId,
              ...(datasets.length ? { datasets } : {}),
            }),
          );
          for (const warning of registered.warnings ?? []) process.stderr.write(`Warning: ${warning}\n`);
          if (ctx.json)
            return printJson({
              ...modelJson(registered),
              ...(registered.warnings?.length ? { warnings: registered.warnings } : {}),
            });
          console.log(
            `Registered ${registered.id} (${registered.fileCount} file${registered.fileCount === 1 ? '' : 's'}, ${formatBytes(registered.size)}${registered.runId ? `, from run ${registered.runId}` : ''}).`,
          );
        },
      ),
    );

  model
    .command('list')
    .description('List model versions, newest first')
    .option('-n, --name <name>', 'only this model')
    .option('--tag <key[=value]>', 'with this tag (repeatable; all must match)', collect)
    .option('--property <key[=value]>', 'with this property (repeatable)', collect)
    .option('--run <runId>', 'registered from this run')
    .option('--framework <name>', 'of this framework')
    .option('--latest', 'only the newest version of each name')
    .action(
      action(
        async (
          ctx: CliContext,
          opts: {
            name?: string;
            tag?: string[];
            property?: string[];
            run?: string;
            framework?: string;
            latest?: boolean;
          },
        ) => {
          const models = await ctx.client.models.list({
            name: opts.name,
            tags: opts.tag,
            properties: opts.property,
            runId: opts.run,
            framework: opts.framework,
            latest: opts.latest,
          });
          if (ctx.json) return printJson(models.map(modelJson));
          if (models.length === 0) {
            console.log(
              opts.name || opts.tag || opts.property || opts.run
                ? 'No model versions match.'
                : 'No models yet. Register one: benchtop model register -n NAME -p PATH',
            );
            return;
          }
          console.log(
            table(
              ['NAME', 'VERSION', 'FRAMEWORK', 'SIZE', 'TAGS', 'RUN', 'CREATED'],
              models.map((m) => [
                m.name,
                String(m.version),
                m.framework,
                formatBytes(m.size),
                pairs(m.tags),
                m.runId ?? '',
                m.createdAt.slice(0, 19).replace('T', ' '),
              ]),
            ),
          );
        },
      ),
    );

  model
    .command('show')
    .description('Show one version (the latest without :VERSION) with its files and lineage')
    .argument('<model>', 'NAME[:VERSION]')
    .action(
      action(async (ctx: CliContext, ref: string) => {
        const detail = await ctx.client.models.get(parseModelRef(ref));
        const datasets = await ctx.client.models.datasets({ name: detail.name, version: detail.version });
        if (ctx.json) return printJson({ ...modelJson(detail), files: detail.files, usedBy: detail.usedBy, datasets });
        printDetail(detail, datasets);
      }),
    );

  model
    .command('download')
    .description('Copy a version to DIR/<registered name>, verifying every checksum')
    .argument('<model>', 'NAME[:VERSION]')
    .requiredOption('-d, --directory <dir>', 'target folder')
    .option('--exist-ok', "overwrite the model's own files if they are there (every other file stays)")
    .action(
      action(async (ctx: CliContext, ref: string, opts: { directory: string; existOk?: boolean }) => {
        const result = await withJobProgress(ctx, `Downloading ${ref}`, 'download', (requestId) =>
          ctx.client.models.download({
            ...parseModelRef(ref),
            directory: opts.directory,
            existOk: opts.existOk,
            requestId,
          }),
        );
        if (ctx.json) return printJson(result);
        console.log(downloadedLine(ref, result));
      }),
    );

  model
    .command('update')
    .description('Change tags or the description of a version; add properties')
    .argument('<model>', 'NAME:VERSION')
    .option('--tag <key=value>', 'set a tag (repeatable)', collect)
    .option('--remove-tag <key>', 'remove a tag (repeatable)', collect)
    .option('--property <key=value>', 'add a property (properties never change once set)', collect)
    .option('--description <text>', 'replace the description')
    .option('--dataset <PURPOSE=NAME:VERSION>', 'link a dataset version the model was made from (repeatable)', collect)
    .action(
      action(
        async (
          ctx: CliContext,
          ref: string,
          opts: { tag?: string[]; removeTag?: string[]; property?: string[]; description?: string; dataset?: string[] },
        ) => {
          const datasets = parseDatasetFlags(opts.dataset);
          const updated = await ctx.client.models.update({
            ...requireVersion(ref),
            addTags: parsePairs(opts.tag, 'tag'),
            removeTags: opts.removeTag,
            addProperties: parsePairs(opts.property, 'property'),
            description: opts.description,
            ...(datasets.length ? { addDatasets: datasets } : {}),
          });
          if (ctx.json) return printJson(modelJson(updated));
          console.log(
            `Updated ${updated.id}: tags ${pairs(updated.tags) || '-'}; properties ${pairs(updated.properties) || '-'}.`,
          );
        },
      ),
    );

  model
    .command('delete')
    .description('Delete one version (refused while a service uses it); content no other version uses is freed')
    .argument('<model>', 'NAME:VERSION')
    .action(
      action(async (ctx: CliContext, ref: string) => {
        const target = requireVersion(ref);
        const result = await ctx.client.models.delete(target);
        if (ctx.json) return printJson({ deleted: `${target.name}:${target.version}`, freedBytes: result.freedBytes });
        console.log(deletedLine(target, result.freedBytes));
      }),
    );
}
