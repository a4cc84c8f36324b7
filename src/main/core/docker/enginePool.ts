import type { PoolEngine } from '../../../shared/api/dockerTypes';
import { BenchtopError } from '../../../shared/errors';
import type { Db } from '../workspace/database';
import { readSettings, writeSettings } from '../workspace/settings';
import { DockerEngine } from './dockerEngine';
import { engineAddress } from './engine';

/** Settings allow this many engines in the pool (the Settings schema's limit). */
const MAX_POOL_ENGINES = 64;
const MAX_SLOTS = 1024;
/** A pool listing waits this long for each engine's ping: an unreachable machine must not hang `docker pool`. */
const PING_TIMEOUT_MS = 3000;

/**
 * The URL an engine is kept under in the pool. "local" means this machine's engine (DOCKER_HOST, else the default
 * socket), kept by its URL so the queue and the supervisor name the same engine whatever their environment.
 */
export function poolUrl(input: string): string {
  const trimmed = input.trim();
  const url = trimmed === 'local' ? engineAddress(null).url : trimmed.replace(/\/+$/, '');
  // Throws the address error (with the accepted forms) for anything that is not an engine address.
  return engineAddress(url).url;
}

/** Adds an engine to the pool, or changes its slots when it is there already. */
export function addPoolEngine(
  db: Db,
  input: string,
  slots: number,
): { pool: { url: string; slots: number }[]; url: string; previousSlots: number | null } {
  if (!Number.isInteger(slots) || slots < 1 || slots > MAX_SLOTS)
    throw new BenchtopError(
      'BAD_INPUT',
      `--slots must be a whole number from 1 to ${MAX_SLOTS}; got ${slots}.`,
      'Give how many runs may use this engine at once, e.g. --slots 2.',
    );
  const url = poolUrl(input);
  const pool = readSettings(db).dockerPool;
  const existing = pool.find((e) => e.url === url);
  if (!existing && pool.length >= MAX_POOL_ENGINES)
    throw new BenchtopError(
      'BAD_INPUT',
      `The Docker pool already has ${MAX_POOL_ENGINES} engines, the most it can hold.`,
      'Remove one first: benchtop docker pool remove URL.',
    );
  const next = existing ? pool.map((e) => (e.url === url ? { url, slots } : e)) : [...pool, { url, slots }];
  writeSettings(db, { dockerPool: next });
  return { pool: next, url, previousSlots: existing?.slots ?? null };
}

/** Takes an engine out of the pool; runs already sent there finish there, new ones go elsewhere. */
export function removePoolEngine(db: Db, input: string): { pool: { url: string; slots: number }[]; url: string } {
  const pool = readSettings(db).dockerPool;
  const trimmed = input.trim();
  let url = trimmed;
  try {
    url = poolUrl(trimmed);
  } catch {
    // Not an address now (it may have been kept before a rule changed): match it as written.
  }
  if (!pool.some((e) => e.url === url)) {
    throw new BenchtopError(
      'NOT_FOUND',
      `${trimmed} is not in the Docker pool.`,
      pool.length
        ? `The pool has: ${pool.map((e) => e.url).join(', ')} (benchtop docker pool).`
        : 'The pool is empty; add an engine with: benchtop docker pool add URL --slots N.',
    );
  }
  const next = pool.filter((e) => e.url !== url);
  writeSettings(db, { dockerPool: next });
  return { pool: next, url };
}

/** How many runs that are not final hold a slot on each engine (the queue's assigned.engine). */
export function poolSlotsInUse(db: Db): Map<string, number> {
  const rows = db
    .prepare(
      `SELECT json_extract(assigned, '$.engine') AS engine, count(*) AS used FROM runs
       WHERE pool = 1 AND queue_claimed_at IS NOT NULL AND status NOT IN ('Completed', 'Failed', 'Canceled')
         AND json_extract(assigned, '$.engine') IS NOT NULL
       GROUP BY 1`,
    )
    .all() as { engine: string; used: number }[];
  return new Map(rows.map((r) => [r.engine, r.used]));
}

/** The pool with each engine's slots, use and whether it answers now (pinged in parallel, each with a timeout). */
export async function listPool(db: Db): Promise<PoolEngine[]> {
  const used = poolSlotsInUse(db);
  return Promise.all(
    readSettings(db).dockerPool.map(async ({ url, slots }) => {
      const engine = new DockerEngine(db, url);
      const base = { url, slots, used: used.get(url) ?? 0 };
      try {
        const address = engine.address();
        const { call } = engine.client();
        await withTimeout(
          call((d) => d.ping()),
          PING_TIMEOUT_MS,
          `The Docker engine at ${url} did not answer within ${PING_TIMEOUT_MS / 1000} s.`,
        );
        return { ...base, local: address.local, reachable: true, error: null };
      } catch (err) {
        const e = err as { message?: string; hint?: string };
        let local = false;
        try {
          local = engine.address().local;
        } catch {
          // A stored address that no longer parses reads as remote.
        }
        return {
          ...base,
          local,
          reachable: false,
          error: { message: e.message ?? String(err), ...(e.hint ? { hint: e.hint } : {}) },
        };
      }
    }),
  );
}

/**
 * Engines to load an image from, other than `target`: the workspace's engine first (where builds happen), then
 * the pool in its order.
 */
export function imageSourceEngines(db: Db, target: string): DockerEngine[] {
  const urls: string[] = [];
  try {
    urls.push(engineAddress(readSettings(db).dockerHost).url);
  } catch {
    // A bad workspace engine setting: only the pool can give the image.
  }
  for (const entry of readSettings(db).dockerPool) urls.push(entry.url);
  return [...new Set(urls)].filter((url) => url !== target).map((url) => new DockerEngine(db, url));
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new BenchtopError(
            'ENGINE_UNAVAILABLE',
            message,
            'Check that the machine is up and dockerd listens there, or remove it: benchtop docker pool remove URL.',
          ),
        ),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
