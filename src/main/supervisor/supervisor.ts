import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { RunStatus } from '../../shared/api/runTypes';
import { applyRunEvents, emptyMetrics } from '../../shared/api/runEvents';
import type { Core } from '../core/core';
import { publishedBuild, type ReadyBuild } from '../core/builds/publishedBuild';
import { LiveOutput } from '../core/pty/liveOutput';
import { spawnInPtyDetailed } from '../core/pty/spawnInPty';
import { finalizeRunFiles } from '../core/runs/finalizeRunFiles';
import { readRunEvents } from '../core/runs/readRunEvents';
import { RunStore } from '../core/runs/runStore';
import { finishChildren, metricSummary, summaryColumns } from '../core/runs/sdkRuns';
import {
  type FromSupervisor,
  type RunSpec,
  type ToSupervisor,
  lineReader,
  supervisorSocketPath,
} from '../core/runs/supervisorProtocol';
import { type Db, openDatabase } from '../core/workspace/database';
import { nowIso, writeFileAtomic } from '../core/workspace/files';
import { WorkspacePaths } from '../core/workspace/paths';
import { cliScript, runtimeDir } from '../core/python/runtimeDir';
import { ensureBuilt } from '../core/builds/ensureBuilt';
import { stripAnsi } from '../../shared/ansi';
import { HostCliBridge } from './hostCliBridge';
import { MLFLOW_VARIABLES, listenInRunFolder } from './runMlflowSocket';
import { inputVariables, substituteInputArguments } from '../core/datasets/inputEnvironment';
import { type PreparedInputs, prepareRunInputs } from './runInputsSetup';
import { withReadOnlyBinds } from './readOnlyNamespace';
import type { RunTracking } from '../core/mlflow/runTracking';
import { liveOwnerPid, nudgeOwner } from '../queue/ownerLock';
import { precompileRuntime } from './runtimeBytecode';
import { adoptSubmitEnvironment, gpuEnvironment, readAssignment, type RunAssignment } from './runAssignment';
import { SystemMetricsSampler, isSystemMetric } from './systemMetrics';
import { systemMetricsInterval } from './systemMetricsSettings';

/**
 * BENCHTOP_TRACE=1 prints when each launch phase is reached, in ms since the process started (for the launch
 * benchmark). BENCHTOP_TRACE=/a/file appends the same lines there with the wall clock and pid, for supervisors the
 * queue owner starts (their stderr goes nowhere).
 */
const traceTo = process.env.BENCHTOP_TRACE;
const trace = !traceTo
  ? () => undefined
  : traceTo.startsWith('/')
    ? (what: string) =>
        fs.appendFileSync(traceTo, `${Date.now()} ${process.pid} ${Math.round(performance.now())} ms ${what}\n`)
    : (what: string) => process.stderr.write(`trace ${Math.round(performance.now())} ms ${what}\n`);

/**
 * Owns one run from Preparing to its final status, detached from the app:
 * closing or killing the app (or `benchtop serve`) does not stop it. Viewers
 * attach over a local socket for live output, input, resize and cancel.
 *
 * Launch speed matters (a no-op run should cost little over plain python):
 * with the environment already built, only SQLite, node-pty and this file's
 * own modules load; the full core (zod, builders) loads only to build.
 */
class Supervisor {
  private readonly output: LiveOutput;
  private readonly store: RunStore;
  private readonly runDir: string;
  private readonly controller = new AbortController();
  private readonly clients = new Set<net.Socket>();
  private readonly paused = new Set<net.Socket>();
  /** The script's terminal: a pty, or a container's attached stream. */
  private child: {
    write(data: string): void;
    resize(cols: number, rows: number): void;
    pause(): void;
    resume(): void;
  } | null = null;
  private cancelReason: string | null = null;
  private eventsOffset = 0;
  private readonly metrics = emptyMetrics();
  private server: net.Server | null = null;
  private core: Core | null = null;
  /** The run's MLflow endpoint while the script runs (process target). */
  private tracking: RunTracking | null = null;
  /** What the run's inputs set in the script's environment (passed into a container with the run's own). */
  private inputVariables: Record<string, string> = {};
  /** The Python a process run started (its runtime bytecode is written after the run, see runtimeBytecode.ts). */
  private pythonUsed: string | null = null;
  /** GPUs and engine the queue gave this run. */
  private readonly assignment: RunAssignment;
  /** CPU, memory and GPU use of the script, sampled into its metrics as system/... while it runs. */
  private readonly systemMetrics: SystemMetricsSampler;

  constructor(
    private readonly db: Db,
    private readonly paths: WorkspacePaths,
    private readonly spec: RunSpec,
  ) {
    this.runDir = paths.runDir(spec.runId);
    this.store = new RunStore(db);
    this.assignment = readAssignment(db, spec.runId);
    this.systemMetrics = new SystemMetricsSampler(
      path.join(this.runDir, 'events.jsonl'),
      systemMetricsInterval(db),
      this.assignment.gpus,
    );
    this.output = new LiveOutput(path.join(this.runDir, 'output.log'));
    this.output.attach({ id: 'clients', acknowledges: false, write: (data) => this.broadcast({ t: 'output', data }) });
  }

  async run(): Promise<void> {
    await this.listen();
    process.on('SIGTERM', () => this.cancel('Canceled (the supervisor was asked to stop).'));
    process.on('SIGINT', () => this.cancel('Canceled.'));
    this.store.update(this.spec.runId, { supervisor_pid: process.pid });
    let status: RunStatus = 'Failed';
    let reason: string | null = null;
    let exitCode: number | null = null;
    trace('listening');
    try {
      const built = await this.prepare();
      trace('prepared');
      if (this.controller.signal.aborted) throw new Error('canceled');
      const exit = await this.execute(built);
      exitCode = exit.signal ? 128 + exit.signal : exit.exitCode;
      const killedForMemory = exit.oomKilled && !this.cancelReason;
      trace('script exited');
      this.setStatus('Finalizing');
      trace('finalizing');
      this.finalizeFiles();
      trace('files finalized');
      this.collectMetrics();
      if (this.cancelReason) {
        status = 'Canceled';
        reason = this.cancelReason;
      } else if (killedForMemory) {
        status = 'Failed';
        reason = `The container was killed for running out of memory${exit.memoryLimit ? ` (limit ${Math.round(exit.memoryLimit / 1024 / 1024)} MiB)` : ''}. Give it more with --memory in the environment's docker arguments, or use less.`;
      } else if (exitCode === 0 && this.metrics.status?.status !== 'Failed') {
        status = 'Completed';
      } else {
        status = 'Failed';
        reason =
          exitCode !== 0
            ? `The script exited with code ${exitCode}.${this.lastLines()}`
            : `The script marked the run failed: ${this.metrics.status?.error ?? 'no details'}`;
      }
    } catch (err) {
      status = this.cancelReason ? 'Canceled' : 'Failed';
      // The fix travels with the reason (a missing base image says how to add one).
      const hint = (err as { hint?: string }).hint;
      reason = this.cancelReason ?? `${(err as Error).message}${hint ? `\nhint: ${hint}` : ''}`;
      this.finalizeFiles();
    }
    this.collectMetrics();
    // Runs the script made through MLflow and left open end with this one; then the endpoint stops.
    await this.tracking?.close(status).catch((err: Error) => this.output.note(`MLflow endpoint: ${err.message}`));
    this.output.note(
      status === 'Completed'
        ? `Run ${this.spec.runId} completed.`
        : `Run ${this.spec.runId} ${status.toLowerCase()}: ${reason ?? ''}`,
    );
    this.output.close();
    this.store.update(this.spec.runId, {
      status,
      reason,
      exit_code: exitCode,
      ended_at: nowIso(),
      ...this.summaryColumns(),
    });
    // Child runs the script made (run.child_run) and left open end with it.
    finishChildren(this.store, this.paths, this.spec.runId, status);
    trace('final status written');
    // The slot is free: the queue owner starts the next run now rather than at its next poll.
    const owner = liveOwnerPid(this.paths.root);
    if (owner) nudgeOwner(owner);
    this.broadcast({ t: 'end', status });
    for (const client of this.clients) client.end();
    if (this.pythonUsed) await precompileRuntime(this.pythonUsed, runtimeDir());
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.core?.close();
  }

  /** Preparing: use the published build, or build the environment; the build's log is part of the run's log. */
  private async prepare(): Promise<ReadyBuild> {
    this.setStatus('Preparing');
    const { name, version } = this.spec.environment;
    const docker = this.spec.target === 'docker';
    if (docker && this.assignment.engine) return this.prepareOnPoolEngine();
    const buildKey = this.store.get(this.spec.runId)?.build_key;
    const ready = buildKey ? publishedBuild(this.db, this.paths, buildKey) : null;
    // An image removed from the engine behind Benchtop's back is built again.
    const imageGone = docker && ready?.image ? !(await (await this.dockerEngine()).imageExists(ready.image)) : false;
    if (ready && !imageGone) {
      this.db.prepare('UPDATE builds SET last_used_at = ? WHERE build_key = ?').run(nowIso(), ready.buildKey);
      this.output.note(
        `cached: ${name}:${version} is already built (build key ${ready.buildKey}${ready.image ? `, image ${ready.image}` : ''})`,
      );
      return ready;
    }
    if (imageGone) this.output.note(`The image ${ready?.image} is not on the engine any more: building it again.`);
    const { openCore } = await import('../core/core');
    const core = openCore(this.paths.root);
    this.core = core;
    const record = core.environments.get(name, version);
    const backend = docker ? 'docker' : 'auto';
    this.store.update(this.spec.runId, { build_key: core.builds.keyFor(record.definition, backend).buildKey });
    return ensureBuilt(core.builds, core.jobs, record, (data) => this.output.push(data), {
      signal: this.controller.signal,
      backend,
      rebuild: imageGone,
    });
  }

  /** A pool run: the image goes to the engine the queue chose (loaded from another engine, or built there). */
  private async prepareOnPoolEngine(): Promise<ReadyBuild> {
    const { prepareOnPoolEngine } = await import('./poolPrepare');
    const { openCore } = await import('../core/core');
    const engine = await this.dockerEngine();
    this.output.note(`Docker pool: this run goes to the engine at ${engine.address().url}.`);
    return prepareOnPoolEngine({
      db: this.db,
      paths: this.paths,
      environment: this.spec.environment,
      engine,
      buildKey: this.store.get(this.spec.runId)?.build_key ?? null,
      note: (line) => this.output.note(line),
      write: (data) => this.output.push(data),
      signal: this.controller.signal,
      openCore: () => (this.core ??= openCore(this.paths.root)),
      recordBuildKey: (buildKey) => this.store.update(this.spec.runId, { build_key: buildKey }),
    });
  }

  private async dockerEngine() {
    const { DockerEngine } = await import('../core/docker/dockerEngine');
    return new DockerEngine(this.db, this.assignment.engine);
  }

  private async execute(
    built: ReadyBuild,
  ): Promise<{ exitCode: number; signal?: number; oomKilled?: boolean; memoryLimit?: number | null }> {
    const python = built.pythonPath;
    const work = path.join(this.runDir, 'work');
    fs.cpSync(path.join(this.runDir, 'snapshot'), work, { recursive: true });
    fs.mkdirSync(path.join(work, 'outputs'), { recursive: true });
    fs.mkdirSync(path.join(work, 'logs'), { recursive: true });
    trace('working copy made');
    const variables = this.environmentVariables();
    const runtime = runtimeDir();
    const mlflow = this.spec.target === 'docker' ? {} : await this.startTracking(variables);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...variables,
      ...mlflow,
      ...gpuEnvironment(this.assignment),
      BENCHTOP_RUN_ID: this.spec.runId,
      AZUREML_RUN_ID: this.spec.runId,
      AZUREML_ARM_PROJECT_NAME: this.spec.experiment,
      BENCHTOP_RUN_EVENTS: path.join(this.runDir, 'events.jsonl'),
      BENCHTOP_RUN_FILES: path.join(this.runDir, 'files'),
      BENCHTOP_WORKSPACE: this.paths.root,
      BENCHTOP_NODE: process.execPath,
      BENCHTOP_CLI: cliScript() ?? '',
      PYTHONPATH: [runtime, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
      PATH: [path.dirname(python), process.env.PATH].filter(Boolean).join(path.delimiter),
    };
    delete env.ELECTRON_RUN_AS_NODE;
    const inputs = await this.placeInputs(env);
    const args = substituteInputArguments(this.spec.arguments, this.runDir, this.spec.inputs ?? [], (p) => p);
    this.setStatus('Running', { started_at: nowIso() });
    trace('spawning');
    this.output.note(`$ python ${[this.spec.script, ...args].map((a) => JSON.stringify(a)).join(' ')}`);
    const timer = this.spec.maxDurationSeconds
      ? longTimeout(
          () => this.cancel(`Canceled: the run exceeded its maximum duration of ${this.spec.maxDurationSeconds} s.`),
          this.spec.maxDurationSeconds * 1000,
        )
      : null;
    const metricsTimer = setInterval(() => this.collectMetrics(true), 1000);
    try {
      if (this.spec.target === 'docker') return await this.executeInContainer(built, env, variables, inputs);
      this.pythonUsed = python;
      const command = inputs?.namespaceBinds
        ? withReadOnlyBinds(python, [this.spec.script, ...args], inputs.namespaceBinds)
        : { file: python, args: [this.spec.script, ...args] };
      return await spawnInPtyDetailed(
        {
          ...command,
          cwd: work,
          env,
          reapGroup: true,
          onStart: (child) => {
            this.child = child;
            this.systemMetrics.start({ kind: 'process', pid: child.pid });
          },
        },
        this.output,
        this.controller.signal,
      ).catch((err: Error) => {
        if (this.cancelReason) return { exitCode: 130, signal: undefined };
        throw err;
      });
    } finally {
      timer?.clear();
      clearInterval(metricsTimer);
      this.systemMetrics.stop();
      this.child = null;
    }
  }

  /**
   * Dataset inputs, before the script starts: mounts and downloads placed for where it runs, and the variables
   * that tell the script where they are (BENCHTOP_INPUT_DATASETS, Azure's AZUREML_DATAREFERENCE_<NAME>, <NAME>).
   */
  private async placeInputs(env: NodeJS.ProcessEnv): Promise<PreparedInputs | null> {
    const inputs = this.spec.inputs ?? [];
    if (inputs.length === 0) return null;
    const docker = this.spec.target === 'docker';
    const local = docker ? (await this.dockerEngine()).address().local : true;
    const prepared = await prepareRunInputs({
      db: this.db,
      paths: this.paths,
      runDir: this.runDir,
      inputs,
      target: !docker ? 'process' : local ? 'local-container' : 'remote-container',
      signal: this.controller.signal,
      note: (line) => this.output.note(line),
    });
    const {
      env: variables,
      skipped,
      fileLists,
    } = inputVariables(
      this.runDir,
      inputs,
      (p) => p,
      (name) => name in env || name.startsWith('BENCHTOP_') || name.startsWith('AZUREML_'),
    );
    if (skipped.length)
      this.output.note(
        `Input ${skipped.join(', ')}: a variable of that name is already set, so it is not replaced; read the path from AZUREML_DATAREFERENCE_<NAME> or run.input_datasets.`,
      );
    for (const list of fileLists) writeFileAtomic(list.path, JSON.stringify(list.files), false);
    Object.assign(env, variables);
    this.inputVariables = variables;
    return prepared;
  }

  /**
   * The run's MLflow endpoint (loaded only now: launch speed) and the variables that point the MLflow client at
   * it. An environment that names its own MLFLOW_TRACKING_URI keeps it: the script logs where its author said.
   */
  private async startTracking(variables: Record<string, string>): Promise<Record<string, string>> {
    if (variables.MLFLOW_TRACKING_URI) {
      this.output.note(
        `MLflow: the environment sets MLFLOW_TRACKING_URI=${variables.MLFLOW_TRACKING_URI}; MLflow calls go there, not to this run.`,
      );
      return {};
    }
    const { startRunTracking } = await import('../core/mlflow/runTracking');
    this.tracking = await startRunTracking(this.db, this.paths, this.spec.runId, this.spec.experiment, (line) =>
      this.output.note(`MLflow endpoint: ${line}`),
    );
    trace('mlflow endpoint listening');
    return this.tracking.env;
  }

  /**
   * MLflow in a container: the container cannot reach the host's 127.0.0.1, so the run's endpoint also listens
   * on a Unix socket in the run's folder, and sitecustomize.py in the container forwards a 127.0.0.1 port of its
   * own to it (BENCHTOP_MLFLOW_SOCKET). Only a local engine shares the run's folder.
   */
  private async containerTracking(local: boolean, variables: Record<string, string>): Promise<Record<string, string>> {
    if (!local && !variables.MLFLOW_TRACKING_URI) {
      this.output.note(
        'MLflow: tracking is not available in a container on a remote Docker engine: the script reaches the ' +
          "run's MLflow endpoint through a socket in the run's folder, which only a local engine shares. MLflow " +
          'calls there write to ./mlruns in the container (only ./outputs comes back); log with run.log(...) ' +
          '(Run.get_context()), or run on the local engine.',
      );
      return {};
    }
    const env = await this.startTracking(variables);
    const tracking = this.tracking;
    if (!tracking) return env;
    const socket = await listenInRunFolder(this.runDir, (name) => tracking.listenOnSocket(name));
    return { ...Object.fromEntries(MLFLOW_VARIABLES.map((k) => [k, env[k] ?? ''])), BENCHTOP_MLFLOW_SOCKET: socket };
  }

  /** The script in a container from the environment's image, its terminal attached like the pty's. */
  private async executeInContainer(
    built: ReadyBuild,
    env: NodeJS.ProcessEnv,
    variables: Record<string, string>,
    inputs: PreparedInputs | null,
  ) {
    const { runInContainer, REMOTE_RUN_DIR } = await import('../core/docker/containerRun');
    const { remapPath } = await import('../core/docker/dockerArguments');
    const keys = [
      ...Object.keys(variables),
      ...Object.keys(this.inputVariables),
      'BENCHTOP_RUN_ID',
      'AZUREML_RUN_ID',
      'AZUREML_ARM_PROJECT_NAME',
      'BENCHTOP_RUN_EVENTS',
      'BENCHTOP_RUN_FILES',
    ];
    const passed: Record<string, string> = Object.fromEntries(keys.map((k) => [k, env[k] ?? '']));
    const engine = await this.dockerEngine();
    // The CLI (model registry) is reached through files in the run's folder, which only a local engine shares.
    const bridge = engine.address().local
      ? new HostCliBridge(path.join(this.runDir, 'host-cli'), this.paths.root, cliScript(), {
          runDir: this.runDir,
          runId: this.spec.runId,
        })
      : null;
    if (bridge) {
      passed.BENCHTOP_HOST_CLI_DIR = bridge.dir;
      // The workspace's folder by name only (it is not bound): run.experiment.workspace is then a Workspace whose
      // calls go through the bridge (ws.get_default_datastore(), Dataset.get_by_name(ws, ...)), not None.
      passed.BENCHTOP_HOST_WORKSPACE = this.paths.root;
      bridge.start();
    } else {
      passed.BENCHTOP_HOST_CLI = 'remote';
    }
    Object.assign(passed, await this.containerTracking(engine.address().local, variables));
    // The store is bound read-only into every container on a local engine: a script that reads a dataset through
    // the API (Dataset.get_by_name(...).to_pandas_dataframe()) reads its blobs where they are.
    const blobs = path.join(this.paths.models, 'blobs');
    fs.mkdirSync(blobs, { recursive: true });
    // The SDK finds them there (the container has no BENCHTOP_WORKSPACE to derive the path from).
    passed.BENCHTOP_BLOBS = blobs;
    // The datastores (folders of the workspace) likewise, read-only at their own paths: a script's
    // Dataset.File.from_files((ws.get_default_datastore(), "path")) and datastore.download() read them there.
    const datastores = path.join(this.paths.root, 'datastores');
    fs.mkdirSync(datastores, { recursive: true });
    const local = engine.address().local;
    const args = substituteInputArguments(this.spec.arguments, this.runDir, this.spec.inputs ?? [], (p) =>
      local ? p : remapPath(p, this.runDir, REMOTE_RUN_DIR),
    );
    // The queue's GPU indices are this machine's: a pool run's engine has its own, which the queue does not count.
    const gpus = this.assignment.engine ? null : this.assignment.gpus;
    const { gpuOverrideNote } = await import('../core/docker/gpuRequests');
    const override = gpuOverrideNote(this.dockerSection().arguments, gpus);
    if (override) this.output.note(override);
    const exit = await runInContainer(
      engine,
      {
        image: built.image as string,
        python: built.pythonPath,
        script: this.spec.script,
        args,
        runId: this.spec.runId,
        workspace: this.paths.root,
        runDir: this.runDir,
        runtimeDir: runtimeDir(),
        env: passed,
        docker: this.dockerSection(),
        size: { cols: 120, rows: 30 },
        readOnlyPaths: [blobs, ...(local ? [datastores] : []), ...(inputs?.mounts ?? [])],
        gpus,
        inputFolders: inputs?.folders ?? [],
      },
      (data) => this.output.push(data),
      this.controller.signal,
      (terminal) => {
        this.child = terminal;
        const { docker, address } = engine.client();
        this.systemMetrics.start({ kind: 'container', docker, runId: this.spec.runId, localEngine: address.local });
      },
    ).finally(() => {
      bridge?.stop();
      if (bridge) fs.rmSync(bridge.dir, { recursive: true, force: true });
    });
    return { exitCode: exit.exitCode, oomKilled: exit.oomKilled, memoryLimit: exit.memoryLimit };
  }

  private dockerSection(): { arguments?: string[]; shmSize?: unknown } {
    return (this.storedDefinition().docker as { arguments?: string[]; shmSize?: unknown } | undefined) ?? {};
  }

  /** The environment's variables, straight from its stored definition. */
  private environmentVariables(): Record<string, string> {
    return (this.storedDefinition().environmentVariables as Record<string, string> | undefined) ?? {};
  }

  private storedDefinition(): Record<string, unknown> {
    const row = this.db
      .prepare('SELECT definition FROM environments WHERE name = ? AND version = ?')
      .get(this.spec.environment.name, Number(this.spec.environment.version)) as { definition: string } | undefined;
    return row ? (JSON.parse(row.definition) as Record<string, unknown>) : {};
  }

  /** Finalizing: keep ./outputs and ./logs with the run; the rest of the working copy goes. */
  private finalizeFiles(): void {
    finalizeRunFiles(this.runDir);
  }

  /** Folds new events in; while running, keeps the list's metric summary and tags fresh. */
  private collectMetrics(persist = false): void {
    const read = readRunEvents(path.join(this.runDir, 'events.jsonl'), this.eventsOffset);
    this.eventsOffset = read.offset;
    if (read.events.length === 0) return;
    applyRunEvents(this.metrics, read.events);
    if (persist) this.store.update(this.spec.runId, this.summaryColumns());
  }

  /** The fold's columns (sdkRuns' one mapping, params included), with the metrics summary of user metrics only. */
  private summaryColumns() {
    return { ...summaryColumns(this.metrics), metrics: JSON.stringify(this.summary()) };
  }

  private summary(): Record<string, number | string | boolean | null> {
    // The run list's columns are the user's metrics: the sampler's system/... stay on their own tab.
    return Object.fromEntries(Object.entries(metricSummary(this.metrics)).filter(([name]) => !isSystemMetric(name)));
  }

  private lastLines(): string {
    const lines = stripAnsi(this.output.text())
      .split(/\r?\n/)
      .map((l) => l.trimEnd())
      .filter((l) => l.length > 0 && !l.startsWith('$ python'));
    const tail = lines.slice(-5);
    return tail.length ? ` Last output:\n${tail.join('\n')}` : '';
  }

  private setStatus(status: RunStatus, extra: Record<string, string> = {}): void {
    this.store.update(this.spec.runId, { status, ...extra });
  }

  cancel(reason: string): void {
    if (this.cancelReason) return;
    this.cancelReason = reason;
    this.output.note('Cancel requested: stopping the run (SIGINT, then SIGTERM, then SIGKILL)...');
    this.controller.abort();
  }

  private broadcast(message: FromSupervisor): void {
    const line = `${JSON.stringify(message)}\n`;
    for (const client of this.clients) client.write(line);
  }

  private listen(): Promise<void> {
    const socketPath = supervisorSocketPath(this.runDir);
    if (process.platform !== 'win32') fs.rmSync(socketPath, { force: true });
    this.server = net.createServer((socket) => {
      socket.on(
        'data',
        lineReader<ToSupervisor>((message) => this.onMessage(socket, message)),
      );
      socket.on('close', () => {
        this.clients.delete(socket);
        this.updatePause(socket, false);
      });
      socket.on('error', () => socket.destroy());
    });
    return new Promise((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(socketPath, () => resolve());
    });
  }

  private onMessage(socket: net.Socket, message: ToSupervisor): void {
    switch (message.t) {
      case 'attach': {
        this.output.flush();
        socket.write(`${JSON.stringify({ t: 'replay', data: this.output.text(), truncated: false })}\n`);
        this.clients.add(socket);
        break;
      }
      case 'input':
        this.child?.write(message.data);
        break;
      case 'resize':
        if (message.cols > 0 && message.rows > 0)
          this.child?.resize(Math.min(message.cols, 500), Math.min(message.rows, 200));
        break;
      case 'pause':
      case 'resume':
        this.updatePause(socket, message.t === 'pause');
        break;
      case 'cancel':
        this.cancel('Canceled by the user.');
        break;
    }
  }

  /** A viewer that falls behind pauses the program (through the pty), as in-process viewers do. */
  private updatePause(socket: net.Socket, paused: boolean): void {
    const before = this.paused.size > 0;
    if (paused) this.paused.add(socket);
    else this.paused.delete(socket);
    const after = this.paused.size > 0;
    if (before === after) return;
    if (after) this.child?.pause();
    else this.child?.resume();
  }
}

/**
 * setTimeout for any delay: Node fires a delay over 2^31-1 ms (24.8 days) at once, and Azure's
 * default maximum run duration is 30 days, so a long delay waits in steps.
 */
function longTimeout(fn: () => void, ms: number): { clear(): void } {
  const STEP = 2 ** 31 - 1;
  const deadline = Date.now() + ms;
  let handle: NodeJS.Timeout;
  const arm = () => {
    const left = deadline - Date.now();
    handle = left > STEP ? setTimeout(arm, STEP) : setTimeout(fn, Math.max(0, left));
  };
  arm();
  return { clear: () => clearTimeout(handle) };
}

/** The first line on stdin: the run a standby supervisor is given (EOF: none, so it exits). */
function readRunId(): Promise<string | null> {
  return new Promise((resolve) => {
    let buffer = '';
    const done = (value: string | null) => {
      process.stdin.removeAllListeners('data');
      process.stdin.pause();
      resolve(value);
    };
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end >= 0) done(buffer.slice(0, end).trim() || null);
    });
    process.stdin.on('end', () => done(buffer.trim() || null));
    process.stdin.on('error', () => done(null));
  });
}

async function main(): Promise<void> {
  // `supervisor.js WORKSPACE RUN_ID`, or `supervisor.js --standby WORKSPACE`: started ahead
  // by the app with everything loaded, it waits for a run id on stdin (launch speed).
  const argv = process.argv.slice(2);
  const standby = argv[0] === '--standby';
  const workspace = standby ? argv[1] : argv[0];
  if (!workspace || (!standby && !argv[1])) {
    process.stderr.write('usage: supervisor.js WORKSPACE RUN_ID | supervisor.js --standby WORKSPACE\n');
    process.exit(2);
  }
  trace('loaded');
  const paths = new WorkspacePaths(workspace);
  const db = openDatabase(paths.database);
  // A standby supervisor loads the MLflow endpoint while it waits, so a run's launch does not pay for it.
  if (standby) void import('../core/mlflow/runTracking').then((m) => m.warmRunTracking()).catch(() => undefined);
  const runId = standby ? await readRunId() : (argv[1] as string);
  trace(`run ${runId}`);
  if (!runId) {
    db.close();
    process.exit(0);
  }
  try {
    // Started by the queue owner: the run (and this process: HOME, SSH_AUTH_SOCK, DOCKER_*) gets its submitter's environment.
    adoptSubmitEnvironment(paths.runDir(runId));
    const spec = JSON.parse(fs.readFileSync(path.join(paths.runDir(runId), 'spec.json'), 'utf8')) as RunSpec;
    await new Supervisor(db, paths, spec).run();
  } catch (err) {
    // Never leave the run "Running": record why the supervisor itself failed (keeping what the script wrote).
    try {
      finalizeRunFiles(paths.runDir(runId));
    } catch {
      // The status matters more; the app moves the files when it reads them (RunService.filesOf).
    }
    new RunStore(db).update(runId, {
      status: 'Failed',
      reason: `The run's supervisor failed: ${(err as Error).message}`,
      ended_at: nowIso(),
    });
  } finally {
    db.close();
  }
  process.exit(0);
}

void main();
