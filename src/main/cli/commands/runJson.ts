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
