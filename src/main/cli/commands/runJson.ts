import type { RunSummary } from '../../../shared/api/runTypes';
import type { CliContext } from '../context';

/** A run as `--json` prints it (the contract's keys first, then what the Python SDK reads). */
export function runJson(ctx: CliContext, run: RunSummary) {
  return {
    id: run.id,
    experiment: run.experiment,
    status: run.status,
    metrics: run.metrics,
    tags: run.tags,
    environment: run.environment,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    createdAt: run.createdAt,
    script: run.script,
    arguments: run.arguments,
    exitCode: run.exitCode,
    reason: run.reason,
    buildKey: run.buildKey,
    target: run.target,
    properties: run.properties,
    parentRunId: run.parentRunId,
    displayName: run.displayName,
    description: run.description,
    runType: run.runType,
    children: run.children,
    priority: run.priority,
    resources: run.resources,
    assignedGpus: run.assignedGpus,
    engine: run.engine,
    /** The run's folder: events.jsonl, output.log, files/ (the Python SDK reads and appends there). */
    directory: ctx.core.paths.runDir(run.id),
  };
}

/** Where a queued run stands (null once the queue started it, or for a run that never queues). */
export async function queuePlace(
  ctx: CliContext,
  run: RunSummary,
): Promise<{ position: number | null; waiting: string | null } | null> {
  if (run.status !== 'Queued') return null;
  const entry = (await ctx.client.queue.list({})).entries.find((e) => e.runId === run.id);
  return entry ? { position: entry.position, waiting: entry.waiting } : null;
}

/** `run show`'s queue line: "position 2 of the queue, waiting for 1 GPU: both are in use". */
export function queueLine(place: { position: number | null; waiting: string | null } | null): string[] {
  if (!place) return [];
  const where = place.position === null ? 'starting' : `position ${place.position} in the queue`;
  return [`  queue        ${where}${place.waiting ? `: ${place.waiting}` : ''}`];
}
