import { FitAddon } from '@xterm/addon-fit';
import { Terminal as XTerm } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'react';
import { client } from '../transport/client';
import { useUi } from '../stores/ui';

/** Acknowledge drawn output in chunks of this size (flow control, see ARCHITECTURE.md "Live output"). */
const ACK_CHUNK = 5_000;

/**
 * A job's live terminal. Bytes go from the core straight into xterm (never
 * into React state); each write is acknowledged once xterm has drawn it.
 */
export function Terminal({ jobId, label }: { jobId: string; label: string }) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!host.current) return;
    const term = new XTerm({
      convertEol: false,
      cursorBlink: false,
      disableStdin: true,
      fontSize: 12,
      scrollback: 10_000,
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
    let unacked = 0;
    let disposed = false;
    const ack = (chars: number) => {
      unacked += chars;
      if (unacked >= ACK_CHUNK) {
        void client.jobs.ack({ jobId, chars: unacked }).catch(() => undefined);
        unacked = 0;
      }
    };
    const off = client.on('job.output', (payload) => {
      if (payload.jobId === jobId) term.write(payload.data, () => ack(payload.data.length));
    });
    client.jobs
      .attach({ jobId })
      .then(({ replay, truncated }) => {
        if (disposed) return;
        if (truncated) term.write('\x1b[2m(earlier output is in the log file)\x1b[0m\r\n');
        term.write(replay);
      })
      .catch((err: unknown) => {
        // A job from another process: show its log from disk instead.
        void client.jobs
          .log({ jobId })
          .then(({ text }) => !disposed && term.write(text.replace(/\r?\n/g, '\r\n')))
          .catch(() => useUi.getState().showError(err));
      });
    return () => {
      disposed = true;
      off();
      resize.disconnect();
      void client.jobs.detach({ jobId }).catch(() => undefined);
      term.dispose();
    };
  }, [jobId]);

  return <div className="terminal" ref={host} role="log" aria-label={label} data-testid="terminal" />;
}
