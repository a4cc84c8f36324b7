import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BenchtopError } from '../../../shared/errors';

/** conda's name for this machine's platform subdir (linux-64, osx-arm64, win-64...). */
export function condaSubdir(): string {
  const os = process.platform === 'darwin' ? 'osx' : process.platform === 'win32' ? 'win' : 'linux';
  const arch = { x64: '64', arm64: os === 'linux' ? 'aarch64' : 'arm64', ppc64: 'ppc64le', s390x: 's390x' }[
    process.arch as string
  ];
  return `${os}-${arch ?? process.arch}`;
}

/** conda's `defaults` is Anaconda's main channel; rattler knows channel names on conda-forge's host only. */
const DEFAULTS = 'https://repo.anaconda.com/pkgs/main';

const INDEX_HINT =
  'Point channels: at a conda channel folder (one with noarch/repodata.json or <platform>/repodata.json); ' +
  'index a folder of .conda/.tar.bz2 packages with `benchtop env channel-index DIR`.';

/**
 * The conda file's `channels:` as rattler reads them, checked up front: a local channel (file:// URL or
 * a path) must exist and be indexed; offline, a remote channel is refused (only local ones can be read).
 */
export function resolveChannels(channels: string[] | undefined, offline: boolean, note: (t: string) => void): string[] {
  const named = (channels ?? []).map((c) => c.trim()).filter(Boolean);
  if (named.length === 0) {
    note('The conda file names no channels: using conda-forge (what micromamba and pixi default to).');
    named.push('conda-forge');
  }
  return named.map((channel) => {
    if (channel === 'defaults') {
      note(`channel defaults -> ${DEFAULTS}`);
      return checkRemote(DEFAULTS, offline);
    }
    if (channel.startsWith('file:') || path.isAbsolute(channel) || channel.startsWith('.')) return checkLocal(channel);
    return checkRemote(channel, offline);
  });
}

function checkRemote(channel: string, offline: boolean): string {
  if (offline)
    throw new BenchtopError(
      'PACKAGE_UNAVAILABLE',
      `The channel ${channel} is on the network, and this build is offline.`,
      'Offline, the rattler backend reads local channels only: mirror the packages into a folder, index it ' +
        '(`benchtop env channel-index DIR`) and name it as file:///path/to/DIR in channels:, or build with offline mode off.',
    );
  return channel;
}

function checkLocal(channel: string): string {
  const dir = channel.startsWith('file:') ? fileURLToPath(channel) : path.resolve(channel);
  if (!fs.existsSync(dir))
    throw new BenchtopError('NOT_FOUND', `The channel ${channel} does not exist (no folder ${dir}).`, INDEX_HINT);
  if (!fs.statSync(dir).isDirectory())
    throw new BenchtopError('BAD_INPUT', `The channel ${channel} is a file, not a channel folder.`, INDEX_HINT);
  const indexed = ['noarch', condaSubdir()].some((sub) => fs.existsSync(path.join(dir, sub, 'repodata.json')));
  if (!indexed)
    throw new BenchtopError(
      'BAD_INPUT',
      `${dir} is not a conda channel: it has no noarch/repodata.json or ${condaSubdir()}/repodata.json.`,
      INDEX_HINT,
    );
  return pathToFileURL(dir).href;
}
