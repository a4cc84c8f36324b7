import fs from 'node:fs';
import path from 'node:path';
import type { DatasetFile } from '../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import { writeFileAtomic } from '../workspace/files';
import { PLACED_INPUTS_FILE } from './releaseInputs';
import type { ResolvedRunInput } from './runInputs';

export interface PlaceOptions {
  /** The blob store's folder (`<ws>/models/blobs`). */
  blobs: string;
  /**
   * Where mount links point instead of the blob store: a folder that only the script's mount namespace sees as a
   * read-only view of the store (a root supervisor; permission bits do not stop root). Null: the store itself.
   */
  blobAlias: string | null;
  /** Mount inputs as verified read-only copies (a remote engine; root without mount namespaces). */
  copyMounts: boolean;
  signal: AbortSignal;
  note: (line: string) => void;
}

export interface PlacedInputs {
  /** Absolute folders placed read-only (mounts). */
  mounts: string[];
  /** Absolute folders of every placed input (mounts and downloads). */
  folders: string[];
}

/**
 * Puts each mount and download input where the script finds it, before it starts: a mount is a read-only folder
 * of links to the blob store's files (nothing copied; folders 0555, blobs 0444), a download real copies checked against
 * their digests. The folders are listed in the run's folder first, so they are removed at the end
 * (releaseRunInputs) however the run ends.
 */
export async function placeRunInputs(
  runDir: string,
  inputs: ResolvedRunInput[],
  filesOf: (input: ResolvedRunInput) => DatasetFile[],
  options: PlaceOptions,
): Promise<PlacedInputs> {
  const placed = inputs.filter((i) => i.folder !== null);
  const placedFolders = placed.map((i) => i.folder as string);
  if (options.blobAlias) placedFolders.push(path.relative(runDir, options.blobAlias).split(path.sep).join('/'));
  if (placedFolders.length === 0) return { mounts: [], folders: [] };
  writeFileAtomic(path.join(runDir, PLACED_INPUTS_FILE), JSON.stringify(placedFolders), false);
  if (options.blobAlias) fs.mkdirSync(options.blobAlias, { recursive: true });
  const result: PlacedInputs = { mounts: [], folders: [] };
  /**
   * Hard links while they work: no data block each (a symbolic link to a 64-hex blob path needs one: removing
   * 10,000 of them took seconds, hard links 0.2 s), and the store need not be visible to read them. Symbolic
   * links where the store is on another disk; copies where the system makes no links at all.
   */
  let links = 'hard' as 'hard' | 'symbolic' | 'none';
  const link = (blob: string, target: string, digest: string): boolean => {
    if (links === 'hard') {
      try {
        fs.linkSync(blob, target);
        return true;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // EMLINK: this blob has the most links the disk allows; a symbolic link for it alone.
        if (code !== 'EMLINK') {
          if (!['EXDEV', 'EPERM', 'EACCES', 'ENOTSUP', 'ENOSYS'].includes(code ?? '')) throw err;
          links = 'symbolic';
        }
      }
    }
    try {
      fs.symlinkSync(options.blobAlias ? path.join(options.blobAlias, digest.slice(0, 2), digest) : blob, target);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPERM' || options.blobAlias) throw err;
      links = 'none';
      options.note(
        'This system does not let Benchtop make links (Windows without Developer Mode): mount inputs are read-only copies.',
      );
      return false;
    }
  };
  for (const input of placed) {
    const folder = path.join(runDir, ...(input.folder as string).split('/'));
    const files = filesOf(input);
    const size = files.reduce((sum, f) => sum + f.size, 0);
    const copies = input.mode === 'download' || options.copyMounts;
    options.note(
      `Input ${input.name}: ${input.dataset}:${input.version} (${files.length} file${files.length === 1 ? '' : 's'}, ${formatBytes(size)}) ${input.mode === 'mount' ? (copies ? 'mounted as read-only copies' : 'mounted read-only') : 'downloaded'} at ${folder}`,
    );
    if (input.pathOnCompute && input.folder === `inputs/${input.name}`)
      options.note(
        `Input ${input.name}: the absolute path on compute ${input.pathOnCompute} is not used: inputs stay inside the run. The script gets the path above from its DatasetConsumptionConfig argument, run.input_datasets["${input.name}"] or $AZUREML_DATAREFERENCE_${input.name}.`,
      );
    fs.mkdirSync(folder, { recursive: true });
    // One mkdir per folder, not per file: a 10,000-file mount is syscall-bound.
    const made = new Set([folder]);
    for (const file of files) {
      options.signal.throwIfAborted();
      const blob = path.join(options.blobs, file.digest.slice(0, 2), file.digest);
      if (!fs.existsSync(blob))
        throw new BenchtopError(
          'CHECKSUM_MISMATCH',
          `The stored content of ${file.path} in dataset ${input.dataset}:${input.version} is missing from the workspace.`,
          `Register the dataset again from its source (benchtop data register -n ${input.dataset} -p PATH).`,
        );
      const target = path.join(folder, ...file.path.split('/'));
      if (!target.startsWith(folder + path.sep))
        throw new BenchtopError('BAD_INPUT', `Dataset file path "${file.path}" leaves its folder.`);
      const parent = path.dirname(target);
      if (!made.has(parent)) {
        fs.mkdirSync(parent, { recursive: true });
        made.add(parent);
      }
      if (!copies && links !== 'none' && link(blob, target, file.digest)) continue;
      // Only when copying: the hashing copy loads BLAKE3, which a run with mounts alone never needs.
      const { copyVerified } = await import('./verifiedCopy');
      await copyVerified(blob, target, file.digest, options.signal);
      if (input.mode === 'mount') fs.chmodSync(target, 0o444);
    }
    if (input.mode === 'mount') {
      readOnlyFolders(folder);
      result.mounts.push(folder);
    }
    result.folders.push(folder);
  }
  return result;
}

/** Deepest first, so each folder can still be written while its children are changed. */
function readOnlyFolders(folder: string): void {
  for (const entry of fs.readdirSync(folder, { withFileTypes: true }))
    if (entry.isDirectory()) readOnlyFolders(path.join(folder, entry.name));
  fs.chmodSync(folder, 0o555);
}
