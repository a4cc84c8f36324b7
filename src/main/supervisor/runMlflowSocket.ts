import path from 'node:path';

/** The socket's name in the run's folder (the container sees the folder at the same path). */
export const RUN_MLFLOW_SOCKET = 'mlflow.sock';

/** The MLflow variables a container's script gets (the URI is rewritten inside by sitecustomize.py's forwarder). */
export const MLFLOW_VARIABLES = [
  'MLFLOW_TRACKING_URI',
  'MLFLOW_TRACKING_TOKEN',
  'MLFLOW_RUN_ID',
  'MLFLOW_EXPERIMENT_NAME',
  'MLFLOW_EXPERIMENT_ID',
];

/**
 * Serves a run's MLflow endpoint on a Unix socket in the run's folder, for a script in a container on
 * the local engine: it cannot reach the host's 127.0.0.1, but the run's folder is bind-mounted, and
 * src/runtime/sitecustomize.py forwards the container's 127.0.0.1:<port> to this socket. Returns the
 * socket's absolute path (BENCHTOP_MLFLOW_SOCKET).
 *
 * Node cuts a Unix socket path past ~107 bytes without a word (the socket lands on a shorter path:
 * another folder), and workspace paths can be that long. So the socket is bound by its name
 * relative to the run's folder, with this process's working directory moved there for good: Node
 * also unlinks the socket at close by that same relative name. The supervisor of a container run
 * uses absolute paths everywhere else, so nothing else depends on its working directory.
 */
export async function listenInRunFolder(
  runDir: string,
  listenOnSocket: (socketPath: string) => Promise<void>,
): Promise<string> {
  process.chdir(runDir);
  await listenOnSocket(RUN_MLFLOW_SOCKET);
  return path.join(runDir, RUN_MLFLOW_SOCKET);
}
