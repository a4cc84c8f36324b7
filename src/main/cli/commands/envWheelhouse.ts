import type { Command } from 'commander';
import { indexChannel } from '../../core/builds/rattlerIndex';
import { withJobProgress } from '../jobProgress';
import type { ApiError } from '../../../shared/errors';
import { OperationFailed, printJson } from '../output';
import type { Action } from '../program';

/** `env wheelhouse` (make an environment offline-ready) and `env channel-index` (make a folder a conda channel). */
export function registerWheelhouseCommands(env: Command, action: Action): void {
  env
    .command('wheelhouse')
    .description(
      "Fetch (online) every wheel the environment's lock names into the workspace wheels, for offline builds",
    )
    .requiredOption('-n, --name <name>', 'environment name, NAME or NAME:VERSION')
    .option('-v, --version <version>', 'version (default: latest)')
    .action(
      action(async (ctx, opts: { name: string; version?: string }) => {
        const [name, fromName] = opts.name.split(':') as [string, string | undefined];
        const version = opts.version ?? fromName;
        const result = await withJobProgress(ctx, `Fetching wheels for ${opts.name}`, 'wheelhouse', (requestId) =>
          ctx.client.environments.wheelhouse({ name, ...(version ? { version } : {}), requestId }),
        );
        const failed: ApiError = {
          code: 'PACKAGE_UNAVAILABLE',
          message: `No wheel for this Python and platform: ${result.failed.map((f) => f.name).join(', ')}.`,
          hint: 'Build each with `pip wheel NAME==VERSION` and `benchtop wheel add` the file.',
        };
        if (ctx.json) {
          printJson(result);
          if (result.failed.length > 0) throw new OperationFailed(failed, false);
          return;
        }
        for (const file of result.fetched) console.log(`fetched  ${file}`);
        for (const id of result.present) console.log(`present  ${id}`);
        for (const f of result.failed) console.log(`FAILED   ${f.name}: ${f.reason}`);
        if (result.failed.length > 0) throw new OperationFailed(failed);
        console.log(
          `Offline-ready: ${result.fetched.length} fetched, ${result.present.length} already there. \`benchtop env build -n ${name} --offline\` finds every wheel.`,
        );
      }),
    );
  env
    .command('channel-index')
    .description('Index a folder of conda packages (noarch/, linux-64/...) so it can be a file:// channel')
    .argument('<directory>', 'the channel folder')
    .action(
      action(async (ctx, directory: string) => {
        const result = await indexChannel(ctx.core.tools, directory, (text) => ctx.log.write(text));
        if (ctx.json) return printJson(result);
        console.log(
          `Indexed ${result.directory} (${result.subdirs.join(', ')}): use channels: [file://${result.directory}]`,
        );
      }),
    );
}
