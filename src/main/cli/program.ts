import { Command, CommanderError } from 'commander';
import { type CliContext, type GlobalOptions, cliContext, closeCliContext } from './context';
import { EXIT_OK, EXIT_USAGE, reportError } from './output';
import { registerDataCommands } from './commands/data';
import { registerDockerCommands } from './commands/docker';
import { registerQueueCommands } from './commands/queue';
import { registerEnvCommands } from './commands/env';
import { registerExportCommand } from './commands/export';
import { registerImportCommands } from './commands/import';
import { registerMlflowCommands } from './commands/mlflow';
import { registerModelCommands } from './commands/model';
import { registerRunCommands } from './commands/run';
import { registerServeCommand } from './commands/serve';
import { registerSdkCommands } from './commands/sdk';
import { registerServiceCommands } from './commands/service';
import { registerSweepCommands } from './commands/sweep';
import { registerWheelCommands } from './commands/wheel';
import { registerWorkspaceCommands } from './commands/workspace';

declare const BENCHTOP_VERSION: string | undefined;

export type Action = (
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- commander hands each action its own argument types
  fn: (ctx: CliContext, ...args: any[]) => Promise<void> | void,
) => (...args: unknown[]) => Promise<void>;

/** Builds the `benchtop` command tree; every command gets --workspace, --json and --help. */
export function buildProgram(): Command {
  const program = new Command('benchtop')
    .description('Benchtop: local machine-learning environments, runs, models and services, offline.')
    .version(typeof BENCHTOP_VERSION === 'string' ? BENCHTOP_VERSION : '0.0.0-dev')
    .option('--workspace <dir>', 'workspace folder (else BENCHTOP_WORKSPACE, else the OS app-data folder)')
    .option('--json', 'print one JSON document on stdout')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();

  const action: Action =
    (fn) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const globals = command.optsWithGlobals<GlobalOptions>();
      const ctx = cliContext(globals);
      await fn(ctx, ...args.slice(0, -1));
    };

  registerEnvCommands(program, action);
  registerWheelCommands(program, action);
  registerRunCommands(program, action);
  registerModelCommands(program, action);
  registerDataCommands(program, action);
  registerServiceCommands(program, action);
  registerSweepCommands(program, action);
  registerDockerCommands(program, action);
  registerQueueCommands(program, action);
  registerServeCommand(program, action);
  registerSdkCommands(program);
  registerWorkspaceCommands(program, action);
  registerExportCommand(program, action);
  registerImportCommands(program, action);
  registerMlflowCommands(program);
  program.commands.forEach(function inherit(cmd: Command) {
    cmd.exitOverride();
    cmd.showHelpAfterError('(add --help for usage)');
    cmd.commands.forEach(inherit);
  });
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 the operation failed, 2 bad usage or input. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return EXIT_OK;
      if (json)
        process.stdout.write(
          `${JSON.stringify({ error: { code: 'BAD_INPUT', message: err.message.replace(/^error: /, ''), hint: 'Run with --help for usage.' } })}\n`,
        );
      return EXIT_USAGE;
    }
    return reportError(err, json);
  } finally {
    if (!keepAlive) closeCliContext();
  }
}

let keepAlive = false;
/** Long-running commands (serve) keep the workspace open after the action returns. */
export function keepWorkspaceOpen(): void {
  keepAlive = true;
}
