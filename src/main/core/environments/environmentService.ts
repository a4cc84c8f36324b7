import type { EnvironmentRecord, EnvironmentSummary, RegisterResult } from '../../../shared/api/types';
import { BenchtopError } from '../../../shared/errors';
import { type EnvironmentDefinition, pythonVersionOf } from '../../../shared/environments/definition';
import { registrationContent } from '../../../shared/environments/canonical';
import { assertNotReserved, assertValidName } from '../../../shared/environments/names';
import { normalizeDefinition } from '../../../shared/environments/parse';
import type { BuildService } from '../builds/buildService';
import type { EventBus } from '../events';
import { type Db, writeTransaction } from '../workspace/database';
import { nowIso } from '../workspace/files';

interface EnvRow {
  name: string;
  version: number;
  definition: string;
  content: string;
  build_key: string;
  backend: string;
  curated: number;
  created_at: string;
}

/** The environment registry: immutable, versioned definitions in SQLite. */
export class EnvironmentService {
  constructor(
    private readonly db: Db,
    private readonly builds: BuildService,
    private readonly bus: EventBus,
  ) {}

  /**
   * Registers a definition as the next version of its name, or returns the
   * latest version when the content is identical. Safe across processes:
   * the read and the insert happen under one write lock.
   */
  register(raw: unknown, options: { curated?: boolean } = {}): RegisterResult {
    const def = normalizeDefinition(raw);
    assertValidName(def.name);
    if (!options.curated) assertNotReserved(def.name);
    const content = registrationContent(def);
    const auto = this.builds.autoBackend();
    const { buildKey, backend } = this.builds.keyFor(def, 'auto', auto);
    const result = writeTransaction(this.db, () => {
      const latest = this.db
        .prepare('SELECT * FROM environments WHERE name = ? ORDER BY version DESC LIMIT 1')
        .get(def.name) as EnvRow | undefined;
      if (latest && latest.curated === 1 && !options.curated) {
        throw new BenchtopError(
          'READ_ONLY',
          `"${def.name}" is a curated environment and is read-only.`,
          'Clone it under a new name to edit it.',
        );
      }
      if (latest && latest.content === content) return { row: latest, created: false };
      const version = (latest?.version ?? 0) + 1;
      const stored: EnvironmentDefinition = { ...def, version: String(version) };
      const row: EnvRow = {
        name: def.name,
        version,
        definition: JSON.stringify(stored),
        content,
        build_key: buildKey,
        backend,
        curated: options.curated ? 1 : 0,
        created_at: nowIso(),
      };
      this.db
        .prepare(
          'INSERT INTO environments(name, version, definition, content, build_key, backend, curated, created_at) VALUES (@name, @version, @definition, @content, @build_key, @backend, @curated, @created_at)',
        )
        .run(row);
      return { row, created: true };
    });
    if (result.created) this.bus.emit('environments.changed', { name: def.name });
    return { environment: this.toRecord(result.row, auto), created: result.created };
  }

  list(options: { curated?: boolean } = {}): EnvironmentSummary[] {
    const rows = this.db
      .prepare(
        `SELECT e.name, e.version, e.build_key, e.curated, e.created_at, e.definition, c.count, b.state AS build_state,
           (SELECT MAX(v.version) FROM environments v JOIN builds vb ON vb.build_key = v.build_key AND vb.state = 'ready'
             WHERE v.name = e.name) AS built_version
         FROM environments e
         JOIN (SELECT name, MAX(version) AS latest, COUNT(*) AS count FROM environments GROUP BY name) c
           ON c.name = e.name AND c.latest = e.version
         LEFT JOIN builds b ON b.build_key = e.build_key
         ${options.curated === undefined ? '' : 'WHERE e.curated = @curated'}
         ORDER BY e.curated DESC, e.name COLLATE NOCASE`,
      )
      .all(options.curated === undefined ? {} : { curated: options.curated ? 1 : 0 }) as (EnvRow & {
      count: number;
      build_state: string | null;
      built_version: number | null;
    })[];
    return rows.map((row) => {
      const def = JSON.parse(row.definition) as EnvironmentDefinition;
      return {
        name: row.name,
        latestVersion: String(row.version),
        versionCount: row.count,
        curated: row.curated === 1,
        buildKey: row.build_key,
        buildState: (row.build_state ?? 'none') as EnvironmentSummary['buildState'],
        builtVersion: row.built_version === null ? null : String(row.built_version),
        pythonVersion: pythonVersionOf(def),
        updatedAt: row.created_at,
      };
    });
  }

  versions(name: string): EnvironmentRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM environments WHERE name = ? ORDER BY version DESC')
      .all(name) as EnvRow[];
    if (rows.length === 0) throw this.notFound(name);
    const auto = this.builds.autoBackend();
    return rows.map((r) => this.toRecord(r, auto));
  }

  get(name: string, version?: string): EnvironmentRecord {
    const row = (
      version
        ? this.db.prepare('SELECT * FROM environments WHERE name = ? AND version = ?').get(name, Number(version))
        : this.db.prepare('SELECT * FROM environments WHERE name = ? ORDER BY version DESC LIMIT 1').get(name)
    ) as EnvRow | undefined;
    if (!row) throw this.notFound(name, version);
    return this.toRecord(row);
  }

  private notFound(name: string, version?: string): BenchtopError {
    const known = (
      this.db.prepare('SELECT DISTINCT name FROM environments ORDER BY name LIMIT 200').all() as { name: string }[]
    ).map((r) => r.name);
    const close = known.filter((k) => k.toLowerCase().includes(name.toLowerCase().slice(0, 4))).slice(0, 5);
    const exists = known.includes(name);
    return new BenchtopError(
      'NOT_FOUND',
      exists ? `Environment "${name}" has no version ${version}.` : `No environment named "${name}".`,
      exists
        ? `See its versions with \`benchtop env show -n ${name}\`.`
        : close.length > 0
          ? `Did you mean ${close.map((c) => `"${c}"`).join(', ')}? \`benchtop env list\` shows all.`
          : 'Register one with `benchtop env register`, or see `benchtop env list`.',
    );
  }

  private toRecord(row: EnvRow, auto = this.builds.autoBackend()): EnvironmentRecord {
    const definition = JSON.parse(row.definition) as EnvironmentDefinition;
    // The key for the backend "auto" picks *now* (conda may have been installed since registration).
    const { buildKey, backend } = this.builds.keyFor(definition, 'auto', auto);
    return {
      name: row.name,
      version: String(row.version),
      buildKey,
      backend,
      curated: row.curated === 1,
      createdAt: row.created_at,
      definition,
      build: this.builds.info(buildKey),
    };
  }
}
