import path from 'node:path';
import type { Command } from 'commander';
import type { EnvironmentRecord, RegisterResult } from '../../../shared/api/types';
import { type ApiError, BenchtopError } from '../../../shared/errors';
import { condaPackagesOf, pipPackagesOf, pythonVersionOf } from '../../../shared/environments/definition';
import { formatBytes } from '../../../shared/format';
import {
  definitionFromCondaEnv,
  definitionFromCondaFile,
  definitionFromPipRequirements,
  loadEnvironmentFolder,
  saveEnvironmentFolder,
} from '../../core/environments/environmentFiles';
import { defaultPythonVersion } from '../../core/python/interpreters';
import { readSettings } from '../../core/workspace/settings';
import { scaffoldDefinition } from '../../../shared/environments/definition';
import { type CliContext } from '../context';
import { OperationFailed, printJson, table } from '../output';
import { followJob } from '../waitForJob';
import type { Action } from '../program';
import { registerWheelhouseCommands } from './envWheelhouse';

function envJson(record: EnvironmentRecord) {
  return {
    name: record.name,
    version: record.version,
    buildKey: record.buildKey,
    backend: record.backend,
    curated: record.curated,
    createdAt: record.createdAt,
    buildState: record.build?.state ?? 'none',
    lock: record.build?.lock ?? [],
    definition: record.definition,
  };
}

function printRegistered(ctx: CliContext, result: RegisterResult): void {
  if (ctx.json) return printJson({ ...envJson(result.environment), created: result.created });
  const { name, version, buildKey } = result.environment;
  console.log(
    result.created
      ? `Registered ${name} version ${version} (build key ${buildKey}).`
      : `Unchanged: ${name} version ${version} already has this definition (build key ${buildKey}).`,
  );
}

export function registerEnvCommands(program: Command, action: Action): void {
  const env = program
    .command('env')
    .description('Environments: versioned software definitions, built once per content hash');

  env
    .command('scaffold')
    .description('Write a new environment folder (azureml_environment.json + conda_dependencies.yml)')
    .requiredOption('-n, --name <name>', 'environment name')
    .requiredOption('-d, --directory <dir>', 'folder to create')
    .action(
      action(async (ctx, opts: { name: string; directory: string }) => {
        const def = scaffoldDefinition(opts.name, await defaultPythonVersion());
        const dir = path.resolve(opts.directory);
        const files = saveEnvironmentFolder(def, dir, false);
        if (ctx.json) return printJson({ directory: dir, files });
        console.log(`Scaffolded ${opts.name} in ${dir}: ${files.join(', ')}`);
        console.log(`Edit conda_dependencies.yml, then: benchtop env register -d ${opts.directory}`);
      }),
    );

  env
    .command('register')
    .description('Register a new version (identical content returns the existing version)')
    .option('-d, --directory <dir>', 'a scaffolded or downloaded folder')
    .option('-n, --name <name>', 'name, with --conda-file, --pip-requirements or --from-conda-env')
    .option('--conda-file <file>', 'a conda environment YAML file')
    .option('--pip-requirements <file>', 'a pip requirements file')
    .option('--from-conda-env <env>', 'an existing conda environment on this machine')
    .action(
      action(
        async (
          ctx,
          opts: {
            directory?: string;
            name?: string;
            condaFile?: string;
            pipRequirements?: string;
            fromCondaEnv?: string;
          },
        ) => {
          const sources = [opts.directory, opts.condaFile, opts.pipRequirements, opts.fromCondaEnv].filter(Boolean);
          if (sources.length !== 1) {
            throw new BenchtopError(
              'BAD_INPUT',
              'Give exactly one source: -d DIR, --conda-file FILE, --pip-requirements FILE or --from-conda-env NAME.',
              'See `benchtop env register --help`.',
            );
          }
          let definition: unknown;
          if (opts.directory) {
            definition = loadEnvironmentFolder(path.resolve(opts.directory));
          } else {
            if (!opts.name)
              throw new BenchtopError('BAD_INPUT', 'A name is required with this source.', 'Add -n NAME.');
            const python = await defaultPythonVersion();
            if (opts.condaFile) definition = definitionFromCondaFile(opts.name, path.resolve(opts.condaFile), python);
            else if (opts.pipRequirements)
              definition = definitionFromPipRequirements(opts.name, path.resolve(opts.pipRequirements), python);
            else
              definition = await definitionFromCondaEnv(
                opts.name,
                opts.fromCondaEnv as string,
                python,
                readSettings(ctx.core.db).condaPath,
              );
          }
          printRegistered(ctx, await ctx.client.environments.register({ definition }));
        },
      ),
    );

  env
    .command('list')
    .description('List environments (latest version of each)')
    .option('--curated', 'only the curated environments')
    .option('--definitions', "with --json: each latest version's definition too (Environment.list in Python)")
    .action(
      action(async (ctx, opts: { curated?: boolean; definitions?: boolean }) => {
        const list = await ctx.client.environments.list(opts.curated ? { curated: true } : {});
        if (ctx.json) {
          // One call for the whole list: Python's Environment.list needs every definition.
          const definitions = opts.definitions
            ? await Promise.all(
                list.map((e) => ctx.client.environments.get({ name: e.name, version: e.latestVersion })),
              )
            : null;
          return printJson(
            list.map((e, i) => ({
              name: e.name,
              version: e.latestVersion,
              versions: e.versionCount,
              buildKey: e.buildKey,
              buildState: e.buildState,
              curated: e.curated,
              python: e.pythonVersion,
              ...(definitions ? { definition: definitions[i]?.definition } : {}),
            })),
          );
        }
        if (list.length === 0)
          return console.log('No environments yet. Create one: benchtop env scaffold -n NAME -d DIR');
        console.log(
          table(
            ['NAME', 'VERSION', 'VERSIONS', 'BUILD', 'PYTHON', 'CURATED'],
            list.map((e) => [
              e.name,
              e.latestVersion,
              String(e.versionCount),
              e.buildState,
              e.pythonVersion ?? 'default',
              e.curated ? 'yes' : '',
            ]),
          ),
        );
      }),
    );

  env
    .command('show')
    .description('Show one environment version, its build and its lock')
    .requiredOption('-n, --name <name>', 'environment name')
    .option('-v, --version <version>', 'version (default: latest)')
    .action(
      action(async (ctx, opts: { name: string; version?: string }) => {
        const record = await ctx.client.environments.get({ name: opts.name, version: opts.version });
        if (ctx.json) return printJson(envJson(record));
        const def = record.definition;
        const lines = [
          `${record.name}:${record.version}${record.curated ? ' (curated, read-only)' : ''}`,
          `  created      ${record.createdAt}`,
          `  build key    ${record.buildKey} (${record.backend})`,
          `  build        ${record.build ? `${record.build.state}${record.build.path ? ` at ${record.build.path}` : ''}` : 'not built'}`,
          `  python       ${pythonVersionOf(def) ?? 'default interpreter'}${def.python.userManagedDependencies ? ` (user-managed: ${def.python.interpreterPath})` : ''}`,
          `  conda        ${condaPackagesOf(def).join(', ') || '-'}`,
          `  pip          ${pipPackagesOf(def).join(', ') || '-'}`,
          `  variables    ${
            Object.entries(def.environmentVariables)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ') || '-'
          }`,
        ];
        if (record.build?.lock.length)
          lines.push(`  lock         ${record.build.lock.map((p) => `${p.name}==${p.version}`).join(', ')}`);
        console.log(lines.join('\n'));
      }),
    );

  env
    .command('download')
    .description('Write a version to a folder (registering that folder gives back the same version)')
    .requiredOption('-n, --name <name>', 'environment name')
    .option('-v, --version <version>', 'version (default: latest)')
    .requiredOption('-d, --directory <dir>', 'target folder')
    .option('--overwrite', "write the environment's files into a non-empty folder (other files there stay)")
    .action(
      action(async (ctx, opts: { name: string; version?: string; directory: string; overwrite?: boolean }) => {
        const result = await ctx.client.environments.download({
          name: opts.name,
          version: opts.version,
          directory: path.resolve(opts.directory),
          overwrite: opts.overwrite,
        });
        if (ctx.json) return printJson(result);
        console.log(
          `Downloaded ${opts.name}${opts.version ? `:${opts.version}` : ''} to ${result.directory}: ${result.files.join(', ')}`,
        );
      }),
    );

  env
    .command('build')
    .description('Build a version (live log); an unchanged definition is not rebuilt')
    .requiredOption('-n, --name <name>', 'environment name')
    .option('-v, --version <version>', 'version (default: latest)')
    .option('--backend <backend>', 'auto | venv | conda | rattler | docker', 'auto')
    .option('--rebuild', 'build again even if cached')
    .option('--offline', "install only from the workspace's wheels")
    .action(
      action(
        async (
          ctx,
          opts: { name: string; version?: string; backend: string; rebuild?: boolean; offline?: boolean },
        ) => {
          if (!['auto', 'venv', 'conda', 'rattler', 'docker'].includes(opts.backend)) {
            throw new BenchtopError(
              'BAD_INPUT',
              `Unknown backend "${opts.backend}".`,
              'Use auto, venv, conda, rattler (conda files without conda) or docker.',
            );
          }
          const started = await ctx.client.builds.start({
            name: opts.name,
            version: opts.version,
            backend: opts.backend as 'auto',
            rebuild: opts.rebuild,
            ...(opts.offline ? { offline: true } : {}),
          });
          if (opts.backend === 'auto') ctx.log.write(`Backend: ${started.backend} (auto)\n`);
          const job = await followJob(ctx, started.job.id);
          const ready = ctx.core.builds.ready(started.buildKey);
          if (ctx.json) {
            printJson({
              name: opts.name,
              version: started.job.subject.environment?.split(':').pop(),
              buildKey: started.buildKey,
              backend: started.backend,
              cached: started.cached,
              state: job.state,
              path: ready?.prefix ?? null,
              python: ready?.pythonPath ?? null,
              image: ready?.image ?? null,
              error: job.error,
            });
          }
          if (job.state !== 'completed') {
            const error = (job.error as ApiError | null) ?? {
              code: 'CANCELED' as const,
              message: 'The build was canceled.',
              hint: 'Build again to start clean.',
            };
            throw new OperationFailed(ctx.json ? { ...error, message: '' } : error, !ctx.json);
          }
          if (!ctx.json)
            console.log(
              `${started.cached ? 'cached' : 'built'}: build key ${started.buildKey}; ${ready?.image ? `image ${ready.image}` : `environment at ${ready?.prefix ?? '?'}`}`,
            );
        },
      ),
    );

  registerWheelhouseCommands(env, action);

  const cache = env.command('cache').description('Built environments on disk');
  cache
    .command('list')
    .description('List built environments with their sizes')
    .action(
      action(async (ctx) => {
        const entries = await ctx.client.cache.list({});
        if (ctx.json) return printJson(entries);
        if (entries.length === 0)
          return console.log('The cache is empty. Build an environment: benchtop env build -n NAME');
        console.log(
          table(
            ['BUILD KEY', 'BACKEND', 'STATE', 'SIZE', 'LAST USED', 'ENVIRONMENTS'],
            entries.map((e) => [
              e.buildKey,
              e.backend,
              e.state,
              formatBytes(e.sizeBytes),
              e.lastUsedAt ?? '-',
              e.environments.join(', '),
            ]),
          ),
        );
      }),
    );
  cache
    .command('prune')
    .description('Remove built environments (failed ones always; with --keep N, all but the N most recently used)')
    .option('--keep <n>', 'how many ready builds to keep', (v) => Number.parseInt(v, 10))
    .action(
      action(async (ctx, opts: { keep?: number }) => {
        if (opts.keep !== undefined && (!Number.isFinite(opts.keep) || opts.keep < 0))
          throw new BenchtopError('BAD_INPUT', '--keep takes a whole number.', 'E.g. --keep 3.');
        const result = await ctx.client.cache.prune(opts.keep === undefined ? {} : { keep: opts.keep });
        if (ctx.json) return printJson(result);
        console.log(
          `Removed ${result.removed.length} build${result.removed.length === 1 ? '' : 's'}, freed ${formatBytes(result.freedBytes)}.`,
        );
      }),
    );
}
