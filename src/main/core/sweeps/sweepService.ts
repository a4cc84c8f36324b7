import { randomInt, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FINAL_STATUSES, type RunStatusName } from '../../../shared/api/runStatus';
import type { RunSummary } from '../../../shared/api/runTypes';
import type { SweepConfig, SweepDetail, SweepSummary, SweepTrial } from '../../../shared/api/sweepTypes';
import { BenchtopError } from '../../../shared/errors';
import { NAME_PATTERN, parseNameVersion } from '../../../shared/environments/names';
import type { EnvironmentService } from '../environments/environmentService';
import type { EventBus } from '../events';
import type { RunService } from '../runs/runService';
import { createSnapshot } from '../runs/snapshot';
import type { ToolEnvironments } from '../tools/toolEnvironment';
import { type Db, writeTransaction } from '../workspace/database';
import { nowIso } from '../workspace/files';
import type { WorkspacePaths } from '../workspace/paths';
import { readSettings } from '../workspace/settings';
import { ensureQueueOwner } from '../../queue/ensureQueueOwner';
import { ensureOptuna } from './bayesianSampler';
import { parentProperties, parentTags } from './sweepTags';
import { checkSweep } from './sweepValidation';
import { type SweepRow, SweepStore, type TrialRow } from './sweepStore';
import { SWEEP_RUN_TYPE, SWEEP_TARGET } from './sweepTarget';
import { watchSweeps } from './sweepWatcher';

export interface SweepDeps {
  db: Db;
  paths: WorkspacePaths;
  bus: EventBus;
  runs: RunService;
  environments: EnvironmentService;
  tools: ToolEnvironments;
}

/**
 * HyperDrive sweeps from the caller's side: submit (checked with Azure's wording, then the parent run HD_<uuid> and
 * its sweep row in one transaction), read, cancel, best. The queue owner's sweep driver (sweepDriver.ts) does the
 * rest: sampling, trials, the policy, the end.
 */
export class SweepService {
  readonly store: SweepStore;
  private stopWatch: (() => void) | null = null;

  constructor(private readonly deps: SweepDeps) {
    this.store = new SweepStore(deps.db);
  }

  async submit(config: SweepConfig): Promise<SweepSummary> {
    const { db, paths, runs, environments } = this.deps;
    const checked = checkSweep(config, readSettings(db));
    // Checked before anything is written: Bayesian without an installable Optuna is refused here, with the fix.
    if (config.sampling.type === 'bayesian') await ensureOptuna(this.deps.tools);
    const template = config.run;
    const experiment = template.experiment || 'Default';
    if (!NAME_PATTERN.test(experiment))
      throw new BenchtopError(
        'INVALID_NAME',
        `"${experiment}" is not a valid experiment name.`,
        'Use letters, digits, ".", "_" or "-", starting with a letter or digit.',
      );
    const ref = parseNameVersion(template.environment || 'Benchtop-Minimal');
    const environment = environments.get(ref.name, ref.version);
    const sourceDir = path.resolve(template.sourceDirectory);
    const scriptPath = path.resolve(sourceDir, template.script);
    if (!fs.existsSync(sourceDir))
      throw new BenchtopError(
        'NOT_FOUND',
        `Source folder not found: ${sourceDir}`,
        'Give the folder that holds your training script with -d.',
      );
    if (!scriptPath.startsWith(sourceDir + path.sep) || !fs.existsSync(scriptPath))
      throw new BenchtopError(
        'NOT_FOUND',
        `Script not found: ${template.script} (in ${sourceDir})`,
        'Give the script relative to the source folder, e.g. -s train.py.',
      );

    const id = `HD_${randomUUID()}`;
    const seed = config.sampling.seed ?? randomInt(0, 2 ** 31);
    const stored: SweepConfig = {
      ...config,
      maxDurationMinutes: checked.maxDurationMinutes,
      sampling: { ...config.sampling, seed },
    };
    const runDir = paths.runDir(id);
    // The template's folder is copied once; every trial is submitted from this copy, so edits made while the
    // sweep runs never reach later trials.
    const settings = readSettings(db);
    try {
      createSnapshot(sourceDir, path.join(runDir, 'snapshot'), {
        maxBytes: (template.snapshotMaxMb ?? settings.snapshotMaxMb) * 1024 * 1024,
        maxFiles: template.snapshotMaxFiles ?? settings.snapshotMaxFiles,
      });
    } catch (err) {
      fs.rmSync(runDir, { recursive: true, force: true });
      throw err;
    }
    const now = nowIso();
    try {
      writeTransaction(db, () => {
        runs.store.insert({
          id,
          experiment,
          status: 'Running',
          script: path.relative(sourceDir, scriptPath).split(path.sep).join('/'),
          arguments: JSON.stringify(template.arguments ?? []),
          environment: `${environment.name}:${environment.version}`,
          build_key: null,
          target: SWEEP_TARGET,
          source_dir: sourceDir,
          max_duration_s: config.maxDurationMinutes * 60,
          created_at: now,
          started_at: now,
          display_name: template.displayName ?? null,
          description: template.description ?? null,
          tags: JSON.stringify({
            ...(template.tags ?? {}),
            ...parentTags(stored, checked.totalRuns, checked.maxConcurrent),
          }),
          properties: JSON.stringify({
            ...(template.properties ?? {}),
            ...parentProperties(stored, checked.totalRuns),
          }),
          run_type: SWEEP_RUN_TYPE,
        });
        this.store.insert({
          id,
          experiment,
          config: JSON.stringify(stored),
          seed,
          status: 'Running',
          created_at: now,
          warnings: JSON.stringify(checked.warnings),
        });
      });
    } catch (err) {
      fs.rmSync(runDir, { recursive: true, force: true });
      throw err;
    }
    ensureQueueOwner(paths.root);
    this.changed(id);
    return this.summary(this.row(id));
  }

  list(experiment: string | undefined, limit: number): SweepSummary[] {
    this.watch();
    if (this.store.unfinished().length) ensureQueueOwner(this.deps.paths.root);
    return this.store.list(experiment, limit).map((row) => this.summary(row));
  }

  get(id: string): SweepDetail {
    this.watch();
    const row = this.row(id);
    // A running sweep needs its driver (the queue owner): reading one brings it back if it was killed.
    if (row.status === 'Running') ensureQueueOwner(this.deps.paths.root);
    const { summary, trials } = this.read(row);
    return { ...summary, trials };
  }

  /** No new trial starts; queued trials never start; running ones are canceled; the parent ends when they have. */
  cancel(id: string): SweepSummary {
    const row = this.row(id);
    if (row.status !== 'Running') return this.summary(row);
    this.store.update(id, { cancel_requested: 1 });
    for (const trial of this.store.trials(id)) {
      const run = this.deps.runs.store.get(trial.run_id);
      if (run && !FINAL_STATUSES.has(run.status as RunStatusName)) this.deps.runs.cancel(trial.run_id);
    }
    ensureQueueOwner(this.deps.paths.root);
    this.changed(id);
    return this.summary(this.row(id));
  }

  /** get_best_run_by_primary_metric: the trial with the best primary value by the goal. */
  best(id: string): { trial: SweepTrial | null; run: RunSummary | null } {
    const { trials } = this.read(this.row(id));
    const config = JSON.parse(this.row(id).config) as SweepConfig;
    const maximize = config.primaryMetric.goal === 'maximize';
    let best: SweepTrial | null = null;
    for (const trial of trials) {
      if (trial.primaryValue === null) continue;
      if (
        !best ||
        (maximize
          ? trial.primaryValue > (best.primaryValue as number)
          : trial.primaryValue < (best.primaryValue as number))
      )
        best = trial;
    }
    return { trial: best, run: best ? this.deps.runs.get(best.runId) : null };
  }

  /**
   * From the first read on, this process reports sweeps.changed for what the queue owner changes (the app's sweep
   * views read first, then listen). The timer does not keep a CLI process alive.
   */
  private watch(): void {
    this.stopWatch ??= watchSweeps(this.deps.db, this.deps.bus);
  }

  close(): void {
    this.stopWatch?.();
    this.stopWatch = null;
  }

  changed(id: string): void {
    this.deps.bus.emit('sweeps.changed', { sweepId: id });
  }

  private row(id: string): SweepRow {
    const row = this.store.get(id);
    if (!row) throw new BenchtopError('NOT_FOUND', `No sweep "${id}".`, 'See `benchtop sweep list`.');
    return row;
  }

  summary(row: SweepRow): SweepSummary {
    return this.read(row).summary;
  }

  private read(row: SweepRow): { summary: SweepSummary; trials: SweepTrial[] } {
    const trials = this.store.trials(row.id).map((t) => this.trial(t));
    const counts = { queued: 0, running: 0, completed: 0, failed: 0, canceled: 0, earlyTerminated: 0 };
    for (const t of trials) {
      if (t.earlyTerminated) counts.earlyTerminated++;
      else if (t.status === 'Completed') counts.completed++;
      else if (t.status === 'Failed') counts.failed++;
      else if (t.status === 'Canceled') counts.canceled++;
      else if (t.status === 'Queued' || t.status === 'NotStarted') counts.queued++;
      else counts.running++;
    }
    const config = JSON.parse(row.config) as SweepConfig;
    const parent = this.deps.runs.store.get(row.id);
    return {
      summary: {
        id: row.id,
        experiment: row.experiment,
        status: row.status,
        config,
        seed: row.seed,
        createdAt: row.created_at,
        endedAt: row.ended_at ?? parent?.ended_at ?? null,
        counts,
        bestRunId: row.best_run_id,
        bestValue: row.best_value,
        message: row.message,
        warnings: JSON.parse(row.warnings) as string[],
      },
      trials,
    };
  }

  private trial(row: TrialRow): SweepTrial {
    const run = this.deps.runs.store.get(row.run_id);
    return {
      n: row.n,
      runId: row.run_id,
      status: run?.status ?? 'Queued',
      params: JSON.parse(row.params) as SweepTrial['params'],
      // A trial that finished on its own before the policy's cancel landed is Completed/Failed, as Azure shows it.
      earlyTerminated: row.early_terminated === 1 && run?.status !== 'Completed' && run?.status !== 'Failed',
      primaryValue: row.primary_value,
      steps: row.steps,
      startedAt: run?.started_at ?? null,
      endedAt: run?.ended_at ?? null,
    };
  }
}
