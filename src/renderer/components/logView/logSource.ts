import { client } from '../../transport/client';
import { useUi } from '../../stores/ui';

/** Where a log's bytes come from: a build job, a run, or a polled log such as a service's. */
export interface LogSource {
  key: string;
  /** What is already there (the replay), then live output through subscribe(). */
  attach(): Promise<{ replay: string; truncated: boolean }>;
  /** Falls back to the log on disk when live attach is not possible. */
  fallback?(): Promise<string>;
  detach?(): void;
  /** Flow control: tells the core how much output has been drawn. */
  ack?(chars: number): void;
  subscribe(write: (data: string) => void): () => void;
  input?(data: string): void;
  resize?(cols: number, rows: number): void;
}

/** xterm moves to the next line only on \r\n; plain log files have \n. */
export const toTerminalNewlines = (text: string) => text.replace(/\r?\n/g, '\r\n');

export function jobSource(jobId: string): LogSource {
  return {
    key: `job:${jobId}`,
    attach: () => client.jobs.attach({ jobId }),
    fallback: async () => toTerminalNewlines((await client.jobs.log({ jobId })).text),
    detach: () => void client.jobs.detach({ jobId }).catch(() => undefined),
    ack: (chars) => void client.jobs.ack({ jobId, chars }).catch(() => undefined),
    subscribe: (write) => client.on('job.output', (p) => p.jobId === jobId && write(p.data)),
  };
}

export function runSource(runId: string, interactive: boolean): LogSource {
  return {
    key: `run:${runId}:${interactive}`,
    attach: () => client.runs.attach({ runId }),
    detach: () => void client.runs.detach({ runId }).catch(() => undefined),
    ack: (chars) => void client.runs.ack({ runId, chars }).catch(() => undefined),
    subscribe: (write) => client.on('run.output', (p) => p.runId === runId && write(p.data)),
    input: interactive
      ? (data) => void client.runs.input({ runId, data }).catch((e: unknown) => useUi.getState().showError(e))
      : undefined,
    resize: interactive
      ? (cols, rows) => void client.runs.resize({ runId, cols, rows }).catch(() => undefined)
      : undefined,
  };
}

/**
 * A log the core offers only by offset (services.logs): polled, each new piece written once.
 * Polling stops with the view; a log not there yet (service starting) is tried again.
 */
export function polledSource(
  key: string,
  read: (offset: number | undefined) => Promise<{ text: string; offset: number }>,
  everyMs = 400,
): LogSource {
  let offset: number | undefined;
  // Reads run one after another, so the replay and the first poll never read the same piece twice.
  let queue: Promise<unknown> = Promise.resolve();
  const next = (): Promise<string> => {
    const piece = queue.then(async () => {
      const got = await read(offset);
      offset = got.offset;
      return toTerminalNewlines(got.text);
    });
    queue = piece.catch(() => undefined);
    return piece;
  };
  return {
    key,
    attach: async () => ({ replay: await next().catch(() => ''), truncated: false }),
    subscribe: (write) => {
      const timer = setInterval(
        () =>
          void next()
            .then((text) => text && write(text))
            .catch(() => undefined),
        everyMs,
      );
      return () => clearInterval(timer);
    },
  };
}
