import { type CallInput, type CallName, type CallOutput, calls } from '../../../shared/api/contract';
import { BenchtopError, type Result, toApiError } from '../../../shared/errors';
import type { Viewer } from '../pty/liveOutput';
import type { Core } from '../core';

/** Who is calling: each connection (window, socket, CLI) views live output through its own viewers. */
export interface CallContext {
  connectionId: string;
  /** The viewer that carries one job's or run's terminal output to this caller. */
  viewerFor(kind: 'job' | 'run', id: string): Viewer;
}

export type Handler<N extends CallName> = (
  input: CallOutputOfInput<N>,
  ctx: CallContext,
  core: Core,
) => Promise<CallOutput<N>> | CallOutput<N>;
/** The input after zod parsed it (defaults filled). */
type CallOutputOfInput<N extends CallName> = import('zod').output<(typeof calls)[N]['input']>;

export type Router<N extends CallName> = { [K in N]: Handler<K> };

/** Validates the payload at the edge, runs the handler, and turns every outcome into data. */
export async function dispatch(
  handlers: Router<CallName>,
  core: Core,
  name: string,
  input: unknown,
  ctx: CallContext,
): Promise<Result<unknown>> {
  try {
    if (!Object.hasOwn(calls, name))
      throw new BenchtopError(
        'BAD_INPUT',
        `Unknown call "${name}".`,
        'The UI and the core are from different versions; reload the window.',
      );
    const callName = name as CallName;
    const parsed = calls[callName].input.safeParse(input ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BenchtopError(
        'BAD_INPUT',
        `${callName}: ${issue ? `${issue.path.join('.') || 'input'}: ${issue.message}` : 'invalid input'}`,
        'Check the values you entered.',
      );
    }
    const handler = handlers[callName] as Handler<CallName>;
    const value = await handler(parsed.data as never, ctx, core);
    return { ok: true, value };
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}

export type { CallInput };
