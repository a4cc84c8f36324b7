import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { EVENT_NAMES } from '../../shared/api/contract';
import { handlers } from '../core/api/handlers';
import { type CallContext, dispatch } from '../core/api/router';
import type { Core } from '../core/core';
import { parseClientMessage } from './clientMessage';
import type { ServerLog } from './handlerGuards';

/**
 * One authenticated API socket: calls in, answers and events out. Whatever a client sends (bad
 * JSON shapes, invalid UTF-8, frames over maxPayload) ends at most this socket, never the server.
 */
export function serveApiSocket(ws: WebSocket, core: Core, log: ServerLog, heartbeatMs: number): void {
  const connectionId = `ws-${randomUUID()}`;
  const attachedJobs = new Set<string>();
  const attachedRuns = new Set<string>();
  const send = (message: unknown) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    try {
      ws.send(JSON.stringify(message));
    } catch (err) {
      // An unserializable value must not throw into the event bus or the call that produced it.
      log(`${connectionId}: could not send a message: ${String(err)}`);
    }
  };
  const unsubscribe = EVENT_NAMES.filter((e) => e !== 'job.output' && e !== 'run.output').map((event) =>
    core.bus.on(event, (payload) => send({ event, payload })),
  );
  const ctx: CallContext = {
    connectionId,
    viewerFor: (kind, id) => {
      (kind === 'job' ? attachedJobs : attachedRuns).add(id);
      const write =
        kind === 'job'
          ? (data: string) => send({ event: 'job.output', payload: { jobId: id, data } })
          : (data: string) => send({ event: 'run.output', payload: { runId: id, data } });
      return { id: connectionId, acknowledges: true, write };
    },
  };

  ws.on('message', (raw, isBinary) => {
    const parsed = parseClientMessage(raw, isBinary);
    if (!parsed.ok) return send({ id: parsed.id, result: { ok: false, error: parsed.error } });
    const { id, call, input } = parsed.message;
    dispatch(handlers, core, call, input, ctx).then(
      (result) => send({ id, result }),
      (err: unknown) => {
        log(`${connectionId}: ${JSON.stringify(call.slice(0, 100))} failed: ${String(err)}`);
        send({ id, result: { ok: false, error: { code: 'INTERNAL', message: 'The call failed unexpectedly.' } } });
      },
    );
  });
  // Protocol errors (invalid UTF-8: 1007, over maxPayload: 1009, bad framing: 1002): ws closes this
  // socket with the matching code after emitting 'error'; without a listener that emit is a crash.
  ws.on('error', (err) => log(`${connectionId}: closed after a protocol error: ${err.message}`));

  // A client that stopped reading (or vanished without a FIN) answers no ping: drop it after one
  // missed beat instead of buffering events for it forever.
  let alive = true;
  ws.on('pong', () => (alive = true));
  const heartbeat = setInterval(() => {
    if (!alive) return void ws.terminate();
    alive = false;
    ws.ping();
  }, heartbeatMs);
  heartbeat.unref();

  ws.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe.forEach((off) => off());
    for (const jobId of attachedJobs) {
      try {
        core.jobs.get(jobId).output.detach(connectionId);
      } catch {
        // The job is gone; nothing to detach.
      }
    }
    for (const runId of attachedRuns) {
      try {
        core.runs.detach(runId, connectionId);
      } catch (err) {
        log(`${connectionId}: could not detach from run ${runId}: ${String(err)}`);
      }
    }
  });
}
