import type { RawData } from 'ws';
import type { ApiError } from '../../shared/errors';

/** One call from the UI: `{ id, call, input }`; the answer carries the same id. */
export interface ClientMessage {
  id: number;
  call: string;
  input: unknown;
}

export type ParsedMessage = { ok: true; message: ClientMessage } | { ok: false; id: number | null; error: ApiError };

const bad = (id: number | null, message: string): ParsedMessage => ({
  ok: false,
  id,
  error: { code: 'BAD_INPUT', message, hint: 'Send one JSON object {"id": number, "call": string, "input": ...}.' },
});

/**
 * Checks a frame's shape before anything reads its fields: `null`, `[]`, `"x"`, a binary frame or
 * a message without a numeric id and a string call become an error answer, never a TypeError.
 * The error keeps the id when there is a usable one, so the caller's promise settles.
 */
export function parseClientMessage(raw: RawData, isBinary: boolean): ParsedMessage {
  if (isBinary) return bad(null, 'Binary messages are not accepted.');
  let value: unknown;
  try {
    value = JSON.parse(raw.toString());
  } catch {
    return bad(null, 'Malformed message: not JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return bad(null, 'Malformed message: not a JSON object.');
  const { id, call, input } = value as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isFinite(id)) return bad(null, 'Malformed message: "id" must be a number.');
  if (typeof call !== 'string') return bad(id, 'Malformed message: "call" must be a string.');
  return { ok: true, message: { id, call, input } };
}
