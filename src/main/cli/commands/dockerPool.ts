import type { Command } from 'commander';
import type { PoolEngine } from '../../../shared/api/dockerTypes';
import { BenchtopError } from '../../../shared/errors';
import { printJson, table } from '../output';
import type { Action } from '../program';

/** `benchtop docker pool [list] | add URL --slots N | remove URL`: the engines runs submitted with --pool spread over. */
export function registerDockerPoolCommands(docker: Command, action: Action): void {
  const pool = docker
    .command('pool')
    .description('The engines that runs and sweeps submitted with --pool spread over, each with its own slots');

  pool
    .command('list', { isDefault: true })
    .description('Each engine of the pool: slots, runs on it now, whether it answers')
    .action(
      action(async (ctx) => {
        const engines = await ctx.client.docker.pool({});
        if (ctx.json) return printJson(engines);
        printPool(engines);
      }),
    );

  pool
    .command('add')
    .description(
      'Add an engine to the pool (or change its slots): unix:///path, tcp://HOST:PORT, ssh://USER@HOST, "local"',
    )
    .argument('<url>', 'the engine address; "local" is this machine\'s engine')
    .option('--slots <n>', 'runs that may use this engine at once', '1')
    .action(
      action(async (ctx, url: string, opts: { slots: string }) => {
        const slots = Number(opts.slots);
        if (!/^\d+$/.test(opts.slots.trim()))
          throw new BenchtopError(
            'BAD_INPUT',
            `--slots must be a whole number; got "${opts.slots}".`,
            'Give how many runs may use this engine at once, e.g. --slots 2.',
          );
        const result = await ctx.client.docker.poolAdd({ url, slots });
        if (ctx.json) return printJson(result);
        const added = result.pool.find((e) => e.url === result.url);
        console.log(
          result.previousSlots === null
            ? `Added ${result.url} to the Docker pool with ${slots} slot${slots === 1 ? '' : 's'}.`
            : `${result.url} now has ${slots} slot${slots === 1 ? '' : 's'} (was ${result.previousSlots}).`,
        );
        if (added && !added.reachable)
          console.error(
            `warning: ${added.error?.message ?? 'it does not answer now.'} It is in the pool anyway (a machine that is off now); ` +
              'see `benchtop docker pool`, or take it out with `benchtop docker pool remove URL`.',
          );
      }),
    );

  pool
    .command('remove')
    .description('Take an engine out of the pool (runs already there finish there)')
    .argument('<url>', 'the engine address as `benchtop docker pool` shows it')
    .action(
      action(async (ctx, url: string) => {
        const before = await ctx.client.docker.pool({});
        const result = await ctx.client.docker.poolRemove({ url });
        if (ctx.json) return printJson(result);
        const running = before.find((e) => e.url === result.url)?.used ?? 0;
        console.log(
          `Removed ${result.url} from the Docker pool.${running ? ` ${running} run${running === 1 ? '' : 's'} still on it finish there.` : ''}`,
        );
      }),
    );
}

function printPool(engines: PoolEngine[]): void {
  if (engines.length === 0) {
    console.log(
      'The Docker pool is empty. Add engines: benchtop docker pool add local --slots 2; benchtop docker pool add tcp://HOST:2375 --slots 4.',
    );
    return;
  }
  console.log(
    table(
      ['ENGINE', 'WHERE', 'SLOTS', 'IN USE', 'STATE'],
      engines.map((e) => [
        e.url,
        e.local ? 'local' : 'remote',
        String(e.slots),
        String(e.used),
        e.reachable ? 'answers' : `down: ${e.error?.message ?? 'no answer'}`,
      ]),
    ),
  );
  const slots = engines.reduce((sum, e) => sum + e.slots, 0);
  const used = engines.reduce((sum, e) => sum + e.used, 0);
  console.log(`${used} of ${slots} slots in use.`);
}
