import type { Terminal as XTerm } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import { LogView } from './LogView';
import type { LogSource } from './logView/logSource';

export type { LogSource as TerminalSource } from './logView/logSource';
export { jobSource, runSource } from './logView/logSource';

/** Quiet time after a prompt (output without a newline) before we say the program waits for input. */
const WAIT_QUIET_MS = 1_000;

/**
 * A live terminal. With an input channel (source.input), what the user types goes to the
 * program (input(), pdb) and the terminal says when the program waits for input.
 *
 * The core cannot know when a program reads stdin (the run's pty gives no such signal and
 * the supervisor does not trace syscalls), so "waiting for input" is a heuristic: the last
 * output ended without a newline (a prompt such as `input("name? ")` or `(Pdb) `) and nothing
 * more came for 1 s. It ends as soon as the user types or more output arrives.
 */
export function Terminal({ source, label, height }: { source: LogSource; label: string; height?: number }) {
  const interactive = Boolean(source.input);
  const term = useRef<XTerm | null>(null);
  // typed: the user has typed since the last newline in the output; the pty's echo of those keys is no prompt.
  const lastOutput = useRef({ at: 0, prompt: false, typed: false });
  const [waiting, setWaiting] = useState(false);

  useEffect(() => {
    if (!interactive) return;
    // Watches the output stream for the prompt-then-quiet pattern; a cheap check twice a second.
    const off = source.subscribe((data) => {
      const typed = lastOutput.current.typed && !/[\r\n]/.test(data);
      lastOutput.current = { at: performance.now(), prompt: !typed && data.length > 0 && !/[\r\n]$/.test(data), typed };
      setWaiting(false);
    });
    const timer = setInterval(() => {
      const { at, prompt } = lastOutput.current;
      const quiet = at > 0 && performance.now() - at >= WAIT_QUIET_MS;
      setWaiting((was) => {
        const now = prompt && quiet;
        // Take focus once when the wait starts, so typing answers at once.
        if (now && !was) term.current?.focus();
        return now;
      });
    }, 250);
    return () => {
      off();
      clearInterval(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [source.key, interactive]);

  // The replay on attach can also end in a prompt (the run was already waiting when the view opened).
  const seenReplay = useRef(false);
  useEffect(() => {
    seenReplay.current = false;
  }, [source.key]);
  const watched: LogSource = interactive
    ? {
        ...source,
        attach: async () => {
          const result = await source.attach();
          if (!seenReplay.current && result.replay) {
            seenReplay.current = true;
            lastOutput.current = { at: performance.now(), prompt: !/[\r\n]$/.test(result.replay), typed: false };
          }
          return result;
        },
      }
    : source;

  return (
    <LogView
      source={watched}
      label={label}
      height={height}
      interactive={interactive}
      onTerminal={(t) => (term.current = t)}
      onInput={() => {
        lastOutput.current = { at: lastOutput.current.at, prompt: false, typed: true };
        setWaiting(false);
      }}
      status={
        interactive ? (
          waiting ? (
            <span className="log-waiting" role="status" data-testid="waiting-for-input">
              Waiting for input: type your answer and press Enter
            </span>
          ) : (
            <span className="muted" role="status">
              Live: type here to answer input() or drive pdb
            </span>
          )
        ) : null
      }
    />
  );
}
