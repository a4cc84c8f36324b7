import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  CreateRun,
  FINAL_STATUSES,
  FinishRun,
  RunQuery as RunQuerySchema,
  type RunQuery,
  type RunResources,
  type RunSummary,
  SubmitRun,
  UpdateRun,
} from '../../../shared/api/runTypes';
import type { RunMetrics } from '../../../shared/api/runEvents';
import { BenchtopError } from '../../../shared/errors';
import { NAME_PATTERN, parseNameVersion } from '../../../shared/environments/names';
import { processAlive } from '../builds/buildLock';
import type { EnvironmentService } from '../environments/environmentService';
import type { EventBus } from '../events';
import type { Viewer } from '../pty/liveOutput';
import type { Db } from '../workspace/database';
import { writeTransaction } from '../workspace/database';
import { nowIso, writeFileAtomic } from '../workspace/files';
import { checkInputArguments } from '../datasets/inputEnvironment';
import { insertRunUses } from '../datasets/lineage';
import { type ResolvedRunInput, inputUses, rerunInputs, resolveRunInputs } from '../datasets/runInputs';
import type { WorkspacePaths } from '../workspace/paths';
import { readSettings } from '../workspace/settings';
import { type RunRow, RunStore, rowToSummary } from './runStore';
import type { BuildService } from '../builds/buildService';
import { finalizeRunFiles } from './finalizeRunFiles';
import { createSnapshot } from './snapshot';
import { appendRunEvents, createSdkRuns, finishSdkRun, initialEvents, SDK_TARGET, updateRun } from './sdkRuns';
import { artifactNames, downloadArtifact, downloadArtifacts } from './runArtifacts';
import { RunStreams } from './runStreams';
import { RunWatcher } from './runWatcher';
import { RunMetricsCache } from './metricsCache';
import { reconcileSupervisedRun, supervisorPid } from './supervisedRuns';
import type { RunSpec } from './supervisorProtocol';
import type { RunDatasetInput } from '../../../shared/api/datasetTypes';
import { ensureQueueOwner } from '../../queue/ensureQueueOwner';
import { checkRequestFits } from '../../queue/submitChecks';
import { askedResources } from '../../queue/queueInputs';
import { dropSubmitEnvironment, writeSubmitEnvironment } from '../../supervisor/runAssignment';
import { watchQueue } from '../../queue/queueWatcher';

/** runs.rerun's input: what to change; everything else is the run's own. */
export interface RerunRequest {
  runId: string;
  arguments?: string[];
  environment?: string;
  experiment?: string;
  target?: 'local' | 'docker';
  inputs?: RunDatasetInput[];
  /** The queue's fields; each left out is what the run asked for (resources: per field). */
  priority?: number;
  resources?: RunResources;
  pool?: boolean;
}

function checkExperimentName(experiment: string): void {
  if (!NAME_PATTERN.test(experiment))
    throw new BenchtopError(
      'INVALID_NAME',
      `"${experiment}" is not a valid experiment name.`,
      'Use letters, digits, ".", "_" or "-", starting with a letter or digit.',
    );
}

/**
 * Runs from the app's side: submit (snapshot + detached supervisor), history,
 * live output through the supervisor's socket, metrics from the events file,
 * and reconciliation of runs whose supervisor died unseen.
 */
export class RunService {
  readonly store: RunStore;
  private stopQueueWatch: (() => void) | null = null;
  private readonly streams: RunStreams;
  private readonly watcher: RunWatcher;
  /** Folded metrics per run, extended from the last offset as the file grows (no full re-read per request). */
  private readonly metricsCache = new RunMetricsCache();

  constructor(
    private readonly db: Db,
    private readonly paths: WorkspacePaths,
    private readonly environments: EnvironmentService,
    private readonly bus: EventBus,
    private readonly builds: BuildService,
  ) {
    this.store = new RunStore(db);
    this.streams = new RunStreams(
      (id) => this.paths.runDir(id),
      (id) => FINAL_STATUSES.has(this.get(id).status),
      (id) => this.log(id),
    );
    this.watcher = new RunWatcher(this.store, paths, bus, (id) => this.reconcile(id));
  }

  /**
   * Records the run as Queued (snapshot, spec, inputs) and makes sure the queue owner is alive: the owner starts its
   * supervisor when its CPU slots, GPUs and limits allow (src/main/queue). Returns at once.
   */
  submit(raw: unknown): RunSummary {
    const input = SubmitRun.parse(raw);
    // A pool run is a container run on whichever engine of the pool has a free slot.
    if (input.pool) input.target = 'docker';
    const resources = input.resources ?? {};
    checkRequestFits(this.db, this.paths.root, resources, Boolean(input.pool));
    const parent = input.parentRunId ? this.get(input.parentRunId) : null;
    const experiment = input.experiment || parent?.experiment || 'Default';
    checkExperimentName(experiment);
    const ref = parseNameVersion(input.environment || 'Benchtop-Minimal');
    const environment = this.environments.get(ref.name, ref.version);
    const sourceDir = path.resolve(input.sourceDirectory);
    const scriptPath = path.resolve(sourceDir, input.script);
    if (!scriptPath.startsWith(sourceDir + path.sep))
      throw new BenchtopError(
        'BAD_INPUT',
        `The script "${input.script}" is outside the source folder.`,
        'Give the script relative to the source folder (-d).',
      );
    if (!fs.existsSync(sourceDir))
      throw new BenchtopError(
        'NOT_FOUND',
        `Source folder not found: ${sourceDir}`,
        'Give the folder that holds your training script with -d.',
      );
    if (!fs.existsSync(scriptPath))
      throw new BenchtopError(
        'NOT_FOUND',
        `Script not found: ${input.script} (in ${sourceDir})`,
        'Give the script relative to the source folder, e.g. -s train.py.',
      );

    const requestedInputs = input.inputs ?? [];
    checkInputArguments(input.arguments, requestedInputs);
    const id = parent
      ? `${parent.id}_${this.store.children(parent.id).length}`
      : `${experiment}_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
    const runDir = this.paths.runDir(id);
    try {
      createSnapshot(
        sourceDir,
        path.join(runDir, 'snapshot'),
        this.snapshotLimits({ maxMb: input.snapshotMaxMb, maxFiles: input.snapshotMaxFiles }),
      );
    } catch (err) {
      fs.rmSync(runDir, { recursive: true, force: true });
      throw err;
    }
    let inputs: ResolvedRunInput[] = [];
    const spec: RunSpec = {
      runId: id,
      experiment,
      script: path.relative(sourceDir, scriptPath).split(path.sep).join('/'),
      arguments: input.arguments,
      environment: { name: environment.name, version: environment.version },
      maxDurationSeconds: input.maxDurationSeconds ?? null,
      target: input.target,
    };
    const row = {
      id,
      experiment,
      status: 'Queued' as const,
      script: spec.script,
      arguments: JSON.stringify(spec.arguments),
      environment: `${environment.name}:${environment.version}`,
      // A container run uses the environment's image: the docker build of the same definition.
      build_key:
        input.target === 'docker'
          ? this.builds.keyFor(environment.definition, 'docker').buildKey
          : environment.buildKey,
      target: input.target,
      source_dir: sourceDir,
      max_duration_s: spec.maxDurationSeconds,
      created_at: nowIso(),
      parent_run_id: parent?.id ?? null,
      display_name: input.displayName ?? null,
      description: input.description ?? null,
      tags: JSON.stringify(input.tags ?? {}),
      properties: JSON.stringify(input.properties ?? {}),
      run_type: 'azureml.scriptrun',
      priority: input.priority ?? 0,
      resources: JSON.stringify(resources),
      pool: input.pool ? 1 : 0,
    };
    try {
      // The inputs' versions are resolved and recorded with the run in one transaction: none can be deleted between.
      writeTransaction(this.db, () => {
        inputs = resolveRunInputs(this.db, requestedInputs, path.join(runDir, 'snapshot'));
        if (inputs.length) spec.inputs = inputs;
        // The run's files are written before the commit makes it Queued: a queue owner that is already up
        // claims a new row within ~20 ms, and its supervisor reads spec.json and submit-env.json at once.
        // Tags and properties given at submit are the first records of the events file, which the
        // supervisor folds (with the script's own) into the run's columns.
        appendRunEvents(runDir, initialEvents(input.tags, input.properties));
        writeFileAtomic(path.join(runDir, 'spec.json'), JSON.stringify(spec, null, 2), false);
        writeSubmitEnvironment(runDir, process.env);
        this.store.insert(row);
        insertRunUses(this.db, inputUses(id, runDir, inputs));
      });
    } catch (err) {
      fs.rmSync(runDir, { recursive: true, force: true });
      throw err;
    }
    ensureQueueOwner(this.paths.root, { nudge: true });
    const summary = this.get(id);
    this.watch(summary);
    for (const name of new Set(inputs.map((i) => i.dataset))) this.bus.emit('datasets.changed', { name });
    return summary;
  }

  /**
   * Submits again from a run's snapshot, with what is given changed. Its dataset inputs keep the versions the run
   * recorded (newer ones registered since are not picked up) unless inputs of the same name are given.
   */
  rerun(request: RerunRequest): RunSummary {
    const run = this.get(request.runId);
    const inputs = rerunInputs(this.recordedInputs(run.id), request.inputs);
    const row = this.store.get(run.id);
    const target = request.target ?? (run.target === 'docker' ? 'docker' : 'local');
    // The queue wishes it was submitted with (not what it was given), unless the re-run changes them.
    const resources = { ...(row ? askedResources(row.resources) : {}), ...request.resources };
    const pool = request.pool ?? (target === 'docker' && row?.pool === 1);
    return this.submit({
      priority: request.priority ?? run.priority,
      ...(Object.keys(resources).length ? { resources } : {}),
      ...(pool ? { pool: true } : {}),
      sourceDirectory: path.join(this.paths.runDir(run.id), 'snapshot'),
      script: run.script,
      arguments: request.arguments ?? run.arguments,
      environment: request.environment ?? run.environment,
      experiment: request.experiment ?? run.experiment,
      target,
      ...(inputs.length ? { inputs } : {}),
    });
  }

  /** A run's inputs as submitted (spec.json); a run without a spec has none. */
  private recordedInputs(id: string): ResolvedRunInput[] {
    try {
      const spec = JSON.parse(fs.readFileSync(path.join(this.paths.runDir(id), 'spec.json'), 'utf8')) as RunSpec;
      return spec.inputs ?? [];
    } catch {
      return [];
    }
  }

  /**
   * The app and `serve` call this at start. Supervisors are started by the queue owner now (which keeps one on
   * standby, so a start costs what it did); here the app starts reporting queue.changed for the jobs panel.
   */
  prewarm(): void {
    this.stopQueueWatch ??= watchQueue(this.db, this.paths.root, this.bus);
  }

  private snapshotLimits(overrides: { maxMb?: number; maxFiles?: number }) {
    const settings = readSettings(this.db);
    return {
      maxBytes: (overrides.maxMb ?? settings.snapshotMaxMb) * 1024 * 1024,
      maxFiles: overrides.maxFiles ?? settings.snapshotMaxFiles,
    };
  }

  get(id: string): RunSummary {
    return rowToSummary(this.row(id));
  }

  /** The run's row, brought up to date (reconciled); NOT_FOUND when there is none. */
  private row(id: string): RunRow {
    this.ensureQueueOwner();
    this.reconcile(id);
    const row = this.store.get(id);
    if (!row) throw new BenchtopError('NOT_FOUND', `No run "${id}".`, 'See `benchtop run list`.');
    return row;
  }

  list(query: RunQuery): { runs: RunSummary[]; total: number } {
    this.ensureQueueOwner();
    for (const row of this.store.unfinished()) this.reconcile(row.id);
    const { rows, total } = this.store.list(RunQuerySchema.parse(query));
    return { runs: rows.map(rowToSummary), total };
  }

  /** A queued run waits for the queue owner: start one if it died (kill -9, a reboot); cheap when it is alive. */
  ensureQueueOwner(): void {
    if (this.store.hasQueued()) ensureQueueOwner(this.paths.root);
  }

  /** A run that is not finished but whose supervisor is gone is marked Failed with the reason; never left Running. */
  reconcile(id: string): void {
    reconcileSupervisedRun({ db: this.db, store: this.store, paths: this.paths, docker: this.builds.docker }, id);
  }

  /** Interactive runs (start_logging) and child runs (child_run, create_children). */
  create(raw: unknown): RunSummary[] {
    const input = CreateRun.parse(raw);
    const parent = input.parentRunId ? this.row(input.parentRunId) : null;
    const experiment = input.experiment || parent?.experiment || 'Default';
    checkExperimentName(experiment);
    const snapshotDir = input.snapshotDirectory ? path.resolve(input.snapshotDirectory) : null;
    const limits = snapshotDir ? this.snapshotLimits({}) : null;
    const ids = createSdkRuns(this.store, this.paths, {
      experiment,
      runId: input.runId,
      parent: parent ?? null,
      displayName: input.displayName,
      description: input.description,
      tags: input.tags,
      properties: input.properties,
      ownerPid: input.ownerPid,
      status: input.status,
      tagKey: input.tagKey,
      tagValues: input.tagValues,
      snapshot:
        snapshotDir && limits
          ? (dir) => {
              createSnapshot(snapshotDir, path.join(dir, 'snapshot'), limits);
              this.store.update(path.basename(dir), { source_dir: snapshotDir });
            }
          : undefined,
    });
    const runs = ids.map((id) => this.get(id));
    for (const run of runs) this.watch(run);
    return runs;
  }

  /** Tags, properties, display name, description; starting a NotStarted run. */
  update(raw: unknown): RunSummary {
    const input = UpdateRun.parse(raw);
    updateRun(this.store, this.paths, this.row(input.runId), input);
    return this.get(input.runId);
  }

  /** Ends a run made from Python. A script's run ends with its script: complete() there is recorded by the script. */
  finish(raw: unknown): RunSummary {
    const input = FinishRun.parse(raw);
    const run = this.get(input.runId);
    if (FINAL_STATUSES.has(run.status)) return run;
    if (run.target !== SDK_TARGET)
      throw new BenchtopError(
        'BAD_INPUT',
        `Run ${run.id} runs a script (${run.script}): it ends when the script ends.`,
        `To stop it: benchtop run cancel ${run.id}`,
      );
    finishSdkRun(
      this.store,
      this.paths,
      this.row(run.id),
      input.status,
      input.error,
      input.outputsDirectory ? path.resolve(input.outputsDirectory) : undefined,
    );
    return this.get(run.id);
  }

  artifacts(id: string): string[] {
    return artifactNames(this.filesOf(id));
  }

  downloadArtifact(id: string, name: string, destination: string): { path: string; size: number } {
    return downloadArtifact(this.filesOf(id), id, name, path.resolve(destination));
  }

  downloadArtifacts(id: string, directory: string, prefix?: string, appendPrefix?: boolean) {
    return downloadArtifacts(this.filesOf(id), id, path.resolve(directory), prefix, appendPrefix);
  }

  /**
   * The run's folder, for reading its files: a finished run whose working copy is still there (its
   * supervisor died before finalizing, or was marked failed by an older Benchtop) has its outputs
   * and logs moved out of it first, so they are never hidden.
   */
  filesOf(id: string): string {
    const run = this.get(id);
    const runDir = this.paths.runDir(id);
    if (FINAL_STATUSES.has(run.status)) finalizeRunFiles(runDir);
    return runDir;
  }

  metrics(id: string): RunMetrics {
    this.get(id);
    return this.metricsCache.get(id, path.join(this.paths.runDir(id), 'events.jsonl'));
  }

  log(id: string): string {
    this.get(id);
    const file = path.join(this.paths.runDir(id), 'output.log');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  cancel(id: string): RunSummary {
    const run = this.get(id);
    if (FINAL_STATUSES.has(run.status)) return run;
    if (run.target === SDK_TARGET) return this.finish({ runId: id, status: 'Canceled' });
    // Still waiting in the queue: canceled in one transaction that the queue's claim cannot also win; it never starts.
    if (this.store.cancelQueued(id, 'Canceled before it started (it was waiting in the queue).', nowIso())) {
      dropSubmitEnvironment(this.paths.runDir(id));
      return this.get(id);
    }
    if (!this.streams.cancel(id)) {
      const pid = supervisorPid(this.store, id);
      if (pid && processAlive(pid)) process.kill(pid, 'SIGTERM');
    }
    return run;
  }

  /** Subscribes a viewer to a run's terminal; returns what it printed so far. */
  async attach(id: string, viewer: Viewer): Promise<{ replay: string; truncated: boolean; live: boolean }> {
    const run = this.get(id);
    return this.streams.attach(id, !FINAL_STATUSES.has(run.status), viewer);
  }

  detach(id: string, viewerId: string): void {
    this.streams.detach(id, viewerId);
  }

  ack(id: string, viewerId: string, chars: number): void {
    this.streams.ack(id, viewerId, chars);
  }

  input(id: string, data: string): void {
    this.streams.input(id, data);
  }

  resize(id: string, cols: number, rows: number): void {
    this.streams.resize(id, cols, rows);
  }

  /** Emits run.updated for runs that change status, and metrics for watched runs, while any run is unfinished. */
  watch(run?: RunSummary): void {
    this.watcher.watch(run);
  }

  /** Streams a run's new metric events (from now on; the caller reads what came before with metrics()). */
  watchMetrics(id: string, on: boolean): void {
    this.watcher.watchMetrics(id, on);
  }

  close(): void {
    this.watcher.close();
    this.stopQueueWatch?.();
    this.streams.close();
  }
}
