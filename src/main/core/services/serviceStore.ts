import type { ServiceRecord, ServiceState } from '../../../shared/api/serviceTypes';
import type { Db } from '../workspace/database';
import { nowIso } from '../workspace/files';

interface ServiceRow {
  name: string;
  state: ServiceState;
  port: number;
  entry_script: string | null;
  source_dir: string | null;
  environment: string;
  workers: number;
  timeout_ms: number;
  max_body_mb: number;
  target: 'local' | 'docker';
  pid: number | null;
  deployer_pid: number | null;
  container_id: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export type NewService = Omit<
  ServiceRecord,
  'scoringUri' | 'swaggerUri' | 'createdAt' | 'updatedAt' | 'pid' | 'containerId' | 'error'
>;

/** Service rows and which model versions each serves. */
export class ServiceStore {
  constructor(private readonly db: Db) {}

  get(name: string): ServiceRecord | null {
    const row = this.db.prepare('SELECT * FROM services WHERE name = ?').get(name) as ServiceRow | undefined;
    return row ? this.toRecord(row) : null;
  }

  list(): ServiceRecord[] {
    return (this.db.prepare('SELECT * FROM services ORDER BY name').all() as ServiceRow[]).map((r) => this.toRecord(r));
  }

  /** The row and the deploying process's pid in one statement: a deployer killed at any moment leaves no row without it. */
  insert(service: NewService, deployerPid: number): void {
    const now = nowIso();
    this.db
      .prepare(
        `INSERT INTO services(name, state, port, entry_script, source_dir, environment, workers, timeout_ms, max_body_mb, target, pid, deployer_pid, error, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, ?, ?)`,
      )
      .run(
        service.name,
        service.state,
        service.port,
        service.entryScript,
        service.sourceDirectory,
        service.environment,
        service.workers,
        service.timeoutMs,
        service.maxBodyMb,
        service.target,
        deployerPid,
        now,
        now,
      );
    this.setModels(service.name, service.models);
  }

  setModels(name: string, models: string[]): void {
    this.db.prepare('DELETE FROM service_models WHERE service = ?').run(name);
    const insert = this.db.prepare('INSERT OR IGNORE INTO service_models(service, model, version) VALUES (?, ?, ?)');
    for (const ref of models) {
      const at = ref.lastIndexOf(':');
      insert.run(name, ref.slice(0, at), Number(ref.slice(at + 1)));
    }
  }

  update(
    name: string,
    fields: Partial<{
      state: ServiceState;
      pid: number | null;
      container_id: string | null;
      deployer_pid: number | null;
      error: string | null;
      environment: string;
      workers: number;
      port: number;
    }>,
  ): void {
    const sets = Object.keys(fields).map((k) => `${k} = @${k}`);
    this.db
      .prepare(`UPDATE services SET ${[...sets, 'updated_at = @updatedAt'].join(', ')} WHERE name = @name`)
      .run({ ...fields, name, updatedAt: nowIso() });
  }

  delete(name: string): void {
    this.db.prepare('DELETE FROM services WHERE name = ?').run(name);
  }

  /** The process deploying or updating the service (it may die before the server answers). */
  deployer(name: string): number | null {
    return (
      (
        this.db.prepare('SELECT deployer_pid FROM services WHERE name = ?').get(name) as
          { deployer_pid: number | null } | undefined
      )?.deployer_pid ?? null
    );
  }

  private toRecord(row: ServiceRow): ServiceRecord {
    const models = (
      this.db
        .prepare('SELECT model, version FROM service_models WHERE service = ? ORDER BY model, version')
        .all(row.name) as { model: string; version: number }[]
    ).map((m) => `${m.model}:${m.version}`);
    return {
      name: row.name,
      state: row.state,
      port: row.port,
      scoringUri: `http://localhost:${row.port}/score`,
      swaggerUri: `http://localhost:${row.port}/swagger.json`,
      models,
      entryScript: row.entry_script,
      sourceDirectory: row.source_dir,
      environment: row.environment,
      workers: row.workers,
      timeoutMs: row.timeout_ms,
      maxBodyMb: row.max_body_mb,
      target: row.target,
      pid: row.pid,
      containerId: row.container_id ?? null,
      error: row.error,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}
