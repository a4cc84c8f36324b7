import { spawnSync } from 'node:child_process';

/**
 * Read-only views for a script run by root: permission bits (blobs 0444, folders 0555) do not stop root, so the
 * script runs in a mount namespace of its own (util-linux `unshare --mount`, private propagation) where the input
 * folders and a view of the blob store are read-only bind mounts. The namespace ends with the script: nothing to
 * unmount, nothing seen outside it, and the CLI processes the script starts (run.register_model) share the view,
 * so the store stays writable at its real path for them.
 */

/** Binds each source onto its target read-only, then execs the command after `--`. */
const BIND_SCRIPT =
  'while [ "$1" != "--" ]; do mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" || exit 121; shift 2; done; shift; exec "$@"';

export interface ReadOnlyBind {
  source: string;
  target: string;
}

/** Whether this process may make such a namespace here (root, with CAP_SYS_ADMIN, and unshare installed). */
export function readOnlyNamespaceWorks(probeFolder: string): boolean {
  if (process.platform !== 'linux') return false;
  const probe = spawnSync(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', BIND_SCRIPT, 'sh', probeFolder, probeFolder, '--', 'true'],
    { stdio: 'ignore', timeout: 10_000 },
  );
  return probe.status === 0;
}

/** The command that runs `file args` with the binds in place (exec all the way: the script keeps the pid). */
export function withReadOnlyBinds(
  file: string,
  args: string[],
  binds: ReadOnlyBind[],
): { file: string; args: string[] } {
  return {
    file: 'unshare',
    args: [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      BIND_SCRIPT,
      'sh',
      ...binds.flatMap((b) => [b.source, b.target]),
      '--',
      file,
      ...args,
    ],
  };
}
