import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  CreateRun,
  FINAL_STATUSES,
  FinishRun,
  RunQuery as RunQuerySchema,
  type RunQuery,
  type RunSummary,
  SubmitRun,
  UpdateRun,
} from '../../../shared/api/runTypes';
import { applyRunEvents, emptyMetrics, type RunMetrics } from '../../../shared/api/runEvents';
import { BenchtopError } from '../../../shared/errors';
import { MLFLOW_TARGET } from '../mlflowImport/runImport';
import { NAME_PATTERN, parseNameVersion } from '../../../shared/environments/names';
import { processAlive } from '../builds/buildLock';
import type { EnvironmentService } from '../environments/environmentService';
import type { EventBus } from '../events';
import { LiveOutput, type Viewer } from '../pty/liveOutput';
import type { Db } from '../workspace/database';
import { nowIso, writeFileAtomic } from '../workspace/files';
import type { WorkspacePaths } from '../workspace/paths';
import { readSettings } from '../workspace/settings';
import { readRunEvents } from './readRunEvents';
import { type RunRow, RunStore, rowToSummary } from './runStore';
import type { BuildService } from '../builds/buildService';
import { removeRunContainer } from '../docker/containerRun';
import { finalizeRunFiles } from './finalizeRunFiles';
import { createSnapshot } from './snapshot';
import {
  appendRunEvents,
  createSdkRuns,
  finishChildren,
  finishSdkRun,
  initialEvents,
  reconcileSdkRun,
  SDK_TARGET,
  summaryColumns,
  updateRun,
} from './sdkRuns';
import { artifactNames, downloadArtifact, downloadArtifacts } from './runArtifacts';
import { SupervisorConnection } from './supervisorClient';
import type { RunSpec } from './supervisorProtocol';

function checkExperimentName(experiment: string): void {
  if (!NAME_PATTERN.test(experiment))
    throw new BenchtopError(
      'INVALID_NAME',
      `"${experiment}" is not a valid experiment name.`,
      'Use letters, digits, ".", "_" or "-", starting with a letter or digit.',
    );
}

/** How long a new run may go without a supervisor pid before it counts as lost. */
const SUPERVISOR_START_GRACE_MS = 30_000;
const WATCH_INTERVAL_MS = 400;
const REPLAY_FROM_DISK = 1_000_000;

interface Stream {
  output: LiveOutput;
  connection: SupervisorConnection | null;
  viewers: number;
}

/** Where the bundled supervisor is: next to the CLI in dist/main, or found from the repository root in tests. */
function supervisorScript(): string {
  const candidates = [
    process.env.BENCHTOP_SUPERVISOR,
    path.join(__dirname, 'supervisor.js'),
    path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'main', 'supervisor.js'),
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new BenchtopError('INTERNAL', 'The run supervisor is not built.', 'Run `npm run build`.');
  return found;
}

/**
 * Runs from the app's side: submit (snapshot + detached supervisor), history,
 * live output through the supervisor's socket, metrics from the events file,
 * and reconciliation of runs whose supervisor died unseen.
 */
export class RunService {
  readonly store: RunStore;
  private readonly streams = new Map<string, Stream>();
  /** Unfinished runs this process reports on, with the last summary it sent (to send only changes). */
  private readonly known = new Map<string, string>();
  private readonly metricWatchers = new Map<string, { offset: number; count: number }>();
  private readonly liveFolds = new Map<string, { offset: number; metrics: RunMetrics }>();
  private timer: NodeJS.Timeout | null = null;
  private standby: ChildProcess | null = null;

  constructor(
    private readonly db: Db,
    private readonly paths: WorkspacePaths,
    private readonly environments: EnvironmentService,
    private readonly bus: EventBus,
    private readonly builds: BuildService,
  ) {
    this.store = new RunStore(db);
  }

  submit(raw: unknown): RunSummary {
    const input = SubmitRun.parse(raw);
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
    const spec: RunSpec = {
      runId: id,
      experiment,
      script: path.relative(sourceDir, scriptPath).split(path.sep).join('/'),
      arguments: input.arguments,
      environment: { name: environment.name, version: environment.version },
      maxDurationSeconds: input.maxDurationSeconds ?? null,
      target: input.target,
    };
    this.store.insert({
      id,
      experiment,
      status: 'Queued',
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
    });
    // Tags and properties given at submit are the first records of the events file, which the
    // supervisor folds (with the script's own) into the run's columns.
    appendRunEvents(runDir, initialEvents(input.tags, input.properties));
    writeFileAtomic(path.join(runDir, 'spec.json'), JSON.stringify(spec, null, 2), false);
    this.store.update(id, {
      supervisor_pid: this.takeStandby(id) ?? this.startSupervisor([this.paths.root, id]).pid ?? null,
    });
    const summary = this.get(id);
    this.watch(summary);
    return summary;
  }

  /**
   * Starts a supervisor, detached: the run outlives this process (the app, `serve`
   * or the CLI). From Electron, ELECTRON_RUN_AS_NODE makes its binary a plain Node.
   */
  private startSupervisor(args: string[], stdin: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
    const child = spawn(process.execPath, [supervisorScript(), ...args], {
      detached: true,
      stdio: [stdin, 'ignore', 'ignore'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    child.unref();
    (child.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null)?.unref?.();
    return child;
  }

  /**
   * Keeps one supervisor started ahead (Node, SQLite and node-pty loaded), so a
   * submit from the app only hands it a run id. Long-lived processes (the app,
   * `serve`) call this; the CLI, which exits at once, does not. A standby whose
   * parent goes away reads end-of-file and exits.
   */
  prewarm(): void {
    if (this.standby && this.standby.exitCode === null) return;
    const child = this.startSupervisor(['--standby', this.paths.root], 'pipe');
    child.on('exit', () => {
      if (this.standby === child) this.standby = null;
    });
    child.stdin?.on('error', () => undefined);
    this.standby = child;
  }

  private takeStandby(runId: string): number | null {
    const child = this.standby;
    if (!child || child.exitCode !== null || !child.stdin?.writable || !child.pid) return null;
    this.standby = null;
    child.stdin.end(`${runId}\n`);
    // Replace it once this run has had the machine to itself for a moment.
    setTimeout(() => this.prewarm(), 500).unref();
    return child.pid;
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
    this.reconcile(id);
    const row = this.store.get(id);
    if (!row) throw new BenchtopError('NOT_FOUND', `No run "${id}".`, 'See `benchtop run list`.');
    return row;
  }

  list(query: RunQuery): { runs: RunSummary[]; total: number } {
    for (const row of this.store.unfinished()) this.reconcile(row.id);
    const { rows, total } = this.store.list(RunQuerySchema.parse(query));
    return { runs: rows.map(rowToSummary), total };
  }

  /** A run that is not finished but whose supervisor is gone is marked Failed with the reason; never left Running. */
  reconcile(id: string): void {
    const row = this.store.get(id);
    if (!row || FINAL_STATUSES.has(row.status)) return;
    if (row.target === SDK_TARGET) return reconcileSdkRun(this.store, this.paths, row.id);
    // An imported run has no supervisor: its MLflow store owns its status, and importing again brings it up to date.
    if (row.target === MLFLOW_TARGET) return;
    const age = Date.now() - Date.parse(row.created_at);
    const lost = row.supervisor_pid ? !processAlive(row.supervisor_pid) : age > SUPERVISOR_START_GRACE_MS;
    if (!lost) return;
    // Re-read: the supervisor may have finished between the two reads.
    const again = this.store.get(id);
    if (!again || FINAL_STATUSES.has(again.status)) return;
    this.store.update(id, {
      status: 'Failed',
      reason:
        'The run stopped unexpectedly: its Benchtop supervisor process is gone (killed, or the machine restarted). ' +
        'Its outputs and logs so far are kept (`benchtop run download`, the Files tab).',
      ended_at: nowIso(),
    });
    // What the script wrote so far is still in the working copy: keep it as a finished run keeps it.
    // A container, if any, would run on with nobody to collect it: stop it first, so it writes no more.
    // (Best effort here, where any read of the run lands: filesOf does it again and reports a failure.)
    const keep = () => {
      try {
        finalizeRunFiles(this.paths.runDir(id));
      } catch {
        // filesOf retries, with the error.
      }
    };
    if (again.target === 'docker') void removeRunContainer(this.builds.docker, id).then(keep, keep);
    else keep();
    finishChildren(this.store, this.paths, id, 'Failed');
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
    const { events } = readRunEvents(path.join(this.paths.runDir(id), 'events.jsonl'));
    return applyRunEvents(emptyMetrics(), events);
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
    const stream = this.streams.get(id);
    if (stream?.connection) stream.connection.send({ t: 'cancel' });
    else {
      const pid = this.store.get(id)?.supervisor_pid;
      if (pid && processAlive(pid)) process.kill(pid, 'SIGTERM');
    }
    return run;
  }

  /** Subscribes a viewer to a run's terminal; returns what it printed so far. */
  async attach(id: string, viewer: Viewer): Promise<{ replay: string; truncated: boolean; live: boolean }> {
    const run = this.get(id);
    let stream = this.streams.get(id);
    if (!stream && !FINAL_STATUSES.has(run.status)) stream = await this.connect(id);
    if (!stream) {
      const text = this.log(id);
      return { replay: text.slice(-REPLAY_FROM_DISK), truncated: text.length > REPLAY_FROM_DISK, live: false };
    }
    stream.viewers += 1;
    const { replay, truncated } = stream.output.attach(viewer);
    return { replay, truncated, live: true };
  }

  detach(id: string, viewerId: string): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    stream.output.detach(viewerId);
    stream.viewers = Math.max(0, stream.viewers - 1);
  }

  ack(id: string, viewerId: string, chars: number): void {
    this.streams.get(id)?.output.ack(viewerId, chars);
  }

  input(id: string, data: string): void {
    const stream = this.streams.get(id);
    if (!stream?.connection)
      throw new BenchtopError(
        'BAD_INPUT',
        'This run is not running, so it takes no input.',
        'Input goes to a run while it is Running.',
      );
    stream.connection.send({ t: 'input', data });
  }

  resize(id: string, cols: number, rows: number): void {
    this.streams.get(id)?.connection?.send({ t: 'resize', cols, rows });
  }

  private async connect(id: string): Promise<Stream | undefined> {
    const output = new LiveOutput(null);
    const stream: Stream = { output, connection: null, viewers: 0 };
    // The supervisor may still be starting its socket: retry briefly.
    for (let attempt = 0; attempt < 25 && !stream.connection; attempt++) {
      try {
        let first = true;
        stream.connection = await SupervisorConnection.connect(
          this.paths.runDir(id),
          (message) => {
            if (message.t === 'replay' && first) {
              first = false;
              output.push(message.data);
            } else if (message.t === 'output') output.push(message.data);
          },
          () => {
            output.close();
            this.streams.delete(id);
          },
        );
      } catch {
        if (FINAL_STATUSES.has(this.get(id).status)) return undefined;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    if (!stream.connection) return undefined;
    output.setProducer({
      pause: () => stream.connection?.send({ t: 'pause' }),
      resume: () => stream.connection?.send({ t: 'resume' }),
    });
    stream.connection.send({ t: 'attach' });
    // Let the replay arrive before the first viewer reads it.
    await new Promise((r) => setTimeout(r, 50));
    this.streams.set(id, stream);
    return stream;
  }

  /** Emits run.updated for runs that change status, and metrics for watched runs, while any run is unfinished. */
  watch(run?: RunSummary): void {
    if (run) this.known.set(run.id, JSON.stringify(run));
    if (this.timer) return;
    for (const row of this.store.unfinished()) this.known.set(row.id, JSON.stringify(rowToSummary(row)));
    this.timer = setInterval(() => this.tick(), WATCH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Streams a run's new metric events (from now on; the caller reads what came before with metrics()). */
  watchMetrics(id: string, on: boolean): void {
    const file = path.join(this.paths.runDir(id), 'events.jsonl');
    const entry = this.metricWatchers.get(id) ?? { offset: fs.existsSync(file) ? fs.statSync(file).size : 0, count: 0 };
    entry.count += on ? 1 : -1;
    if (entry.count <= 0) this.metricWatchers.delete(id);
    else this.metricWatchers.set(id, entry);
    this.watch();
  }

  private tick(): void {
    // Runs submitted by other processes (the CLI) are picked up too.
    for (const row of this.store.unfinished()) if (!this.known.has(row.id)) this.known.set(row.id, '');
    for (const [id, last] of this.known) {
      this.reconcile(id);
      this.foldLive(id);
      const row = this.store.get(id);
      if (!row) continue;
      const summary = rowToSummary(row);
      const json = JSON.stringify(summary);
      if (json !== last) {
        this.bus.emit('run.updated', summary);
        this.known.set(id, json);
      }
      if (FINAL_STATUSES.has(row.status)) this.known.delete(id);
    }
    for (const [id, entry] of this.metricWatchers) {
      const read = readRunEvents(path.join(this.paths.runDir(id), 'events.jsonl'), entry.offset);
      entry.offset = read.offset;
      if (read.events.length > 0) this.bus.emit('run.metrics', { runId: id, events: read.events });
    }
  }

  /**
   * A run made from Python has no supervisor to fold its events into the list's columns while it
   * is live: the app does it, for the unfinished ones it watches (its end folds the whole file).
   */
  private foldLive(id: string): void {
    const row = this.store.get(id);
    if (!row || row.target !== SDK_TARGET || FINAL_STATUSES.has(row.status)) {
      this.liveFolds.delete(id);
      return;
    }
    const fold = this.liveFolds.get(id) ?? { offset: 0, metrics: emptyMetrics() };
    this.liveFolds.set(id, fold);
    const read = readRunEvents(path.join(this.paths.runDir(id), 'events.jsonl'), fold.offset);
    fold.offset = read.offset;
    if (read.events.length === 0) return;
    applyRunEvents(fold.metrics, read.events);
    this.store.updateUnfinished(id, summaryColumns(fold.metrics));
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.standby?.stdin?.end();
    this.standby = null;
    for (const stream of this.streams.values()) stream.connection?.close();
  }
}
