import type { Command } from 'commander';
import { BenchtopError } from '../../../shared/errors';
import { ensureWorkspaceServer, stopWorkspaceServer } from '../../core/mlflow/workspaceServer';
import { trackingUri } from '../../core/mlflow/workspaceServerState';
import { WorkspacePaths, resolveWorkspaceDir } from '../../core/workspace/paths';
import type { GlobalOptions } from '../context';
import { printJson } from '../output';

/** Single quotes for a POSIX shell (the URI holds only URL characters, but a workspace path need not). */
const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

export function registerMlflowCommands(program: Command): void {
  program
    .command('mlflow-uri')
    .description(
      "The MLflow tracking URI for interactive runs from your own Python (mlflow.set_tracking_uri(URI)); starts the workspace's tracking server if none is running",
    )
    .option('--env', 'print `export MLFLOW_TRACKING_URI=...` lines for a shell (eval "$(benchtop mlflow-uri --env)")')
    .option('--stop', "stop the workspace's tracking server (open MLflow runs it made are then marked Failed)")
    // No workspace is opened here (the server opens it): Workspace.get_mlflow_tracking_uri() calls this each time.
    .action(async (opts: { env?: boolean; stop?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const json = Boolean(globals.json);
      const paths = new WorkspacePaths(resolveWorkspaceDir(globals.workspace));
      if (opts.stop && opts.env)
        throw new BenchtopError('BAD_INPUT', '--stop and --env do not go together.', 'Give one of them.');
      if (opts.stop) {
        const { stopped } = await stopWorkspaceServer(paths);
        if (json) return printJson({ stopped: stopped !== null, pid: stopped });
        console.log(
          stopped ? `Stopped the MLflow tracking server (pid ${stopped}).` : 'No MLflow tracking server is running.',
        );
        return;
      }
      const { state, started } = await ensureWorkspaceServer(paths);
      const uri = trackingUri(state);
      if (json) return printJson({ uri, token: state.token, port: state.port, pid: state.pid, started });
      if (opts.env) {
        console.log(`export MLFLOW_TRACKING_URI=${shellQuote(uri)}`);
        return;
      }
      console.log(uri);
    });
}
