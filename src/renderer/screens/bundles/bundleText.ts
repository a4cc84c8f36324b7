import { asApiError } from '../../stores/ui';
import type { BundlePartRef, BundlePartSummary, ImportAction } from '../../../shared/api/bundleTypes';

/** "model iris:2", "environment my-env (latest)", "run Default_123", "service iris-svc": one line per part. */
export function partRefLabel(ref: BundlePartRef): string {
  if (ref.kind === 'run') return `run ${ref.runId ?? ''}`;
  if (ref.kind === 'service') return `service ${ref.name ?? ''}`;
  return `${ref.kind} ${ref.name ?? ''}${ref.version ? `:${ref.version}` : ' (latest)'}`;
}

/** A part as the bundle's manifest names it. */
export function partSummaryLabel(part: BundlePartSummary): string {
  if (part.kind === 'run') return `run ${part.runId} (${part.name})`;
  return `${part.kind} ${part.name}${part.version ? `:${part.version}` : ''}`;
}

export const ACTION_TEXT: Record<ImportAction, string> = {
  added: 'added',
  unchanged: 'unchanged',
  'new-version': 'new version',
};

/** The error's message and its fix, for an inline alert (the dialog keeps it next to what failed). */
export function errorText(err: unknown): string {
  const { message, hint } = asApiError(err);
  return hint ? `${message} ${hint}` : message;
}
