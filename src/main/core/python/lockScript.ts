import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { LockedPackage } from '../../../shared/api/types';

const run = promisify(execFile);

/** Lists installed distributions with the environment's own interpreter (works without pip, e.g. uv venvs). */
export const LOCK_SCRIPT = [
  'import json, sys',
  'from importlib import metadata',
  'seen = {}',
  'for d in metadata.distributions():',
  '    n = d.metadata["Name"]',
  '    if n: seen[n.lower()] = {"name": n, "version": d.version}',
  'print(json.dumps({"python": "%d.%d.%d" % sys.version_info[:3], "packages": sorted(seen.values(), key=lambda p: p["name"].lower())}))',
].join('\n');

export async function readInstalled(python: string): Promise<{ pythonVersion: string; packages: LockedPackage[] }> {
  const { stdout } = await run(python, ['-I', '-c', LOCK_SCRIPT], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  const parsed = JSON.parse(stdout) as { python: string; packages: LockedPackage[] };
  return { pythonVersion: parsed.python, packages: parsed.packages };
}
