import fs from 'node:fs';
import path from 'node:path';

/**
 * What a script in a container may ask the host's CLI to do (HostCliBridge). The bridge runs
 * the CLI as the user on the host, so without limits a container could write or read any host
 * path (`model download -d ~ --exist-ok`, `model register -p ~/.ssh/id_rsa`). Allowed: the
 * commands the azureml/benchtop runtime sends, with every path inside the run's folder (the
 * only host folder the container shares, at the same path) and `--run` only this run.
 */
const ALLOWED_COMMANDS = new Set([
  'env show',
  'env register',
  'env build',
  'model register',
  'model list',
  'model show',
  'model download',
  'model update',
  'model delete',
  'service show',
  'service list',
  'service reload',
  'service update',
  'service delete',
  'service deploy',
  // Datasets as the SDK reads them (Dataset.get_by_name, get_all, register, tags; the store is bound read-only).
  'data show',
  'data list',
  'data use',
  'data register',
  'data update',
  'data datastores',
]);
/** Options whose value is a host path. */
const PATH_OPTIONS = new Set([
  '-d',
  '--directory',
  '--source-directory',
  '-p',
  '--path',
  '--entry-script',
  '--conda-file',
  '--pip-requirements',
]);

export interface BridgeScope {
  runDir: string;
  runId: string;
}

/** Null when the request may run; else why not (the error the script sees). */
export function refuseBridgeRequest(args: string[], scope: BridgeScope): string | null {
  if (args.some((a) => a === '--workspace' || a.startsWith('--workspace=')))
    return 'A container run works on its own workspace only (--workspace is not allowed).';
  const words = args.filter((a) => !a.startsWith('-'));
  const command = words.slice(0, 2).join(' ');
  if (!ALLOWED_COMMANDS.has(command))
    return `"benchtop ${command}" cannot be run from a container run; run it on the host.`;
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    // "-d/path" (a short option with its value attached) is read the same way.
    const attached = /^-[dp]./.test(arg) ? arg.slice(0, 2) : null;
    if (attached) values.set(attached, arg.slice(2));
    else if (eq > 0) values.set(name, arg.slice(eq + 1));
    else if ((PATH_OPTIONS.has(name) || name === '--run') && i + 1 < args.length) values.set(name, args[++i] as string);
  }
  const run = values.get('--run');
  if (run !== undefined && run !== scope.runId)
    return `A container run can register models and record datasets for its own run (${scope.runId}) only.`;
  const source = values.get('-d') ?? values.get('--source-directory') ?? values.get('--directory');
  for (const [name, value] of values) {
    if (!PATH_OPTIONS.has(name)) continue;
    // A model's --run makes -p a path inside the run (checked by the registry); --entry-script is relative to -d.
    // A dataset's --run only names the run that made it: its -p is a host path like any other.
    if (run !== undefined && command === 'model register' && (name === '-p' || name === '--path')) continue;
    const absolute =
      name === '--entry-script' && source !== undefined && !path.isAbsolute(value)
        ? path.resolve(source, value)
        : value;
    if (!path.isAbsolute(absolute) || !insideReally(absolute, scope.runDir))
      return `${name} ${value} is outside the run's folder (${scope.runDir}), the only folder the container shares with the host.`;
  }
  return null;
}

/** Whether `file` lies inside `dir` by real paths (it may not exist yet: its nearest existing parent is resolved). */
function insideReally(file: string, dir: string): boolean {
  const root = fs.realpathSync(dir);
  let existing = path.resolve(file);
  const rest: string[] = [];
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) {
    rest.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  const real = path.join(fs.realpathSync(existing), ...rest);
  return real === root || real.startsWith(root + path.sep);
}
