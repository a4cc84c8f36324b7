import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Interpreter } from '../../../shared/api/types';
import { BenchtopError } from '../../../shared/errors';

const run = promisify(execFile);
const PROBE =
  "import sys\ntry:\n import ensurepip\n e=1\nexcept Exception:\n e=0\nprint('%d.%d.%d %d' % (sys.version_info[:3] + (e,)))";

export interface FoundInterpreter extends Interpreter {
  /** Whether `python -m venv` can bootstrap pip (Debian splits ensurepip into python3-venv). */
  hasEnsurepip: boolean;
}

let cache: Promise<FoundInterpreter[]> | null = null;

/** Executables on PATH with this name, first match first. */
export function whichAll(name: string, envPath = process.env.PATH ?? ''): string[] {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : [''];
  const found: string[] = [];
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) found.push(candidate);
      } catch {
        // Not here.
      }
    }
  }
  return found;
}

export function which(name: string): string | null {
  return whichAll(name)[0] ?? null;
}

function candidatePaths(): string[] {
  const names = ['python3', 'python', ...Array.from({ length: 12 }, (_, i) => `python3.${i + 6}`)];
  const fromPath = names.flatMap((n) => whichAll(n)).filter((p) => !p.includes(`${path.sep}shims${path.sep}`));
  const pyenvRoot = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
  const roots = [path.join(pyenvRoot, 'versions'), path.join(os.homedir(), '.local', 'share', 'uv', 'python')];
  const managed = roots.flatMap((root) => {
    try {
      return fs.readdirSync(root).map((v) => path.join(root, v, 'bin', 'python3'));
    } catch {
      return [];
    }
  });
  const system = ['/usr/bin', '/usr/local/bin', '/opt/homebrew/bin'].flatMap((dir) => {
    try {
      return fs
        .readdirSync(dir)
        .filter((f) => /^python3\.\d+$/.test(f))
        .map((f) => path.join(dir, f));
    } catch {
      return [];
    }
  });
  return [...fromPath, ...managed, ...system];
}

interface ProbeCacheEntry extends FoundInterpreter {
  real: string;
  mtimeMs: number;
  size: number;
}

/** Probing every interpreter costs a process each; results are kept per user, checked by mtime and size. */
function probeCacheFile(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'benchtop', 'interpreters.json');
}

function readProbeCache(): Map<string, ProbeCacheEntry> {
  try {
    const entries = JSON.parse(fs.readFileSync(probeCacheFile(), 'utf8')) as ProbeCacheEntry[];
    return new Map(entries.map((e) => [e.real, e]));
  } catch {
    return new Map();
  }
}

function writeProbeCache(entries: ProbeCacheEntry[]): void {
  try {
    const file = probeCacheFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(entries));
    fs.renameSync(tmp, file);
  } catch {
    // A read-only home only costs speed.
  }
}

async function probeCached(
  file: string,
  real: string,
  cache: Map<string, ProbeCacheEntry>,
): Promise<ProbeCacheEntry | null> {
  const stat = fs.statSync(real);
  const hit = cache.get(real);
  if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return { ...hit, path: file };
  const found = await probe(file);
  return found ? { ...found, real, mtimeMs: stat.mtimeMs, size: stat.size } : null;
}

async function probe(file: string): Promise<FoundInterpreter | null> {
  try {
    const { stdout } = await run(file, ['-c', PROBE], { timeout: 10_000 });
    const [version, ensure] = stdout.trim().split(' ');
    if (!version || !/^3\.\d+\.\d+$/.test(version)) return null;
    return { path: file, version, hasEnsurepip: ensure === '1' };
  } catch {
    return null;
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pb[i] ?? 0) - (pa[i] ?? 0);
  return 0;
}

/** Every Python 3 interpreter found on this machine, newest first, the PATH's python3 kept first among equals. */
export function findInterpreters(refresh = false): Promise<FoundInterpreter[]> {
  if (!cache || refresh) {
    cache = (async () => {
      const seen = new Set<string>();
      const unique: { file: string; real: string }[] = [];
      for (const candidate of candidatePaths()) {
        let real: string;
        try {
          real = fs.realpathSync(candidate);
        } catch {
          continue;
        }
        if (seen.has(real)) continue;
        seen.add(real);
        unique.push({ file: candidate, real });
      }
      const cache = readProbeCache();
      const probed = (
        await Promise.all(unique.map(({ file, real }) => probeCached(file, real, cache).catch(() => null)))
      ).filter((i): i is ProbeCacheEntry => i !== null);
      writeProbeCache(probed);
      return probed
        .map(({ path: p, version, hasEnsurepip }) => ({ path: p, version, hasEnsurepip }))
        .sort((a, b) => compareVersions(a.version, b.version));
    })();
  }
  return cache;
}

/** The interpreter for `python=X.Y[.Z]` (or the default when unpinned); a clear error lists what exists. */
export async function matchInterpreter(spec: string | null, needEnsurepip: boolean): Promise<FoundInterpreter> {
  const all = await findInterpreters();
  const usable = needEnsurepip ? all.filter((i) => i.hasEnsurepip) : all;
  if (!spec) {
    const onPath = defaultPythonPath();
    const preferred = onPath ? usable.find((i) => samePath(i.path, onPath)) : undefined;
    const chosen = preferred ?? usable[0];
    if (chosen) return chosen;
  } else {
    const parts = spec.split('.');
    const chosen = usable.find((i) => i.version.split('.').slice(0, parts.length).join('.') === spec);
    if (chosen) return chosen;
  }
  const listed = all.map((i) => `${i.version} (${i.path})`).join(', ') || 'none';
  throw new BenchtopError(
    'NO_INTERPRETER',
    spec
      ? `No Python ${spec} interpreter${needEnsurepip ? ' with venv support' : ''} was found on this machine.`
      : 'No Python 3 interpreter was found on this machine.',
    `Found: ${listed}. Install Python ${spec ?? '3'} (e.g. with pyenv or your package manager), or change "python=${spec ?? 'X.Y'}" to one of the versions found.`,
  );
}

/**
 * What `python3` means for the user: the PATH's python3, with a pyenv shim
 * resolved to the version pyenv would pick (PYENV_VERSION, .python-version, global).
 */
export function defaultPythonPath(cwd = process.cwd()): string | null {
  const onPath = which('python3');
  if (!onPath || !onPath.includes(`${path.sep}shims${path.sep}`)) return onPath;
  const root = process.env.PYENV_ROOT ?? path.dirname(path.dirname(onPath));
  let version = process.env.PYENV_VERSION?.split(':')[0];
  for (let dir = cwd; !version; dir = path.dirname(dir)) {
    try {
      version = fs.readFileSync(path.join(dir, '.python-version'), 'utf8').split(/\s+/)[0];
    } catch {
      // Not here; look further up.
    }
    if (dir === path.dirname(dir)) break;
  }
  if (!version) {
    try {
      version = fs.readFileSync(path.join(root, 'version'), 'utf8').split(/\s+/)[0];
    } catch {
      return null;
    }
  }
  const resolved = path.join(root, 'versions', version ?? '', 'bin', 'python3');
  return fs.existsSync(resolved) ? resolved : null;
}

function samePath(a: string, b: string): boolean {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return false;
  }
}

/** The major.minor of the default interpreter, for new scaffolds. */
export async function defaultPythonVersion(): Promise<string> {
  try {
    const found = await matchInterpreter(null, false);
    return found.version.split('.').slice(0, 2).join('.');
  } catch {
    return '3.11';
  }
}
