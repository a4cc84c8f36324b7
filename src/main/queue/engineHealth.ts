import fs from 'node:fs';
import path from 'node:path';
import { DockerEngine } from '../core/docker/dockerEngine';
import { withTimeout } from '../core/docker/enginePool';
import type { Db } from '../core/workspace/database';
import { writeFileAtomic } from '../core/workspace/files';

/** An engine's answer is trusted this long: a schedule pass (every 20 ms at busiest) must not ping. */
const FRESH_MS = 10_000;
/** As `docker pool` waits: an unreachable machine answers nothing, so this is how long "down" takes to learn. */
const PING_TIMEOUT_MS = 3000;

interface Health {
  /** null: not known yet (the first ping is out). */
  down: string | null | undefined;
  checkedAt: number;
  pinging: boolean;
}

/**
 * Which pool engines answer, for the queue owner's scheduler: a run is not sent to an engine that is down (it would
 * fail there), it waits for one that is up. Pings go out in the background, at most one per engine per 10 s; an
 * engine not heard from yet counts as not ready (the first answer, usually milliseconds, calls `changed`).
 */
export class EngineHealth {
  private readonly engines = new Map<string, Health>();

  constructor(
    private readonly db: Db,
    private readonly changed: () => void,
    private readonly ping: (db: Db, url: string) => Promise<void> = pingEngine,
  ) {}

  /** url -> why it is not usable now, for the engines of the pool; pings the ones whose answer is stale. */
  unusable(urls: string[], now = Date.now()): Record<string, string> {
    const result: Record<string, string> = {};
    for (const url of urls) {
      let health = this.engines.get(url);
      if (!health) {
        health = { down: undefined, checkedAt: -Infinity, pinging: false };
        this.engines.set(url, health);
      }
      if (!health.pinging && now - health.checkedAt >= FRESH_MS) this.check(url, health);
      if (health.down === undefined) result[url] = 'not answered yet';
      else if (health.down !== null) result[url] = health.down;
    }
    for (const url of this.engines.keys()) if (!urls.includes(url)) this.engines.delete(url);
    return result;
  }

  private check(url: string, health: Health): void {
    health.pinging = true;
    const before = health.down;
    this.ping(this.db, url)
      .then(
        () => (health.down = null),
        (err: Error) => (health.down = err?.message || String(err)),
      )
      .finally(() => {
        health.pinging = false;
        health.checkedAt = Date.now();
        if (health.down !== before) this.changed();
      });
  }
}

async function pingEngine(db: Db, url: string): Promise<void> {
  const { call } = new DockerEngine(db, url).client();
  await withTimeout(
    call((d) => d.ping()),
    PING_TIMEOUT_MS,
    `did not answer within ${PING_TIMEOUT_MS / 1000} s`,
  );
}

/** `<workspace>/queue/engines.json`: the owner's last answers, so `benchtop queue` says why a pool run waits. */
export function engineHealthFile(root: string): string {
  return path.join(root, 'queue', 'engines.json');
}

export function writeEngineHealth(root: string, unusable: Record<string, string>): void {
  writeFileAtomic(engineHealthFile(root), JSON.stringify({ ownerPid: process.pid, unusable }, null, 2), false);
}

/** The unusable engines the live owner `ownerPid` recorded; none when it is not that owner's (or unreadable). */
export function readEngineHealth(root: string, ownerPid: number | null): Record<string, string> {
  try {
    const parsed = JSON.parse(fs.readFileSync(engineHealthFile(root), 'utf8')) as {
      ownerPid?: unknown;
      unusable?: unknown;
    };
    if (parsed.ownerPid !== ownerPid || !parsed.unusable || typeof parsed.unusable !== 'object') return {};
    return Object.fromEntries(
      Object.entries(parsed.unusable as Record<string, unknown>).filter(
        (e): e is [string, string] => typeof e[1] === 'string',
      ),
    );
  } catch {
    return {};
  }
}
