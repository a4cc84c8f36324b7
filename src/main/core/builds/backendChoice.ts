import fs from 'node:fs';
import path from 'node:path';
import type { Backend, BackendChoice } from '../../../shared/environments/definition';
import { TOOL_MARKER } from '../tools/toolEnvironment';
import { findCondaTool } from './condaBackend';

/** Which program builds a conda-backend environment: a conda binary, or py-rattler. */
export type CondaTool = 'conda-binary' | 'rattler';

export interface AutoPick {
  backend: Backend;
  condaTool: CondaTool | null;
  /** Why, for the build log: which tool auto found (or did not). */
  reason: string;
}

/**
 * Whether this workspace has the rattler tool environment (any Python): one readdir and a stat, so auto
 * resolution stays cheap enough for listing many environments. auto uses rattler only once it is installed
 * (the first `--backend rattler` build does that): a workspace without it keeps building venvs as before.
 */
export function rattlerInstalled(toolsRoot: string): boolean {
  try {
    return fs
      .readdirSync(toolsRoot)
      .some((entry) => /^rattler-[0-9a-f]{24}$/.test(entry) && fs.existsSync(path.join(toolsRoot, entry, TOOL_MARKER)));
  } catch {
    return false;
  }
}

/** auto: a conda, mamba or micromamba found (settings, BENCHTOP_CONDA, PATH), then rattler, then venv. */
export function resolveAuto(condaPath: string | null, toolsRoot: string): AutoPick {
  const binary = findCondaTool(condaPath);
  if (binary)
    return { backend: 'conda', condaTool: 'conda-binary', reason: `auto: ${binary.flavour} found at ${binary.path}` };
  if (rattlerInstalled(toolsRoot))
    return {
      backend: 'conda',
      condaTool: 'rattler',
      reason: 'auto: rattler (no conda, mamba or micromamba found; the rattler tool environment is installed here)',
    };
  return {
    backend: 'venv',
    condaTool: null,
    reason:
      'auto: venv (no conda, mamba or micromamba found, and no rattler tool environment: `--backend rattler` installs it)',
  };
}

/** A channel rattler reads from the disk: a file: URL or a path (what rattlerChannels.ts treats as local). */
function isLocalChannel(channel: string): boolean {
  const c = channel.trim();
  return c.startsWith('file:') || path.isAbsolute(c) || c.startsWith('.');
}

/**
 * Whether auto's rattler can build this conda file now. Offline it reads local channels only, so a file that
 * names conda-forge (or no channel, which means conda-forge) falls back to venv, as it did before rattler:
 * a workspace that once installed rattler must not stop building its environments offline.
 */
export function rattlerCanBuild(channels: string[] | undefined, offline: boolean): boolean {
  if (!offline) return true;
  const named = (channels ?? []).filter((c) => c.trim());
  return named.length > 0 && named.every(isLocalChannel);
}

/** The conda tool an explicit or auto choice means (null: not a conda build). */
export function condaToolFor(choice: BackendChoice, auto: AutoPick): CondaTool | null {
  if (choice === 'rattler') return 'rattler';
  if (choice === 'conda') return 'conda-binary';
  return choice === 'auto' ? auto.condaTool : null;
}
