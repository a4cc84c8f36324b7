import type { Command } from 'commander';
import { indexChannel } from '../../core/builds/rattlerIndex';
import { withJobProgress } from '../jobProgress';
import { printJson } from '../output';
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
        if (ctx.json) return printJson(result);
        for (const file of result.fetched) console.log(`fetched  ${file}`);
        for (const id of result.present) console.log(`present  ${id}`);
        for (const f of result.failed) console.log(`FAILED   ${f.name}: ${f.reason}`);
        console.log(
          result.failed.length === 0
            ? `Offline-ready: ${result.fetched.length} fetched, ${result.present.length} already there. \`benchtop env build -n ${name} --offline\` finds every wheel.`
            : `${result.failed.length} package(s) have no wheel for this Python and platform; build them with \`pip wheel NAME==VERSION\` and \`benchtop wheel add\` the file.`,
        );
        if (result.failed.length > 0) process.exitCode = 1;
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
