import fs from 'node:fs';
import path from 'node:path';
import type { Backend } from '../../../shared/environments/definition';
import type { Db } from '../workspace/database';
import type { WorkspacePaths } from '../workspace/paths';

/** Written last, inside the environment's folder: a folder without it is never used. */
export const READY_MARKER = '.benchtop-build.json';

export interface ReadyBuild {
  buildKey: string;
  backend: Backend;
  prefix: string;
  pythonPath: string;
  /** The image of a docker build, else null. */
  image: string | null;
}

/**
 * The published build for a key, or null: one indexed query and one file read.
 * Kept apart from BuildService so the run supervisor's fast path loads nothing else.
 */
export function publishedBuild(db: Db, paths: WorkspacePaths, buildKey: string): ReadyBuild | null {
  const row = db.prepare("SELECT backend FROM builds WHERE build_key = ? AND state = 'ready'").get(buildKey) as
    { backend: string } | undefined;
  if (!row) return null;
  let published: { pythonPath: string; image?: string | null };
  try {
    published = JSON.parse(fs.readFileSync(path.join(paths.envDir(buildKey), READY_MARKER), 'utf8')) as {
      pythonPath: string;
      image?: string | null;
    };
  } catch {
    return null;
  }
  return {
    buildKey,
    backend: row.backend as Backend,
    prefix: paths.envDir(buildKey),
    pythonPath: published.pythonPath,
    image: published.image ?? null,
  };
}
