import { createHash } from 'node:crypto';
import path from 'node:path';
import { acquireBuildLock } from '../builds/buildLock';
import type { Db } from '../workspace/database';
import type { WorkspacePaths } from '../workspace/paths';
import type { DockerEngine } from './dockerEngine';
import { imageSourceEngines, withTimeout } from './enginePool';
import { transferImage } from './imageTransfer';

/** How long asking an engine whether it has an image may take before it is passed over as a source. */
const SOURCE_CHECK_MS = 5000;

export type Placement = 'present' | 'loaded' | 'missing';

/**
 * Makes sure `image` is on `target`: there already, or loaded from the first other engine (the workspace's, then
 * the pool's) that has it. 'missing': no engine that answers has it (the caller builds it there). Trials that land
 * on the same engine together load the image once: a lock per (engine, image) in the workspace, which every
 * supervisor shares, and a second look after waiting for it.
 */
export async function placeImage(options: {
  db: Db;
  paths: WorkspacePaths;
  target: DockerEngine;
  image: string;
  note: (line: string) => void;
  signal: AbortSignal;
}): Promise<Placement> {
  const { db, paths, target, image, note, signal } = options;
  if (await target.imageExists(image)) return 'present';
  const url = target.address().url;
  const lock = path.join(
    paths.locks,
    `image-${createHash('sha256').update(`${url}\n${image}`).digest('hex').slice(0, 24)}.lock`,
  );
  const release = await acquireBuildLock(
    lock,
    signal,
    () => note(`Waiting for another run that is loading ${image} onto ${url}...`),
    'Canceled while waiting for an image to be loaded.',
  );
  try {
    if (await target.imageExists(image)) return 'present';
    for (const source of imageSourceEngines(db, url)) {
      const from = source.address().url;
      const has = await withTimeout(source.imageExists(image), SOURCE_CHECK_MS, `${from} did not answer.`).catch(
        () => false,
      );
      if (!has) continue;
      note(`The image ${image} is not on ${url}: loading it from ${from} (docker save | docker load)...`);
      const moved = await transferImage(source, target, image, signal);
      note(
        `Loaded ${image} onto ${url} from ${from}: ${(moved.bytes / 1e6).toFixed(0)} MB in ${moved.seconds.toFixed(1)} s.`,
      );
      return 'loaded';
    }
    return 'missing';
  } finally {
    release();
  }
}
