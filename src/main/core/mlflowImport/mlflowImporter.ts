import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ImportMlflow, type ImportedItem, type MlflowImportSummary } from '../../../shared/api/importTypes';
import { BenchtopError } from '../../../shared/errors';
import { acquireBuildLock } from '../builds/buildLock';
import type { EventBus } from '../events';
import type { JobContext, JobManager } from '../jobs/jobManager';
import type { ModelService } from '../models/modelService';
import type { RunService } from '../runs/runService';
import { RunStore } from '../runs/runStore';
import type { ToolEnvironments, ToolSpec } from '../tools/toolEnvironment';
import { removeAbandoned } from '../workspace/abandoned';
import type { Db } from '../workspace/database';
import type { WorkspacePaths } from '../workspace/paths';
import { type ExportLine, type ExportedVersion, benchtopName } from './exportLines';
import { exportLines } from './exporterProcess';
import { ImportMapping } from './importMapping';
import { resolveStoreSource } from './importSource';
import { importVersion } from './modelImport';
import { IMPORT_MARKER, RunImport } from './runImport';

/** The library that reads MLflow's stores, pinned: the exporter is written against this version. */
export const MLFLOW_TOOL: ToolSpec = {
  name: 'mlflow',
  requirements: ['mlflow-skinny==3.17.2'],
  check: 'import mlflow.tracking, mlflow.store.tracking.file_store',
};

export interface ImporterDeps {
  db: Db;
  paths: WorkspacePaths;
  jobs: JobManager;
  bus: EventBus;
  runs: RunService;
  models: ModelService;
  tools: ToolEnvironments;
}

/**
 * `benchtop import mlflow SOURCE`: experiments, runs and registered model versions of an MLflow
 * store become Benchtop's, idempotently (table mlflow_imports says what came from where, with a
 * fingerprint: unchanged parts are skipped by the exporter, changed runs are brought up to date).
 * The source is checked before anything is built or written; the reading is done by the real
 * mlflow library in a tool environment, streamed as JSON lines.
 */
export class MlflowImporter {
  constructor(private readonly deps: ImporterDeps) {}

  async import(raw: unknown): Promise<MlflowImportSummary> {
    const input = ImportMlflow.parse(raw);
    const source = await resolveStoreSource(input.source);
    const requestId = input.requestId ?? '';
    const tool = await this.deps.tools.ensure(MLFLOW_TOOL, () => undefined, { requestId });
    let summary: MlflowImportSummary | null = null;
    const lockFile = this.deps.paths.buildLock(
      `mlflow-import-${createHash('sha256').update(source.uri).digest('hex').slice(0, 24)}`,
    );
    const job = this.deps.jobs.start(
      'import',
      `Import MLflow store ${source.uri}`,
      { source: source.uri, requestId },
      async (ctx) => {
        // One import of a store at a time (two would both see a run as new and insert it twice).
        const release = await acquireBuildLock(lockFile, ctx.signal, () =>
          ctx.output.note(`Waiting for another import of ${source.uri} to finish...`),
        );
        try {
          summary = await this.run(ctx, source.uri, tool.python, input.experiments ?? [], requestId);
        } finally {
          release();
        }
      },
    );
    const finished = await job.done;
    if (finished.state === 'canceled')
      throw new BenchtopError('CANCELED', 'The import was canceled; what was in is kept, importing again continues.');
    if (finished.state !== 'completed' || !summary)
      throw new BenchtopError(
        (finished.error?.code as BenchtopError['code'] | undefined) ?? 'INTERNAL',
        finished.error?.message ?? 'The import failed.',
        finished.error?.hint,
      );
    return summary;
  }

  private async run(
    ctx: JobContext,
    source: string,
    python: string,
    experiments: string[],
    requestId: string,
  ): Promise<MlflowImportSummary> {
    const { db, paths } = this.deps;
    const store = new RunStore(db);
    const mapping = new ImportMapping(db, source);
    const summary: MlflowImportSummary = {
      source,
      mlflowVersion: '',
      experiments: { new: 0, updated: 0, unchanged: 0 },
      runs: { new: 0, updated: 0, unchanged: 0 },
      modelVersions: { new: 0, updated: 0, unchanged: 0 },
      items: [],
      notes: [],
    };
    const note = (text: string) => {
      summary.notes.push(text);
      ctx.output.note(text);
    };
    const add = (item: ImportedItem, counts: { new: number; updated: number; unchanged: number }) => {
      summary.items.push(item);
      counts[item.state] += 1;
    };
    removeAbandonedStaging(paths.tmp);
    const staging = path.join(paths.tmp, `mlflow-import-${process.pid}-${randomBytes(4).toString('hex')}`);
    fs.mkdirSync(staging, { recursive: true });
    const knownFile = path.join(staging, 'known.json');
    // A run or version imported before but gone here since (deleted) is not "known": it comes in again.
    const stillThere = (kind: 'run' | 'model_version', target: string) =>
      kind === 'run' ? Boolean(store.get(target)) : this.modelExists(target);
    fs.writeFileSync(knownFile, JSON.stringify(mapping.known(stillThere)));
    const existingExperiments = new Set(store.experiments().map((e) => e.name));
    const experimentNames = new Map<string, string>();
    const versions: ExportedVersion[] = [];
    const sourceTag = createHash('sha256').update(source).digest('hex').slice(0, 8);
    let planned = 0;
    let done = 0;
    let current: RunImport | null = null;
    ctx.output.note(`Reading ${source} with the mlflow library...`);
    try {
      const lines = exportLines({
        python,
        uri: source,
        staging,
        knownFile,
        experiments,
        signal: ctx.signal,
        onStderr: (text) => ctx.output.push(text.replace(/\r?\n/g, '\r\n')),
      });
      for await (const line of lines as AsyncGenerator<ExportLine>) {
        switch (line.kind) {
          case 'plan':
            planned = line.runs;
            summary.mlflowVersion = line.mlflow_version;
            ctx.output.note(
              `${line.runs} run(s) and ${line.models} registered model(s) in the store (MLflow ${line.mlflow_version}).`,
            );
            break;
          case 'experiment': {
            if (line.runs === 0) {
              // Benchtop's experiments are the names its runs carry: one without runs has nothing to show.
              ctx.output.note(`Experiment "${line.name}" has no runs: nothing to import from it.`);
              break;
            }
            const name = benchtopName(line.name, `mlflow-${line.id}`);
            experimentNames.set(line.id, name);
            if (name !== line.name)
              note(`Experiment "${line.name}" is named "${name}" here (Benchtop's experiment name rule).`);
            add(
              {
                kind: 'experiment',
                source: line.name,
                target: name,
                state: existingExperiments.has(name) ? 'unchanged' : 'new',
              },
              summary.experiments,
            );
            break;
          }
          case 'run': {
            const experiment = experimentNames.get(line.experiment_id) ?? benchtopName(line.experiment, 'mlflow');
            const mapped = mapping.get('run', line.run_id);
            if (line.unchanged && mapped && store.get(mapped.target)) {
              add({ kind: 'run', source: line.run_id, target: mapped.target, state: 'unchanged' }, summary.runs);
              ctx.setProgress(planned ? ++done / planned : null, `Run ${done} of ${planned}: already there`);
              break;
            }
            const existing = mapped ? store.get(mapped.target) : undefined;
            const id = existing ? existing.id : this.freeRunId(store, line.run_id, sourceTag, source);
            const parent = line.parent_run_id ? (mapping.get('run', line.parent_run_id)?.target ?? null) : null;
            current = new RunImport({ store, paths, mapping, source, staging }, line, id, experiment, parent, existing);
            ctx.setProgress(
              planned ? done / planned : null,
              `Run ${done + 1} of ${planned}: ${line.run_name ?? line.run_id}`,
            );
            break;
          }
          case 'metric':
            current?.metric(line.key, line.value, line.step, line.timestamp);
            break;
          case 'artifact':
            current?.artifact(line.path, line.local);
            break;
          case 'run_end': {
            if (!current) break;
            const state = current.finish(line.fingerprint);
            const id = current.id;
            current = null;
            add({ kind: 'run', source: line.run_id, target: id, state }, summary.runs);
            if (state === 'updated')
              ctx.output.note(`Run ${id}: changed in the store since the last import, brought up to date.`);
            this.deps.bus.emit('run.updated', this.deps.runs.get(id));
            ctx.setProgress(planned ? ++done / planned : null, `Run ${done} of ${planned}: ${state}`);
            break;
          }
          case 'model_version':
            if (line.unchanged) {
              const target = mapping.get('model_version', `${line.name}/${line.version}`)?.target ?? '';
              add(
                { kind: 'model_version', source: `${line.name}/${line.version}`, target, state: 'unchanged' },
                summary.modelVersions,
              );
            } else versions.push(line);
            break;
          case 'done':
            break;
        }
      }
      ctx.setProgress(0.95, `Model versions: ${versions.length} to register`);
      for (const version of versions) {
        const result = await importVersion(
          { db, models: this.deps.models, mapping, source, requestId, staging, note },
          version,
        );
        if (result)
          add(
            {
              kind: 'model_version',
              source: `${version.name}/${version.version}`,
              target: result.target,
              state: result.state,
            },
            summary.modelVersions,
          );
      }
    } finally {
      (current as RunImport | null)?.abort();
      fs.rmSync(staging, { recursive: true, force: true });
    }
    return summary;
  }

  private modelExists(target: string): boolean {
    const at = target.lastIndexOf(':');
    return Boolean(
      this.deps.db
        .prepare('SELECT 1 FROM models WHERE name = ? AND version = ?')
        .get(target.slice(0, at), Number(target.slice(at + 1))),
    );
  }

  /**
   * The MLflow run id itself when it is free (`benchtop run show <mlflow id>` works), else one
   * with the store's tag. A folder under the id without a row is this store's run from an import
   * that was killed before its row went in: replaced (its marker says so); anything else is left.
   */
  private freeRunId(store: RunStore, runId: string, sourceTag: string, source: string): string {
    for (let n = 0; ; n++) {
      const id = n === 0 ? runId : n === 1 ? `${runId}-${sourceTag}` : `${runId}-${sourceTag}-${n}`;
      if (store.get(id)) continue;
      const dir = this.deps.paths.runDir(id);
      if (!fs.existsSync(dir)) return id;
      if (leftoverOf(dir, source, runId)) {
        fs.rmSync(dir, { recursive: true, force: true });
        return id;
      }
    }
  }
}

function leftoverOf(dir: string, source: string, runId: string): boolean {
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(dir, IMPORT_MARKER), 'utf8')) as {
      source?: string;
      runId?: string;
    };
    return marker.source === source && marker.runId === runId;
  } catch {
    return false;
  }
}

/** Staging folders of imports whose process is gone (killed): ours by their name. */
function removeAbandonedStaging(tmp: string): void {
  removeAbandoned(tmp, (entry) => {
    const match = /^mlflow-import-(\d+)-[0-9a-f]+$/.exec(entry);
    return match ? Number(match[1]) : null;
  });
}
