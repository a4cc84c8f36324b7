import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BuildInfo, BuildStart, CacheEntry, LockedPackage } from '../../../shared/api/types';
import { BenchtopError } from '../../../shared/errors';
import {
  type Backend,
  type BackendChoice,
  isAzureDefaultBaseImage,
  type EnvironmentDefinition,
} from '../../../shared/environments/definition';
import { buildRelevantContent, stableStringify } from '../../../shared/environments/canonical';
import type { JobManager } from '../jobs/jobManager';
import type { Db } from '../workspace/database';
import { folderSize, nowIso, writeFileAtomic } from '../workspace/files';
import type { WorkspacePaths } from '../workspace/paths';
import { readSettings } from '../workspace/settings';
import { which } from '../python/interpreters';
import type { BuildBackend } from './backend';
import { acquireBuildLock, processAlive, tryAcquireBuildLock } from './buildLock';
import { publishedBuild, READY_MARKER, type ReadyBuild } from './publishedBuild';
import { CondaBackend, findCondaTool, noCondaError } from './condaBackend';
import { DockerBackend } from './dockerBackend';
import { DockerEngine } from '../docker/dockerEngine';
import { imageTagFor } from '../../../shared/api/dockerTypes';
import { UserManagedBackend } from './userManagedBackend';
import { type AutoPick, condaToolFor, rattlerCanBuild, resolveAuto } from './backendChoice';
import { RattlerBackend } from './rattlerBackend';
import { ToolEnvironments } from '../tools/toolEnvironment';
import { VenvBackend } from './venvBackend';

const LOCK_FILE = 'benchtop-lock.json';
/** computeBuildKey's shape: the only names prune removes under cache/envs. */
const BUILD_KEY = /^[0-9a-f]{32}$/;
/** What builds leave in cache/envs: `<key>` and, for an image, `<key>.context` while it builds. */
const LEFTOVER = /^([0-9a-f]{32})(?:\.context)?$/;
export { READY_MARKER, type ReadyBuild };

interface BuildRow {
  build_key: string;
  backend: string;
  state: string;
  path: string | null;
  python_version: string | null;
  lock: string;
  size_bytes: number | null;
  started_at: string | null;
  finished_at: string | null;
  last_used_at: string | null;
  error: string | null;
}

export function computeBuildKey(def: EnvironmentDefinition, backend: Backend): string {
  return createHash('sha256')
    .update(stableStringify(buildRelevantContent(def, backend)))
    .digest('hex')
    .slice(0, 32);
}

/**
 * Turns environment versions into built environments: one build per build
 * key, published atomically, shared by every process on the workspace.
 */

const OFFLINE_RATTLER_NOTE =
  'auto: venv (offline, and the conda file names network channels: rattler reads only local file:// channels offline)';

export class BuildService {
  private readonly inFlight = new Map<string, BuildStart>();

  constructor(
    private readonly db: Db,
    private readonly paths: WorkspacePaths,
    private readonly jobs: JobManager,
    readonly docker: DockerEngine = new DockerEngine(db),
  ) {}

  /** Which backend `choice` means for this definition (auto: conda if a conda tool is found, else venv). */
  backendFor(def: EnvironmentDefinition, choice: BackendChoice = 'auto', auto?: Backend, offline?: boolean): Backend {
    if (def.python.userManagedDependencies && choice !== 'docker') return 'user-managed';
    if (choice === 'rattler') return 'conda';
    if (choice !== 'auto') return choice;
    const picked = auto ?? this.autoBackend();
    // auto's rattler offline with network channels: venv, unless this file was already built with rattler.
    // The pure channel check goes first: autoPick scans PATH, and lists resolve many definitions at once.
    if (picked !== 'conda') return picked;
    const channels = def.python.condaDependencies?.channels;
    if (rattlerCanBuild(channels, offline ?? readSettings(this.db).offline)) return picked;
    if (this.autoPick().condaTool !== 'rattler') return picked;
    const condaKey = computeBuildKey(this.effectiveDefinition(def, 'conda'), 'conda');
    return this.ready(condaKey) ? picked : 'venv';
  }

  /**
   * What "auto" means on this machine now: conda if a conda tool is found, else venv.
   * It reads the settings and scans PATH, so callers resolving many definitions ask once.
   */
  autoBackend(): Backend {
    return this.autoPick().backend;
  }

  /** auto's pick with its reason: a conda binary, then rattler (once installed here), then venv. */
  autoPick(): AutoPick {
    return resolveAuto(readSettings(this.db).condaPath, path.join(this.paths.root, 'cache', 'tools'));
  }

  keyFor(
    def: EnvironmentDefinition,
    choice: BackendChoice = 'auto',
    auto?: Backend,
    offline?: boolean,
  ): { buildKey: string; backend: Backend } {
    const backend = this.backendFor(def, choice, auto, offline);
    return { buildKey: computeBuildKey(this.effectiveDefinition(def, backend), backend), backend };
  }

  /**
   * What a backend builds: for images, an environment that names Azure's default base image (or
   * none) gets the workspace's default base image when one is set. The key hashes this, so
   * changing the setting never reuses an image built from another base.
   */
  effectiveDefinition(def: EnvironmentDefinition, backend: Backend): EnvironmentDefinition {
    if (backend !== 'docker' || def.docker.baseDockerfile?.trim()) return def;
    const fallback = readSettings(this.db).dockerDefaultBaseImage;
    const named = def.docker.baseImage?.trim() || null;
    if (!fallback || (named !== null && !isAzureDefaultBaseImage(named))) return def;
    return { ...def, docker: { ...def.docker, baseImage: fallback } };
  }

  /** The published build for a key, or null. Cheap: one indexed query and one stat. */
  ready(buildKey: string): ReadyBuild | null {
    return publishedBuild(this.db, this.paths, buildKey);
  }

  info(buildKey: string): BuildInfo | null {
    const row = this.db.prepare('SELECT * FROM builds WHERE build_key = ?').get(buildKey) as BuildRow | undefined;
    if (!row) return null;
    const info = rowToInfo(this.withLiveness(row), this.ready(buildKey) !== null);
    const tool = this.builtWith(buildKey);
    return tool ? { ...info, tool } : info;
  }

  /** The tool recorded in the published build's marker (rattler), if any. */
  private builtWith(buildKey: string): string | null {
    try {
      const marker = JSON.parse(fs.readFileSync(path.join(this.paths.envDir(buildKey), READY_MARKER), 'utf8')) as {
        tool?: unknown;
      };
      return typeof marker.tool === 'string' ? marker.tool : null;
    } catch {
      return null;
    }
  }

  /** A row left "building" by a process that is gone reads as failed: it was interrupted. */
  private withLiveness(row: BuildRow): BuildRow {
    if (row.state !== 'building' || this.inFlight.has(row.build_key)) return row;
    let holder = Number.NaN;
    try {
      holder = Number.parseInt(fs.readFileSync(this.paths.buildLock(row.build_key), 'utf8'), 10);
    } catch {
      // No lock: nobody is building it.
    }
    if (Number.isFinite(holder) && processAlive(holder)) return row;
    return {
      ...row,
      state: 'failed',
      error: 'The build was interrupted (its process stopped); build again to start clean.',
    };
  }

  /** Starts (or joins, or short-circuits to the cache) the build of one environment version. */
  start(
    def: EnvironmentDefinition,
    label: string,
    options: { backend?: BackendChoice; rebuild?: boolean; offline?: boolean },
  ): BuildStart {
    const settings = readSettings(this.db);
    const { buildKey, backend } = this.keyFor(
      def,
      options.backend ?? 'auto',
      undefined,
      options.offline ?? settings.offline,
    );
    const subject = { environment: label, buildKey, backend };
    const title = `Build ${label} (${backend})`;
    const existing = this.ready(buildKey);
    if (existing && !options.rebuild) {
      this.touch(buildKey);
      const job = this.jobs.completedNow(
        'build',
        title,
        subject,
        `cached: ${label} is already built (build key ${buildKey}) ${existing.image ? `as image ${existing.image}` : `at ${existing.prefix}`}`,
      );
      return { job: { ...job.job }, buildKey, backend, cached: true };
    }
    const joined = this.inFlight.get(buildKey);
    if (joined) return joined;

    const choice = options.backend ?? 'auto';
    const auto = choice === 'auto' ? this.autoPick() : null;
    const implementation = this.backendImplementation(backend, settings.installer, settings.condaPath, choice, auto);
    const offline = options.offline ?? settings.offline;
    const rebuild = options.rebuild ?? false;
    const built = this.effectiveDefinition(def, backend);
    const live = this.jobs.start('build', title, subject, async (job) => {
      const release = await acquireBuildLock(this.paths.buildLock(buildKey), job.signal, () =>
        job.output.note('Another Benchtop process is building this environment; waiting to reuse its result...'),
      );
      try {
        const done = this.ready(buildKey);
        if (done && !rebuild) {
          job.output.note(`cached: built meanwhile by another process (build key ${buildKey}) at ${done.prefix}`);
          return;
        }
        if (auto)
          job.output.note(backend === 'venv' && auto.condaTool === 'rattler' ? OFFLINE_RATTLER_NOTE : auto.reason);
        await this.buildNow(built, buildKey, implementation, offline, rebuild, job);
      } finally {
        release();
        this.inFlight.delete(buildKey);
      }
    });
    const started: BuildStart = { job: { ...live.job }, buildKey, backend, cached: false };
    this.inFlight.set(buildKey, started);
    return started;
  }

  private async buildNow(
    def: EnvironmentDefinition,
    buildKey: string,
    backend: BuildBackend,
    offline: boolean,
    rebuild: boolean,
    job: Parameters<Parameters<JobManager['start']>[3]>[0],
  ): Promise<void> {
    const prefix = this.paths.envDir(buildKey);
    const startedAt = nowIso();
    this.db
      .prepare(
        `INSERT INTO builds(build_key, backend, state, path, started_at, finished_at, error) VALUES (?, ?, 'building', ?, ?, NULL, NULL)
         ON CONFLICT(build_key) DO UPDATE SET state = 'building', backend = excluded.backend, path = excluded.path, started_at = excluded.started_at, finished_at = NULL, error = NULL`,
      )
      .run(buildKey, backend.name, prefix, startedAt);
    // Whatever is there is unpublished (a crash, a cancel) or being replaced (--rebuild): start clean.
    fs.rmSync(prefix, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(prefix), { recursive: true });
    const by = backend.toolName ? `${backend.name} (${backend.toolName})` : backend.name;
    job.output.note(`Building ${buildKey} with ${by}${offline ? ' (offline)' : ''} into ${prefix}`);
    try {
      const outcome = await backend.build({
        definition: def,
        prefix,
        offline,
        rebuild,
        wheelsDir: this.paths.wheels,
        job,
      });
      fs.mkdirSync(prefix, { recursive: true });
      writeFileAtomic(
        path.join(prefix, LOCK_FILE),
        `${JSON.stringify({ buildKey, python: outcome.pythonVersion, packages: outcome.lock }, null, 2)}\n`,
      );
      // The size is measured when the cache is listed: walking a large environment here would slow every build.
      const size = outcome.sizeBytes ?? (backend.createsPrefix ? null : 0);
      // The publish point: the marker goes in last, atomically.
      writeFileAtomic(
        path.join(prefix, READY_MARKER),
        JSON.stringify({
          buildKey,
          backend: backend.name,
          pythonPath: outcome.pythonPath,
          image: outcome.image ?? null,
          ...(backend.toolName ? { tool: backend.toolName } : {}),
          finishedAt: nowIso(),
        }),
      );
      this.db
        .prepare(
          "UPDATE builds SET state = 'ready', python_version = ?, lock = ?, size_bytes = ?, finished_at = ?, last_used_at = ? WHERE build_key = ?",
        )
        .run(outcome.pythonVersion, JSON.stringify(outcome.lock), size, nowIso(), nowIso(), buildKey);
      job.output.note(
        `Built: build key ${buildKey}, ${outcome.lock.length} packages locked, ${outcome.image ? `image ${outcome.image}` : `at ${prefix}`}`,
      );
      job.output.note(`Python: ${outcome.pythonPath}`);
    } catch (err) {
      const canceled = job.signal.aborted || (err instanceof BenchtopError && err.code === 'CANCELED');
      this.db
        .prepare('UPDATE builds SET state = ?, finished_at = ?, error = ? WHERE build_key = ?')
        .run(canceled ? 'canceled' : 'failed', nowIso(), (err as Error).message, buildKey);
      fs.rmSync(prefix, { recursive: true, force: true });
      job.output.note(
        canceled
          ? 'Build canceled; nothing was kept, the next build starts clean.'
          : 'Build failed; nothing was kept, the next build starts clean.',
      );
      throw err;
    }
  }

  private backendImplementation(
    backend: Backend,
    installer: 'auto' | 'pip' | 'uv',
    condaPath: string | null,
    choice: BackendChoice = 'auto',
    auto: AutoPick | null = null,
  ): BuildBackend {
    switch (backend) {
      case 'venv':
        return new VenvBackend(installer === 'uv' || (installer === 'auto' && which('uv')) ? 'uv' : 'pip');
      case 'conda': {
        if (condaToolFor(choice, auto ?? this.autoPick()) === 'rattler')
          return new RattlerBackend(
            new ToolEnvironments(this.db, this.paths, this.jobs),
            path.join(this.paths.root, 'cache', 'conda-pkgs'),
          );
        const tool = findCondaTool(condaPath);
        if (!tool) throw noCondaError();
        return new CondaBackend(tool);
      }
      case 'user-managed':
        return new UserManagedBackend();
      case 'docker':
        return new DockerBackend(this.docker);
    }
  }

  touch(buildKey: string): void {
    this.db.prepare('UPDATE builds SET last_used_at = ? WHERE build_key = ?').run(nowIso(), buildKey);
  }

  cacheList(): CacheEntry[] {
    const rows = this.db
      .prepare('SELECT * FROM builds ORDER BY COALESCE(last_used_at, finished_at, started_at) DESC')
      .all() as BuildRow[];
    const users = this.db.prepare('SELECT name, version, build_key FROM environments').all() as {
      name: string;
      version: number;
      build_key: string;
    }[];
    const byKey = new Map<string, string[]>();
    for (const u of users) byKey.set(u.build_key, [...(byKey.get(u.build_key) ?? []), `${u.name}:${u.version}`]);
    if (rows.some((r) => r.backend === 'docker')) {
      // Environments record their default build; which ones an image serves is computed (one hash each).
      const definitions = this.db.prepare('SELECT name, version, definition FROM environments').all() as {
        name: string;
        version: number;
        definition: string;
      }[];
      for (const d of definitions) {
        const key = this.keyFor(JSON.parse(d.definition) as EnvironmentDefinition, 'docker').buildKey;
        byKey.set(key, [...(byKey.get(key) ?? []), `${d.name}:${d.version}`]);
      }
    }
    const measure = this.db.prepare('UPDATE builds SET size_bytes = ? WHERE build_key = ?');
    for (const row of rows) {
      if (row.state === 'ready' && row.size_bytes === null && row.path) {
        row.size_bytes = folderSize(row.path);
        measure.run(row.size_bytes, row.build_key);
      }
    }
    return rows
      .map((stored) => this.withLiveness(stored))
      .map((row) => ({
        buildKey: row.build_key,
        backend: row.backend,
        state: rowToInfo(
          row,
          row.state === 'ready' && fs.existsSync(path.join(this.paths.envDir(row.build_key), READY_MARKER)),
        ).state,
        path: row.path,
        sizeBytes: row.size_bytes,
        lastUsedAt: row.last_used_at,
        finishedAt: row.finished_at,
        environments: byKey.get(row.build_key) ?? [],
      }));
  }

  /**
   * Removes built environments: the given keys, or all but the `keep` most recently used; failed and
   * orphaned folders always. It only ever removes `cache/envs/<build key>` folders (a key is 32 hex
   * digits, so a given "key" cannot name a path elsewhere), each under its build lock, so a build
   * that starts meanwhile waits instead of losing its folder.
   */
  async prune(options: { keep?: number; buildKeys?: string[] }): Promise<{ removed: string[]; freedBytes: number }> {
    const badKey = options.buildKeys?.find((k) => !BUILD_KEY.test(k));
    if (badKey !== undefined)
      throw new BenchtopError(
        'BAD_INPUT',
        `"${badKey}" is not a build key (32 hex digits).`,
        'Pick build keys from `benchtop env cache list`.',
      );
    const entries = this.cacheList();
    const busy = new Set(this.inFlight.keys());
    const ready = entries.filter((e) => e.state === 'ready');
    const doomed = new Set<string>(
      entries.filter((e) => e.state !== 'ready' && e.state !== 'building').map((e) => e.buildKey),
    );
    if (options.buildKeys) options.buildKeys.forEach((k) => doomed.add(k));
    if (options.keep !== undefined) ready.slice(options.keep).forEach((e) => doomed.add(e.buildKey));
    let freed = 0;
    const removed: string[] = [];
    for (const key of doomed) {
      if (busy.has(key)) continue;
      const release = tryAcquireBuildLock(this.paths.buildLock(key));
      if (!release) continue; // being built right now
      try {
        const dir = this.paths.envDir(key);
        const entry = entries.find((e) => e.buildKey === key);
        if (entry?.backend === 'docker') {
          // The image is the build: remove it from the engine too (its size was recorded when it was built).
          freed += entry.sizeBytes ?? 0;
          await this.docker.removeImage(imageTagFor(key));
        } else {
          freed += fs.existsSync(dir) ? folderSize(dir) : 0;
        }
        fs.rmSync(dir, { recursive: true, force: true });
        this.db.prepare('DELETE FROM builds WHERE build_key = ?').run(key);
        removed.push(key);
      } finally {
        release();
      }
    }
    // Folders no build row knows about (a crash before the row was written) and image build contexts a
    // crash left; only these names, which are Benchtop's, and each under its key's lock.
    const known = new Set(this.cacheList().map((e) => e.buildKey));
    for (const name of fs.existsSync(this.paths.envCache) ? fs.readdirSync(this.paths.envCache) : []) {
      const key = LEFTOVER.exec(name)?.[1];
      const context = name !== key;
      if (!key || (!context && known.has(key)) || busy.has(key)) continue;
      const release = tryAcquireBuildLock(this.paths.buildLock(key));
      if (!release) continue;
      try {
        // Re-check under the lock: a build that finished meanwhile has its row now.
        if (!context && this.db.prepare('SELECT 1 FROM builds WHERE build_key = ?').get(key)) continue;
        const dir = path.join(this.paths.envCache, name);
        freed += folderSize(dir);
        fs.rmSync(dir, { recursive: true, force: true });
        removed.push(name);
      } finally {
        release();
      }
    }
    return { removed, freedBytes: freed };
  }
}

function rowToInfo(row: BuildRow, published: boolean): BuildInfo {
  const state = row.state === 'ready' && !published ? 'failed' : (row.state as BuildInfo['state']);
  return {
    buildKey: row.build_key,
    backend: row.backend,
    state,
    path: row.path,
    pythonVersion: row.python_version,
    lock: JSON.parse(row.lock) as LockedPackage[],
    sizeBytes: row.size_bytes,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    lastUsedAt: row.last_used_at,
    error: row.state === 'ready' && !published ? 'The built folder is missing or incomplete; build again.' : row.error,
  };
}
