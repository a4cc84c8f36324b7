import { randomUUID } from 'node:crypto';
import type { Job, JobState } from '../../../shared/api/types';
import { BenchtopError, toApiError } from '../../../shared/errors';
import type { EventBus } from '../events';
import type { Db } from '../workspace/database';
import { nowIso } from '../workspace/files';
import type { WorkspacePaths } from '../workspace/paths';
import { LiveOutput } from '../pty/liveOutput';
import { processAlive } from '../builds/buildLock';

export interface JobContext {
  output: LiveOutput;
  signal: AbortSignal;
  setProgress(progress: number | null, step?: string): void;
}

const MAX_LIVE_JOBS = 50;

interface LiveJob {
  job: Job;
  output: LiveOutput;
  controller: AbortController;
  done: Promise<Job>;
}

/**
 * Every long operation is a Job: it has a state, progress, a live log and a
 * cancel. Jobs of this process are live; their rows stay in the database as
 * history and their logs on disk.
 */
export class JobManager {
  private readonly live = new Map<string, LiveJob>();

  constructor(
    private readonly db: Db,
    private readonly paths: WorkspacePaths,
    private readonly bus: EventBus,
  ) {}

  start(
    kind: Job['kind'],
    title: string,
    subject: Record<string, string>,
    work: (ctx: JobContext) => Promise<void>,
  ): LiveJob {
    const job: Job = {
      id: `${kind}-${randomUUID().slice(0, 8)}`,
      kind,
      title,
      state: 'running',
      progress: null,
      step: null,
      cancellable: true,
      createdAt: nowIso(),
      finishedAt: null,
      error: null,
      subject,
    };
    const output = new LiveOutput(this.paths.jobLog(job.id));
    const controller = new AbortController();
    this.db
      .prepare('INSERT INTO jobs(id, kind, title, state, subject, created_at, pid) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(job.id, kind, title, job.state, JSON.stringify(subject), job.createdAt, process.pid);
    const ctx: JobContext = {
      output,
      signal: controller.signal,
      setProgress: (progress, step) => {
        job.progress = progress;
        if (step !== undefined) job.step = step;
        this.bus.emit('job.updated', { ...job });
      },
    };
    const done = (async () => {
      this.bus.emit('job.updated', { ...job });
      try {
        await work(ctx);
        this.finish(job, 'completed', null);
      } catch (err) {
        const error = toApiError(err);
        const canceled = controller.signal.aborted || error.code === 'CANCELED';
        if (!canceled) output.note(`error: ${error.message}${error.hint ? `\r\nhint: ${error.hint}` : ''}`);
        this.finish(job, canceled ? 'canceled' : 'failed', canceled ? null : error);
      } finally {
        output.close();
      }
      return { ...job };
    })();
    const liveJob = { job, output, controller, done };
    this.live.set(job.id, liveJob);
    this.evictFinished();
    return liveJob;
  }

  /** A finished job for work that needed nothing (e.g. a cached build), so every request still has a job. */
  completedNow(kind: Job['kind'], title: string, subject: Record<string, string>, message: string): LiveJob {
    return this.start(kind, title, subject, async (ctx) => {
      ctx.output.note(message);
    });
  }

  /** Keeps replay buffers for the most recent jobs only; older ones are read from their log files. */
  private evictFinished(): void {
    if (this.live.size <= MAX_LIVE_JOBS) return;
    for (const [id, entry] of this.live) {
      if (this.live.size <= MAX_LIVE_JOBS) break;
      if (entry.job.state !== 'running' && entry.job.state !== 'queued') this.live.delete(id);
    }
  }

  get(jobId: string): LiveJob {
    const liveJob = this.live.get(jobId);
    if (!liveJob)
      throw new BenchtopError(
        'NOT_FOUND',
        `No live job "${jobId}".`,
        'It may have run in another Benchtop process; `jobs.log` reads its log from disk.',
      );
    return liveJob;
  }

  list(): Job[] {
    return [...[...this.live.values()].map((l) => ({ ...l.job })).reverse(), ...this.otherProcessJobs()];
  }

  /** The newest jobs that are not live in this process: other Benchtop processes' (the CLI's) and history. */
  otherProcessJobs(): Job[] {
    const rows = this.db.prepare('SELECT * FROM jobs ORDER BY created_at DESC LIMIT 200').all() as JobRow[];
    return rows.filter((r) => !this.live.has(r.id)).map(rowToJob);
  }

  cancel(jobId: string): Job {
    const liveJob = this.get(jobId);
    if (liveJob.job.state === 'running' || liveJob.job.state === 'queued') {
      liveJob.output.note(`Cancel requested: stopping ${liveJob.job.kind === 'build' ? 'the build' : 'it'}...`);
      liveJob.controller.abort();
    }
    return { ...liveJob.job };
  }

  logPath(jobId: string): string {
    return this.paths.jobLog(jobId);
  }

  private finish(job: Job, state: JobState, error: Job['error']): void {
    job.state = state;
    job.error = error;
    job.cancellable = false;
    job.finishedAt = nowIso();
    if (state === 'completed') job.progress = 1;
    job.step = state === 'completed' ? 'Done' : state === 'canceled' ? 'Canceled' : (error?.message ?? job.step);
    // The workspace may have been closed under a job that finished late (app quitting).
    if (this.db.open)
      this.db
        .prepare('UPDATE jobs SET state = ?, error = ?, finished_at = ? WHERE id = ?')
        .run(state, error ? JSON.stringify(error) : null, job.finishedAt, job.id);
    this.bus.emit('job.updated', { ...job });
  }
}

interface JobRow {
  id: string;
  kind: string;
  title: string;
  state: string;
  subject: string;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  pid: number | null;
}

function rowToJob(row: JobRow): Job {
  // A row still "running" but not live here belongs to another process; if that process died, so did the job.
  const orphaned = row.state === 'running' && (row.pid === null || !processAlive(row.pid));
  return {
    id: row.id,
    kind: (['model', 'tool', 'import', 'dataset', 'bundle'].includes(row.kind) ? row.kind : 'build') as Job['kind'],
    title: row.title,
    state: orphaned ? 'failed' : (row.state as JobState),
    progress: row.state === 'completed' ? 1 : null,
    step: null,
    cancellable: false,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    error: orphaned
      ? {
          code: 'INTERNAL',
          message: 'The Benchtop process running this job stopped before it finished.',
          hint: 'Start it again; nothing it left half-done is reused.',
        }
      : row.error
        ? (JSON.parse(row.error) as Job['error'])
        : null,
    subject: JSON.parse(row.subject) as Record<string, string>,
  };
}
