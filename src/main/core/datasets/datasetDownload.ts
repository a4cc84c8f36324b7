import fs from 'node:fs';
import path from 'node:path';
import type { DatasetFile, DatasetRecord } from '../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import type { JobManager } from '../jobs/jobManager';
import { downloadFromBlobs, type DownloadResult } from '../models/blobDownload';
import type { BlobStore } from '../models/blobStore';
import { contentHasher } from '../models/contentHash';
import { DownloadTarget } from '../models/downloadTarget';
import { throwIfCanceled } from '../models/hashedCopy';
import { jobFailure } from '../jobs/jobFailure';
import { checkFreeSpace } from '../workspace/freeSpace';
import { makeDirectory } from '../workspace/makeDirectory';

/**
 * Copies a version's files to `<directory>/<relative path>`, each checked against its digest on the way out;
 * nothing changes there until every copy checked out (DownloadTarget: a temporary beside each file, renamed over
 * it at the end). A file already there with the same content is left as it is; one with other content is
 * refused unless `overwrite` (Azure's download(target_path, overwrite=False)). Other files in the folder stay.
 */
export async function downloadDataset(
  deps: { jobs: JobManager; blobs: BlobStore },
  record: DatasetRecord,
  files: DatasetFile[],
  input: { directory: string; overwrite?: boolean; requestId?: string },
): Promise<DownloadResult> {
  const id = `${record.name}:${record.version}`;
  const directory = path.resolve(input.directory);
  const result = { path: directory, files: files.length, size: record.size };
  let toCopy: DatasetFile[] = [];
  const job = deps.jobs.start(
    'dataset',
    `Download dataset ${id}`,
    { operation: 'download', dataset: record.name, requestId: input.requestId ?? '' },
    async (ctx) => {
      toCopy = await filesToCopy(directory, files, input.overwrite ?? false, id, ctx.signal);
      const size = toCopy.reduce((sum, f) => sum + f.size, 0);
      const plan = new DownloadTarget(directory, toCopy, true, `dataset ${id}`);
      makeDirectory(directory);
      checkFreeSpace(directory, size, `downloading ${id}`);
      ctx.output.note(
        `Downloading ${id} to ${directory} (${toCopy.length} of ${files.length} files, ${formatBytes(size)})`,
      );
      await downloadFromBlobs(deps.blobs, plan, ctx, {
        what: `downloading ${id}`,
        directory,
        size,
        missingHint: 'Register the dataset again from its source.',
        mismatchHint: `Register ${record.name} again from its source (benchtop data register -n ${record.name} -p PATH); this copy cannot be trusted.`,
      });
      ctx.output.note(`Downloaded ${files.length} file(s), every checksum verified: ${directory}`);
    },
  );
  const finished = await job.done;
  if (finished.state !== 'completed')
    throw jobFailure(finished, `Downloading ${id} was canceled; nothing was changed in ${directory}.`);
  return result;
}

/**
 * The files that need copying: a destination that already holds the same bytes needs nothing; one that holds
 * other bytes is refused (before anything is written) unless overwrite.
 */
async function filesToCopy(
  directory: string,
  files: DatasetFile[],
  overwrite: boolean,
  id: string,
  signal: AbortSignal,
): Promise<DatasetFile[]> {
  const out: DatasetFile[] = [];
  for (const file of files) {
    throwIfCanceled(signal);
    const destination = path.resolve(directory, ...file.path.split('/'));
    const stat = fs.statSync(destination, { throwIfNoEntry: false });
    if (!stat?.isFile()) {
      out.push(file);
      continue;
    }
    if (stat.size === file.size && (await digestOf(destination)) === file.digest) continue;
    if (!overwrite)
      throw new BenchtopError(
        'ALREADY_EXISTS',
        `File "${destination}" already exists. Set overwrite=True to overwrite it, or choose an empty target path.`,
        `It holds other content than ${file.path} of ${id}; nothing was written. Pass --overwrite to replace it, or download to another folder.`,
      );
    out.push(file);
  }
  return out;
}

async function digestOf(file: string): Promise<string> {
  const hasher = await (await contentHasher())();
  const stream = fs.createReadStream(file, { highWaterMark: 4 * 1024 * 1024 });
  for await (const chunk of stream) hasher.update(chunk as Buffer);
  return hasher.hex();
}
