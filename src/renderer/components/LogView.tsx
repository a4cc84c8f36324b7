import type { Terminal as XTerm } from '@xterm/xterm';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useUi } from '../stores/ui';
import { LogSearch } from './logView/LogSearch';
import type { LogSource } from './logView/logSource';
import { useXtermLog } from './logView/useXtermLog';
import './logView/logView.css';

export type { LogSource } from './logView/logSource';
export { jobSource, polledSource, runSource, toTerminalNewlines } from './logView/logSource';

export interface LogViewProps {
  source: LogSource;
  /** The accessible name, e.g. "Build log of my-env:2". */
  label: string;
  /** Pixel height; by default the log fills its container (min 240 px, grows with the window). */
  height?: number;
  /** Send typed keys to source.input (the run terminal); plain logs are read-only. */
  interactive?: boolean;
  /** Offer "Latest error" beside "First error" (services: the newest traceback is the one that matters). */
  latestError?: boolean;
  /** Shown at the left of the toolbar (a state such as "waiting for input"). */
  status?: ReactNode;
  /** Called with the terminal once it exists (the run terminal focuses it). */
  onTerminal?(term: XTerm | null): void;
  /** Called after each typed key has gone to the source. */
  onInput?(data: string): void;
}

/** Text of the whole buffer: wrapped rows joined back into their lines. */
function allText(term: XTerm): string {
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < buffer.length; y++) {
    const line = buffer.getLine(y);
    if (!line) continue;
    const text = line.translateToString(true);
    if (line.isWrapped && lines.length) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

async function copy(text: string, what: string) {
  try {
    await navigator.clipboard.writeText(text);
    useUi.getState().notify(`Copied ${what}.`);
  } catch {
    useUi.getState().notify('The clipboard refused the copy: select the text and press Ctrl+Shift+C.');
  }
}

/**
 * The one log view for builds, runs and services (xterm): follows the tail unless the user
 * scrolls up, finds in place (Ctrl+F), marks error lines and jumps to them, copies.
 */
export function LogView({
  source,
  label,
  height,
  interactive,
  latestError,
  status,
  onTerminal,
  onInput,
}: LogViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const [searching, setSearching] = useState(false);
  const log = useXtermLog(host, source, Boolean(interactive), (data) => {
    source.input?.(data);
    onInput?.(data);
  });
  const { term } = log;

  useEffect(() => {
    onTerminal?.(term);
    if (!term) return;
    // Ctrl+F finds in the log and Ctrl+Shift+C copies, instead of going to the program.
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown') return true;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && !e.shiftKey && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        setSearching(true);
        return false;
      }
      if (mod && e.key.toLowerCase() === 'c' && (e.shiftKey || !interactive) && term.hasSelection()) {
        void copy(term.getSelection(), 'the selection');
        return false;
      }
      return true;
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [term]);

  const jumpToError = (index: number) => {
    log.jumpToError(index);
    // The log itself comes into view too, so the error is on screen with one click.
    frame.current?.scrollIntoView({ block: 'nearest' });
  };
  return (
    <div
      ref={frame}
      className={`log-view${height ? '' : ' fill'}`}
      style={height ? { height } : undefined}
      onKeyDown={(e) => {
        if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'f') {
          e.preventDefault();
          setSearching(true);
        }
      }}
    >
      <div className="log-toolbar" role="toolbar" aria-label="Log tools">
        {status}
        <span className="spacer" />
        {log.errorCount > 0 && latestError ? (
          <button type="button" className="log-error-button" onClick={() => jumpToError(-1)}>
            Latest error
          </button>
        ) : null}
        {log.errorCount > (latestError ? 1 : 0) ? (
          <button type="button" className="log-error-button" onClick={() => jumpToError(0)}>
            First error{log.errorCount > 1 ? ` (of ${log.errorCount})` : ''}
          </button>
        ) : null}
        <button
          type="button"
          onClick={() => setSearching((s) => !s)}
          title="Find in the log (Ctrl+F)"
          aria-pressed={searching}
        >
          Find
        </button>
        <button type="button" disabled={!term} onClick={() => term && void copy(allText(term), 'the whole log')}>
          Copy all
        </button>
      </div>
      {searching && log.search ? (
        <LogSearch
          search={log.search}
          onClose={() => {
            setSearching(false);
            term?.focus();
          }}
        />
      ) : null}
      <div className="log-body">
        <div className="terminal" ref={host} role="log" aria-label={label} data-testid="terminal" tabIndex={-1} />
        {log.following ? null : (
          <button type="button" className="log-follow" onClick={log.jumpToEnd} data-testid="log-follow">
            ↓ Jump to end and follow
          </button>
        )}
      </div>
    </div>
  );
}
