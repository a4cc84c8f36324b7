import { FitAddon } from '@xterm/addon-fit';
import { Terminal as XTerm } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'react';
import { client } from '../transport/client';
import { useUi } from '../stores/ui';

/** Acknowledge drawn output in chunks of this size (flow control, see ARCHITECTURE.md "Live output"). */
const ACK_CHUNK = 5_000;

/** Where a terminal's bytes come from: a build job or a run. */
export interface TerminalSource {
  key: string;
  attach(): Promise<{ replay: string; truncated: boolean }>;
  /** Falls back to the log on disk when live attach is not possible. */
  fallback?(): Promise<string>;
  detach(): void;
  ack(chars: number): void;
  subscribe(write: (data: string) => void): () => void;
  input?(data: string): void;
  resize?(cols: number, rows: number): void;
}

export function jobSource(jobId: string): TerminalSource {
  return {
    key: `job:${jobId}`,
    attach: () => client.jobs.attach({ jobId }),
    fallback: async () => (await client.jobs.log({ jobId })).text.replace(/\r?\n/g, '\r\n'),
    detach: () => void client.jobs.detach({ jobId }).catch(() => undefined),
    ack: (chars) => void client.jobs.ack({ jobId, chars }).catch(() => undefined),
    subscribe: (write) => client.on('job.output', (p) => p.jobId === jobId && write(p.data)),
  };
}

export function runSource(runId: string, interactive: boolean): TerminalSource {
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
 * A live terminal. Bytes go from the core straight into xterm (never into
 * React state); each write is acknowledged once xterm has drawn it. With an
 * input channel, what the user types goes to the program (input(), pdb).
 */
export function Terminal({ source, label, height }: { source: TerminalSource; label: string; height?: number }) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!host.current) return;
    const term = new XTerm({
      convertEol: false,
      cursorBlink: Boolean(source.input),
      disableStdin: !source.input,
      fontSize: 12,
      scrollback: 20_000,
      theme: { background: '#0f1419', foreground: '#d8dee9' },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host.current);
    const resize = new ResizeObserver(() => {
      try {
        fit.fit();
      } catch {
        // Not laid out yet.
      }
    });
    resize.observe(host.current);
    const inputs = source.input ? [term.onData((data) => source.input?.(data))] : [];
    const resizes = source.resize ? [term.onResize(({ cols, rows }) => source.resize?.(cols, rows))] : [];
    let unacked = 0;
    let disposed = false;
    const ack = (chars: number) => {
      unacked += chars;
      if (unacked >= ACK_CHUNK) {
        source.ack(unacked);
        unacked = 0;
      }
    };
    const off = source.subscribe((data) => term.write(data, () => ack(data.length)));
    source
      .attach()
      .then(({ replay, truncated }) => {
        if (disposed) return;
        if (truncated) term.write('\x1b[2m(earlier output is in the log file)\x1b[0m\r\n');
        term.write(replay);
        if (source.resize) source.resize(term.cols, term.rows);
      })
      .catch((err: unknown) => {
        if (!source.fallback) return useUi.getState().showError(err);
        void source
          .fallback()
          .then((text) => !disposed && term.write(text))
          .catch(() => useUi.getState().showError(err));
      });
    return () => {
      disposed = true;
      off();
      inputs.forEach((d) => d.dispose());
      resizes.forEach((d) => d.dispose());
      resize.disconnect();
      source.detach();
      term.dispose();
    };
    // The source is identified by its key; a new object with the same key is the same stream.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [source.key]);

  return (
    <div
      className="terminal"
      ref={host}
      role="log"
      aria-label={label}
      data-testid="terminal"
      style={height ? { height } : undefined}
    />
  );
}
