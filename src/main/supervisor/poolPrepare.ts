import { BenchtopError } from '../../shared/errors';
import type { Core } from '../core/core';
import { publishedBuild, type ReadyBuild } from '../core/builds/publishedBuild';
import type { DockerEngine } from '../core/docker/dockerEngine';
import { type Placement, placeImage } from '../core/docker/poolImage';
import type { Db } from '../core/workspace/database';
import { nowIso } from '../core/workspace/files';
import type { WorkspacePaths } from '../core/workspace/paths';
import { readSettings } from '../core/workspace/settings';

export interface PoolPrepareContext {
  db: Db;
  paths: WorkspacePaths;
  environment: { name: string; version: string | number };
  /** The pool engine the queue gave this run (runs.assigned.engine). */
  engine: DockerEngine;
  /** The run's build key as submit recorded it (the docker build of its environment). */
  buildKey: string | null;
  note: (line: string) => void;
  write: (data: string) => void;
  signal: AbortSignal;
  /** The full core, loaded only when a build is needed (the run supervisor's launch stays light otherwise). */
  openCore: () => Core;
  recordBuildKey: (buildKey: string) => void;
}

/**
 * Preparing, for a run the queue sent to an engine of the Docker pool: the environment's image must be on THAT
 * engine. Built already (on any engine): loaded from an engine that has it. Built nowhere, or its image gone from
 * every engine: built there, its base images loaded from another engine first where that one lacks them.
 */
export async function prepareOnPoolEngine(ctx: PoolPrepareContext): Promise<ReadyBuild> {
  try {
    return await prepareThere(ctx);
  } catch (err) {
    // The engine is down or unreachable: the fix is the pool's, not the workspace engine setting's.
    if (
      err instanceof BenchtopError &&
      err.code === 'ENGINE_UNAVAILABLE' &&
      err.message.includes(ctx.engine.address().url)
    )
      throw new BenchtopError(
        err.code,
        err.message,
        `Start dockerd there, or take it out of the pool so runs go to the other engines: benchtop docker pool remove ${ctx.engine.address().url}.`,
      );
    throw err;
  }
}

async function prepareThere(ctx: PoolPrepareContext): Promise<ReadyBuild> {
  const { name, version } = ctx.environment;
  const url = ctx.engine.address().url;
  const place = (image: string): Promise<Placement> =>
    placeImage({ db: ctx.db, paths: ctx.paths, target: ctx.engine, image, note: ctx.note, signal: ctx.signal });

  const ready = ctx.buildKey ? publishedBuild(ctx.db, ctx.paths, ctx.buildKey) : null;
  let goneEverywhere = false;
  if (ready?.image) {
    const placement = await place(ready.image);
    if (placement !== 'missing') {
      ctx.db.prepare('UPDATE builds SET last_used_at = ? WHERE build_key = ?').run(nowIso(), ready.buildKey);
      ctx.note(
        `cached: ${name}:${version} is already built (build key ${ready.buildKey}, image ${ready.image}${placement === 'present' ? `, on ${url}` : ''})`,
      );
      return ready;
    }
    goneEverywhere = true;
    ctx.note(`The image ${ready.image} is on no engine of the pool any more: building it again on ${url}.`);
  }

  const core = ctx.openCore();
  const { ensureBuilt } = await import('../core/builds/ensureBuilt');
  const { BuildService } = await import('../core/builds/buildService');
  const { dockerfileFor } = await import('../core/builds/dockerBackend');
  const record = core.environments.get(name, String(version));
  const { buildKey } = core.builds.keyFor(record.definition, 'docker');
  ctx.recordBuildKey(buildKey);
  if (!core.builds.ready(buildKey) || goneEverywhere) {
    // The build runs on the pool engine, so its FROM images must be there: bring them from an engine that has them.
    const generated = dockerfileFor(
      core.builds.effectiveDefinition(record.definition, 'docker'),
      buildKey,
      `${name}:${version}`,
      readSettings(ctx.db).offline,
    );
    for (const base of generated.baseImages) await place(base);
  }
  // A build service bound to the pool engine: the image is built there. The build lock per key still holds across
  // engines, so two trials on two engines build once; the second then loads the image (below).
  const builds = new BuildService(core.db, core.paths, core.jobs, ctx.engine);
  const built = await ensureBuilt(builds, core.jobs, record, ctx.write, {
    signal: ctx.signal,
    backend: 'docker',
    rebuild: goneEverywhere,
  });
  if (built.image && (await place(built.image)) === 'missing')
    throw new BenchtopError(
      'IMAGE_MISSING',
      `The image ${built.image} of ${name}:${version} is on no engine that answers, so it cannot be loaded onto ${url}.`,
      `Build it again: benchtop env build -n ${name} -v ${version} --backend docker --rebuild.`,
    );
  return built;
}
