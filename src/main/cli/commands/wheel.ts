import path from 'node:path';
import type { Command } from 'commander';
import { printJson, table } from '../output';
import type { Action } from '../program';

export function registerWheelCommands(program: Command, action: Action): void {
  const wheel = program.command('wheel').description('Private wheels kept in the workspace (they install offline)');
  wheel
    .command('add')
    .description("Add a .whl file; prints the requirement to put in an environment's pip list")
    .argument('<file>', 'the wheel file')
    .action(
      action(async (ctx, file: string) => {
        const added = await ctx.client.wheels.add({ path: path.resolve(file) });
        if (ctx.json) return printJson(added);
        console.log(added.reference);
        process.stderr.write(
          `Added ${added.file}. Put "${added.reference}" in the pip dependencies; it installs from the workspace, offline too.\n`,
        );
      }),
    );
  wheel
    .command('list')
    .description("List the workspace's wheels")
    .action(
      action(async (ctx) => {
        const wheels = await ctx.client.wheels.list({});
        if (ctx.json) return printJson(wheels);
        if (wheels.length === 0) return console.log('No private wheels. Add one: benchtop wheel add FILE.whl');
        console.log(
          table(
            ['REFERENCE', 'FILE', 'SHA256'],
            wheels.map((w) => [w.reference, w.file, w.sha256.slice(0, 16)]),
          ),
        );
      }),
    );
}
