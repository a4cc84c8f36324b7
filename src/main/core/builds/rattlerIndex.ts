import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { BenchtopError } from '../../../shared/errors';
import type { ToolEnvironments } from '../tools/toolEnvironment';
import { RATTLER_TOOL, rattlerScript } from './rattlerBackend';

const run = promisify(execFile);

/**
 * Writes repodata.json for a folder of conda packages (noarch/, linux-64/...), with py-rattler's indexer,
 * so the folder can be named as a file:// channel: how a user turns a copied package mirror into a channel.
 */
export async function indexChannel(
  tools: ToolEnvironments,
  directory: string,
  write: (text: string) => void,
): Promise<{ directory: string; subdirs: string[] }> {
  const dir = path.resolve(directory);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new BenchtopError(
      'NOT_FOUND',
      `No folder ${dir}.`,
      'Name a folder with noarch/ or <platform>/ subfolders of .conda or .tar.bz2 packages.',
    );
  const hasPackages = (sub: string) =>
    fs.statSync(path.join(dir, sub)).isDirectory() &&
    fs.readdirSync(path.join(dir, sub)).some((f) => f.endsWith('.conda') || f.endsWith('.tar.bz2'));
  const subdirs = fs.readdirSync(dir).filter(hasPackages);
  if (subdirs.length === 0)
    throw new BenchtopError(
      'BAD_INPUT',
      `${dir} has no conda packages in subfolders.`,
      'A channel keeps its packages in noarch/ and platform folders (linux-64/, osx-arm64/...): move the .conda/.tar.bz2 files there.',
    );
  const tool = await tools.ensure(RATTLER_TOOL, write);
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONNOUSERSITE: '1' };
  delete env.PYTHONPATH;
  await run(tool.python, [rattlerScript(), 'index', dir], { env, timeout: 10 * 60_000 });
  return { directory: dir, subdirs };
}
