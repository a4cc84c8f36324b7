import { z } from 'zod';

import { SubmitRun } from './runTypes';

export { RunResources } from './runTypes';

/**
 * A parameter expression in Azure's own wire form, as azureml.train.hyperdrive's functions return it:
 * choice(1, 2) -> ["choice", [[1, 2]]], uniform(0.1, 1) -> ["uniform", [0.1, 1]], quniform(0, 10, 2) ->
 * ["quniform", [0, 10, 2]]. The SDK sends it unchanged; the v1 CLI's YAML text form ("uniform(0.1, 1)")
 * is parsed into it by the sweep file reader.
 */
export const PARAMETER_TYPES = [
  'choice',
  'randint',
  'uniform',
  'loguniform',
  'normal',
  'lognormal',
  'quniform',
  'qloguniform',
  'qnormal',
  'qlognormal',
] as const;
export const ParameterExpression = z.tuple([z.enum(PARAMETER_TYPES), z.array(z.unknown())]);
export type ParameterExpression = z.infer<typeof ParameterExpression>;

export const SamplingConfig = z.object({
  type: z.enum(['random', 'grid', 'bayesian']),
  /** "--lr" (as Azure keys them: the argument the script gets) -> expression. */
  parameterSpace: z.record(z.string(), ParameterExpression),
  /** RandomParameterSampling(seed=...); null: Benchtop picks one and records it. */
  seed: z.number().int().nullable().default(null),
});

/**
 * Policies as Azure names their parameters (evaluation_interval=1, delay_evaluation=0 defaults). Ranges (interval
 * >= 1, delay >= 0, slack > 0) are checked by the sweep service, so a refusal names the YAML/Python parameter.
 */
export const PolicyConfig = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({
    type: z.literal('bandit'),
    evaluationInterval: z.number().int().default(1),
    delayEvaluation: z.number().int().default(0),
    slackFactor: z.number().nullable().default(null),
    slackAmount: z.number().nullable().default(null),
  }),
  z.object({
    type: z.literal('median'),
    evaluationInterval: z.number().int().default(1),
    delayEvaluation: z.number().int().default(0),
  }),
  z.object({
    type: z.literal('truncation'),
    evaluationInterval: z.number().int().default(1),
    delayEvaluation: z.number().int().default(0),
    /** 1..99: checked by the sweep service in Azure's words. */
    truncationPercentage: z.number().int(),
    excludeFinishedJobs: z.boolean().default(false),
  }),
]);
export type PolicyConfig = z.infer<typeof PolicyConfig>;

/** A sweep to submit: HyperDriveConfig's fields, with the ScriptRunConfig as a run submit. */
export const SubmitSweep = z.object({
  /** The trial template: every trial is this run with the sampled `--name value` arguments appended. */
  run: SubmitRun.omit({ parentRunId: true }),
  sampling: SamplingConfig,
  policy: PolicyConfig.default({ type: 'none' }),
  primaryMetric: z.object({ name: z.string().min(1), goal: z.enum(['maximize', 'minimize']) }),
  /** 1..1000 (HyperDrive's limit): checked by the sweep service, so a refusal is a sentence naming the fix. */
  maxTotalRuns: z.number().int().nullable().default(null),
  maxConcurrentRuns: z.number().int().nullable().default(null),
  /** Over 10080 (Azure's limit) is accepted with Azure's warning and lowered to 10080 by the sweep service. */
  maxDurationMinutes: z.number().int().default(10_080),
});
export type SubmitSweep = z.input<typeof SubmitSweep>;
export type SweepConfig = z.output<typeof SubmitSweep>;

/** How a trial stands within its sweep (its run's status, plus whether the policy stopped it). */
export const SweepTrial = z.object({
  n: z.number().int(),
  runId: z.string(),
  status: z.string(),
  /** The sampled values, keyed as in the parameter space ("--lr"). */
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  earlyTerminated: z.boolean(),
  /** The primary metric's best value so far (by the goal), and its last step. */
  primaryValue: z.number().nullable(),
  steps: z.number().int(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});
export type SweepTrial = z.infer<typeof SweepTrial>;

export const SweepSummary = z.object({
  /** The parent run's id, HD_<uuid>; its children are HD_<uuid>_<n>. */
  id: z.string(),
  experiment: z.string(),
  status: z.string(),
  config: SubmitSweep,
  seed: z.number().int(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  counts: z.object({
    queued: z.number(),
    running: z.number(),
    completed: z.number(),
    failed: z.number(),
    canceled: z.number(),
    earlyTerminated: z.number(),
  }),
  bestRunId: z.string().nullable(),
  bestValue: z.number().nullable(),
  /** Why it stopped early or what the user should know ("primary metric never logged ... it logged: a, b"). */
  message: z.string().nullable(),
  /** Warnings given at submit (max_concurrent_runs over the slots, accepted and explained). */
  warnings: z.array(z.string()),
});
export type SweepSummary = z.infer<typeof SweepSummary>;

export const SweepDetail = SweepSummary.extend({ trials: z.array(SweepTrial) });
export type SweepDetail = z.infer<typeof SweepDetail>;

export const SweepRef = z.object({ sweepId: z.string() });

export const QueueEntry = z.object({
  runId: z.string(),
  experiment: z.string(),
  status: z.string(),
  priority: z.number().int(),
  /** 1-based place among queued runs; null once started. */
  position: z.number().int().nullable(),
  cpus: z.number().int(),
  gpus: z.number().int(),
  /** GPU indices given (CUDA_VISIBLE_DEVICES) and the engine a container run was sent to. */
  assignedGpus: z.array(z.number().int()),
  engine: z.string().nullable(),
  sweepId: z.string().nullable(),
  /** Why a queued run waits ("waiting for 1 GPU: both are in use", "sweep limit 2 reached"). */
  waiting: z.string().nullable(),
  queuedAt: z.string(),
});
export type QueueEntry = z.infer<typeof QueueEntry>;

export const QueueState = z.object({
  /** Whether the queue owner process is alive (and its pid). */
  owner: z.object({ alive: z.boolean(), pid: z.number().nullable() }),
  capacity: z.object({
    cpus: z.number().int(),
    gpus: z.array(z.object({ index: z.number().int(), name: z.string(), memoryMb: z.number().nullable() })),
    maxConcurrentRuns: z.number().int().nullable(),
    engines: z.array(z.object({ url: z.string(), slots: z.number().int(), used: z.number().int() })),
  }),
  entries: z.array(QueueEntry),
});
export type QueueState = z.infer<typeof QueueState>;
