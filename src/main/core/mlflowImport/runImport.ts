import fs from 'node:fs';
import path from 'node:path';
import { decodeValue } from '../../../shared/api/runEvents';
import { BenchtopError } from '../../../shared/errors';
import type { RunRow, RunStore } from '../runs/runStore';
import { metricSummary } from '../runs/sdkRuns';
import type { WorkspacePaths } from '../workspace/paths';
import { type ExportedRun, STATUS_MAP, isoOf } from './exportLines';
import type { ImportMapping } from './importMapping';

/** Imported runs have this target: the UI shows their origin, and no supervisor is looked for. */
export const MLFLOW_TARGET = 'mlflow';
/** Inside an imported run's folder: where it came from (a folder left by a killed import is known as ours by it). */
export const IMPORT_MARKER = 'mlflow-import.json';

const FLUSH_BYTES = 256 * 1024;

export interface RunImportContext {
  store: RunStore;
  paths: WorkspacePaths;
  mapping: ImportMapping;
  /** The store's URI. */
  source: string;
  /** A folder of this import under the workspace's tmp/ (same filesystem as runs/, so renames are atomic). */
  staging: string;
}

/**
 * One run on its way in, from its `run` line to its `run_end`: its events file and artifacts are
 * written into a staging folder as the lines come (nothing is held in memory but a small buffer),
 * and only then made visible. A new run: the folder is renamed into runs/, then its row and its
 * mapping are inserted in one transaction (a folder without a row is invisible; the next import
 * replaces it). A changed run: each artifact and then the events file are renamed over the old
 * ones, then the row and the mapping are updated in one transaction.
 */
export class RunImport {
  private readonly dir: string;
  private readonly events: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  private readonly last = new Map<string, { step: number; value: ReturnType<typeof decodeValue>; t: number }>();
  private readonly artifacts: string[] = [];

  constructor(
    private readonly ctx: RunImportContext,
    private readonly run: ExportedRun,
    readonly id: string,
    private readonly experiment: string,
    private readonly parentId: string | null,
    private readonly existing: RunRow | undefined,
  ) {
    this.dir = path.join(ctx.staging, id);
    fs.rmSync(this.dir, { recursive: true, force: true }); // a staging folder of this same import only
    fs.mkdirSync(path.join(this.dir, 'files', 'uploads'), { recursive: true });
    this.events = fs.openSync(path.join(this.dir, 'events.jsonl'), 'w');
    const t = (run.start_time ?? Date.now()) / 1000;
    if (Object.keys(run.tags).length) this.append({ type: 'tags', tags: run.tags, t });
    this.append({ type: 'properties', properties: this.properties(), t });
    if (Object.keys(run.params).length) this.append({ type: 'params', params: run.params, t });
  }

  private properties(): Record<string, string> {
    return {
      'mlflow.runId': this.run.run_id,
      'mlflow.experimentId': this.run.experiment_id,
      'mlflow.store': this.ctx.source,
    };
  }

  metric(key: string, value: unknown, step: number, timestampMs: number): void {
    const t = timestampMs / 1000;
    this.last.set(key, { step, value: decodeValue(value), t });
    this.append({ type: 'scalar', name: key, value, step, t });
  }

  /** Copies one artifact into the staging folder, where run.upload_file puts a run's files. */
  artifact(name: string, local: string): void {
    const parts = name.split('/');
    if (!name || path.isAbsolute(name) || parts.some((p) => p === '' || p === '.' || p === '..'))
      throw new BenchtopError('BAD_INPUT', `MLflow artifact path "${name}" leaves the run's folder.`, 'Rename it.');
    const target = path.join(this.dir, 'files', 'uploads', ...parts);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(local, target);
    this.artifacts.push(name);
    this.append({ type: 'file', name, t: (this.run.end_time ?? this.run.start_time ?? Date.now()) / 1000 });
  }

  private append(event: Record<string, unknown>): void {
    const line = `${JSON.stringify(event)}\n`;
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.pending.length) fs.writeSync(this.events, this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** All of the run is in: makes it visible (or brings the existing one up to date). */
  finish(fingerprint: string): 'new' | 'updated' {
    this.flush();
    fs.fsyncSync(this.events);
    fs.closeSync(this.events);
    fs.writeFileSync(
      path.join(this.dir, IMPORT_MARKER),
      `${JSON.stringify({ source: this.ctx.source, runId: this.run.run_id, experimentId: this.run.experiment_id })}\n`,
    );
    const runDir = this.ctx.paths.runDir(this.id);
    const { store, mapping } = this.ctx;
    const columns = this.columns();
    if (!this.existing) {
      fs.mkdirSync(path.dirname(runDir), { recursive: true });
      fs.renameSync(this.dir, runDir);
      store.transaction(() => {
        store.insert({
          id: this.id,
          experiment: this.experiment,
          status: columns.status,
          script: this.run.tags['mlflow.source.name'] ?? '',
          arguments: '[]',
          environment: '',
          build_key: null,
          target: MLFLOW_TARGET,
          source_dir: this.run.artifact_uri ?? '',
          max_duration_s: null,
          created_at: columns.started_at ?? new Date().toISOString(),
          started_at: columns.started_at,
          parent_run_id: this.parentId,
          display_name: columns.display_name,
          description: columns.description,
          tags: columns.tags,
          properties: columns.properties,
        });
        store.update(this.id, { ended_at: columns.ended_at, metrics: columns.metrics, params: columns.params });
        mapping.put('run', this.run.run_id, this.id, fingerprint);
      });
      return 'new';
    }
    for (const name of this.artifacts) {
      const target = path.join(runDir, 'files', 'uploads', ...name.split('/'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(path.join(this.dir, 'files', 'uploads', ...name.split('/')), target);
    }
    fs.renameSync(path.join(this.dir, IMPORT_MARKER), path.join(runDir, IMPORT_MARKER));
    fs.renameSync(path.join(this.dir, 'events.jsonl'), path.join(runDir, 'events.jsonl'));
    store.transaction(() => {
      store.update(this.id, { ...columns, parent_run_id: this.parentId });
      mapping.put('run', this.run.run_id, this.id, fingerprint);
    });
    fs.rmSync(this.dir, { recursive: true, force: true });
    return 'updated';
  }

  /** The row's columns, mirroring the events file as a run's always do. */
  private columns() {
    const scalars = Object.fromEntries([...this.last].map(([name, point]) => [name, [point]]));
    const summary = metricSummary({ scalars } as unknown as Parameters<typeof metricSummary>[0]);
    return {
      status: STATUS_MAP[this.run.status] ?? 'Completed',
      started_at: isoOf(this.run.start_time),
      ended_at: isoOf(this.run.end_time),
      display_name: this.run.run_name || null,
      description: this.run.tags['mlflow.note.content'] ?? null,
      tags: JSON.stringify(this.run.tags),
      properties: JSON.stringify(this.properties()),
      metrics: JSON.stringify(summary),
      params: JSON.stringify(this.run.params),
    };
  }

  /** Stops this run's import: its staging folder goes (nothing visible was touched). */
  abort(): void {
    try {
      fs.closeSync(this.events);
    } catch {
      // Already closed by finish().
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
