import type { IncomingMessage } from 'node:http';
import type { Fields } from './context';
import { invalidParameter, MlflowError } from './mlflowErrors';

export function tooLarge(limit: number): MlflowError {
  return new MlflowError('INVALID_PARAMETER_VALUE', `The request body is over the limit of ${limit} bytes.`, 413);
}

/** A JSON body (at most `limit` bytes) as the call's fields; empty is {}. */
export async function readJson(req: IncomingMessage, limit: number): Promise<Fields> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw invalidParameter(`The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalidParameter('The request body must be a JSON object.');
  return parsed as Fields;
}

/** How long a body being dropped may pause before the answer goes out anyway (and the connection closes). */
const DISCARD_IDLE_MS = 1_000;

/**
 * Reads and drops what is left of a request's body, at most `limit` bytes, while it keeps coming. An answer sent
 * while the client is still writing would be followed by a close, and the kernel's reset for the unread bytes can
 * destroy the answer before the client reads it. False: more than the limit, a pause of DISCARD_IDLE_MS (a body
 * that never ends must not hold the answer back), or the client went away; close the connection then.
 */
export function discardBody(req: IncomingMessage, limit: number): Promise<boolean> {
  if (req.readableEnded) return Promise.resolve(true);
  if (req.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    let seen = 0;
    let timer = setTimeout(() => finish(false), DISCARD_IDLE_MS);
    const finish = (drained: boolean) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      if (!drained) req.pause();
      resolve(drained);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), DISCARD_IDLE_MS);
      if (seen > limit) finish(false);
    };
    const onEnd = () => finish(true);
    const onClose = () => finish(req.readableEnded);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
    req.resume();
  });
}

/** GET fields from the query string: a repeated key is a list (as `requests` sends one). */
export function queryFields(query: URLSearchParams): Fields {
  const fields: Fields = {};
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key);
    fields[key] = all.length === 1 ? all[0] : all;
  }
  return fields;
}
