import fs from 'node:fs';
import path from 'node:path';
import type { BundlePartRef } from '../../../shared/api/bundleTypes';
import { imageTagFor } from '../../../shared/api/dockerTypes';
import { FINAL_STATUSES } from '../../../shared/api/runStatus';
import type { Wheel } from '../../../shared/api/types';
import { BenchtopError } from '../../../shared/errors';
import { parseNameVersion } from '../../../shared/environments/names';
import { dockerfileFor } from '../builds/dockerBackend';
import { ModelStore } from '../models/modelStore';
import type { RunRow } from '../runs/runStore';
import type { BundleDeps } from './bundleService';
import type { PlannedPart, SourceFile } from './bundleWriter';

/** What an environment part records (the definition is registered as it is; the rest says what it was built as). */
export interface EnvironmentRecordPart {
  definition: unknown;
  lock: { name: string; version: string }[] | null;
  pythonVersion: string | null;
  /** The docker build key and image tag on the exporting side, when its image travels. */
  dockerBuildKey: string | null;
  image: string | null;
  /** Images in the saved archive (the environment's and the bases it was built FROM). */
  images: string[];
  wheels: { file: string; name: string; version: string; sha256: string; entry: string }[];
}

/** PEP 503: names compare lower-case with runs of -, _ and . as one "-". */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * Turns what the user named into parts, adding what they need to be useful elsewhere: a run's child runs and
 * environment, a service's models and environment. Each thing goes in once. Images are spooled by the caller
 * (their size is known only once saved), named in `imageParts`.
 */
export class ExportPlanner {
  readonly parts: PlannedPart[] = [];
  /** Index of an environment part whose image the caller saves: the image tags to put in one archive. */
  readonly imageParts: { index: number; images: string[] }[] = [];
  private readonly seen = new Set<string>();
  private readonly models: ModelStore;

  constructor(
    private readonly deps: BundleDeps,
    private readonly includeImages: boolean,
  ) {
    this.models = new ModelStore(deps.db);
  }

  async add(ref: BundlePartRef): Promise<void> {
    if (ref.kind === 'environment') return this.environment(required(ref.name, 'env'), ref.version, true);
    if (ref.kind === 'model') return this.model(required(ref.name, 'model'), ref.version);
    if (ref.kind === 'run') return this.run(required(ref.runId ?? ref.name, 'run'));
    return this.service(required(ref.name, 'service'));
  }

  private once(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }

  async environment(name: string, version: string | undefined, named: boolean): Promise<void> {
    const env = this.deps.environments.get(name, version);
    if (env.curated) {
      if (named)
        throw new BenchtopError(
          'BAD_INPUT',
          `"${env.name}" is a curated environment: every Benchtop has it, so it is not exported.`,
          'Export your own environments (`benchtop env list` shows them).',
        );
      return;
    }
    if (!this.once(`environment:${env.name}:${env.version}`)) return;
    const index = this.parts.length;
    const dockerKey = this.deps.builds.keyFor(env.definition, 'docker').buildKey;
    const dockerBuild = this.deps.builds.info(dockerKey);
    const built = env.build?.state === 'ready' ? env.build : dockerBuild?.state === 'ready' ? dockerBuild : null;
    const lock = built?.lock ?? null;
    const wheels = this.wheelsFor(env.name, env.version, env.definition.python.condaDependencies, lock);
    const sources: SourceFile[] = wheels.map((w) => ({
      entry: `p${index}/wheels/${w.file}`,
      path: path.join(this.deps.paths.wheels, w.file),
      size: fs.statSync(path.join(this.deps.paths.wheels, w.file)).size,
    }));
    let image: string | null = null;
    let images: string[] = [];
    if (this.includeImages && dockerBuild?.state === 'ready' && this.deps.builds.ready(dockerKey)) {
      image = imageTagFor(dockerKey);
      const effective = this.deps.builds.effectiveDefinition(env.definition, 'docker');
      const bases = dockerfileFor(effective, dockerKey, env.name, false).baseImages;
      images = [image];
      for (const base of bases) if (await this.deps.builds.docker.imageExists(base)) images.push(base);
      this.imageParts.push({ index, images });
    }
    const record: EnvironmentRecordPart = {
      definition: env.definition,
      lock,
      pythonVersion: built?.pythonVersion ?? null,
      dockerBuildKey: image ? dockerKey : null,
      image,
      images,
      wheels: wheels.map((w) => ({ ...w, entry: `p${index}/wheels/${w.file}` })),
    };
    this.parts.push({
      kind: 'environment',
      name: env.name,
      version: env.version,
      runId: '',
      record: record as unknown as Record<string, unknown>,
      sources,
    });
  }

  /**
   * The private wheels this environment installs: lock entries (or `name==version` pins when it was never built)
   * that the workspace's wheels hold. A wheel the workspace lists but whose file is gone is refused, by name.
   */
  private wheelsFor(
    envName: string,
    envVersion: string,
    conda: unknown,
    lock: { name: string; version: string }[] | null,
  ): Pick<Wheel, 'file' | 'name' | 'version' | 'sha256'>[] {
    const wanted = new Set((lock ?? pinnedPip(conda)).map((p) => `${normalizeName(p.name)}==${p.version}`));
    const chosen = this.deps.wheels.list().filter((w) => wanted.has(`${normalizeName(w.name)}==${w.version}`));
    for (const wheel of chosen)
      if (!fs.existsSync(path.join(this.deps.paths.wheels, wheel.file)))
        throw new BenchtopError(
          'NOT_FOUND',
          `Environment ${envName}:${envVersion} needs the private wheel ${wheel.file}, which this workspace lists but no longer has.`,
          `Add it again (\`benchtop wheel add ${wheel.file}\`), then export again.`,
        );
    return chosen.map(({ file, name, version, sha256 }) => ({ file, name, version, sha256 }));
  }

  async model(name: string, version: string | undefined): Promise<void> {
    const record = this.models.get(name, version === undefined ? undefined : Number(version));
    if (!record)
      throw new BenchtopError(
        'NOT_FOUND',
        `No model ${name}${version ? `:${version}` : ''}.`,
        'See the registered models with `benchtop model list`.',
      );
    if (!this.once(`model:${record.name}:${record.version}`)) return;
    const index = this.parts.length;
    const files = this.models.files(record.name, record.version);
    const blobs = this.deps.models.blobs;
    this.parts.push({
      kind: 'model',
      name: record.name,
      version: String(record.version),
      runId: '',
      record: { model: { ...record, id: undefined }, files: files.map((f, i) => ({ ...f, entry: entryOf(index, i) })) },
      sources: files.map((f, i) => ({ entry: entryOf(index, i), path: blobs.blobPath(f.digest), size: f.size })),
    });
  }

  async run(runId: string): Promise<void> {
    const row = this.deps.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
    if (!row) throw new BenchtopError('NOT_FOUND', `No run "${runId}".`, 'See the runs with `benchtop run list`.');
    if (!this.once(`run:${row.id}`)) return;
    if (!FINAL_STATUSES.has(row.status))
      throw new BenchtopError(
        'IN_USE',
        `Run ${row.id} is ${row.status}: only finished runs are exported (its files are still changing).`,
        `Wait for it (\`benchtop run show ${row.id}\`) or cancel it, then export again.`,
      );
    // The parent first, so an import inserts it before the children that name it.
    const index = this.parts.length;
    const dir = this.deps.paths.runDir(row.id);
    const files = listFiles(dir);
    this.parts.push({
      kind: 'run',
      name: row.experiment,
      version: '',
      runId: row.id,
      record: { row: { ...row, supervisor_pid: null, child_count: undefined, parent_target: undefined }, files },
      sources: files.map((rel, i) => ({
        entry: `p${index}/files/${i}`,
        path: path.join(dir, rel),
        size: fs.statSync(path.join(dir, rel)).size,
      })),
    });
    if (row.environment) {
      const ref = parseNameVersion(row.environment);
      await this.environment(ref.name, ref.version, false).catch((err: unknown) => {
        // A run whose environment was since removed still exports (its record names it).
        if (!(err instanceof BenchtopError && err.code === 'NOT_FOUND')) throw err;
      });
    }
    const children = this.deps.db
      .prepare('SELECT id FROM runs WHERE parent_run_id = ? ORDER BY created_at')
      .all(row.id) as {
      id: string;
    }[];
    for (const child of children) await this.run(child.id);
  }

  async service(name: string): Promise<void> {
    const service = this.deps.services.get(name);
    if (!this.once(`service:${service.name}`)) return;
    const index = this.parts.length;
    const source = service.sourceDirectory && fs.existsSync(service.sourceDirectory) ? service.sourceDirectory : null;
    const files = source ? listFiles(source) : [];
    this.parts.push({
      kind: 'service',
      name: service.name,
      version: '',
      runId: '',
      record: { service, files },
      sources: files.map((rel, i) => ({
        entry: `p${index}/source/${i}`,
        path: path.join(source as string, rel),
        size: fs.statSync(path.join(source as string, rel)).size,
      })),
    });
    for (const model of service.models) {
      const ref = parseNameVersion(model);
      await this.model(ref.name, ref.version);
    }
    const env = parseNameVersion(service.environment);
    await this.environment(env.name, env.version, false);
  }
}

/** Entries are numbered, not named after the file: any name the source allows travels, and none can escape. */
function entryOf(index: number, fileIndex: number): string {
  return `p${index}/files/${fileIndex}`;
}

function required(value: string | undefined, kind: string): string {
  if (value) return value;
  throw new BenchtopError('BAD_INPUT', `A ${kind} part needs a name.`, `Write \`${kind} NAME[:VERSION]\`.`);
}

/** `name==version` pins of the pip list (a never-built environment's wheels are found by these). */
function pinnedPip(conda: unknown): { name: string; version: string }[] {
  const deps = (conda as { dependencies?: unknown[] } | null)?.dependencies ?? [];
  const pip = deps.find((d): d is { pip: string[] } => typeof d === 'object' && d !== null && 'pip' in d);
  return (pip?.pip ?? []).flatMap((spec) => {
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;]+)$/.exec(spec.trim());
    return match ? [{ name: match[1] as string, version: match[2] as string }] : [];
  });
}

/** Regular files under a folder, as relative POSIX paths (links are left out: they may point anywhere). */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) out.push(child);
    }
  };
  if (fs.existsSync(root)) walk('');
  return out.sort();
}
