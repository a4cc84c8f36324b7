/** Run statuses in lifecycle order (kept free of zod: the run supervisor loads this on its fast path). */
export const RUN_STATUSES = [
  // A child run made by create_children() and not started yet (Azure's first status).
  'NotStarted',
  'Queued',
  'Preparing',
  'Running',
  'Finalizing',
  'Completed',
  'Failed',
  'Canceled',
] as const;
export type RunStatusName = (typeof RUN_STATUSES)[number];
export const FINAL_STATUSES: ReadonlySet<RunStatusName> = new Set(['Completed', 'Failed', 'Canceled']);
