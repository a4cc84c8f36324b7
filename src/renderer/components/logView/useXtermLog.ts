import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { type IMarker, Terminal as XTerm } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { type RefObject, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useUi } from '../../stores/ui';
import { ErrorScanner } from './errorLines';
import type { LogSource } from './logSource';

/** Acknowledge drawn output in chunks of this size (flow control, see ARCHITECTURE.md "Live output"). */
const ACK_CHUNK = 5_000;

// One dark theme for every log, whatever the app theme: logs carry their own ANSI colours, tuned for dark.
const THEME = {
  background: '#0f1419',
  foreground: '#d8dee9',
  selectionBackground: '#3b4b63',
  overviewRulerBorder: '#0f1419',
};
const ERROR_RULER = '#e06c75';

export interface XtermLog {
  term: XTerm | null;
  search: SearchAddon | null;
  /** True while the view shows the newest output (new output keeps it there). */
  following: boolean;
  errorCount: number;
  jumpToEnd(): void;
  /** Puts the error line at the top of the view: 0 is the first error, -1 the latest. */
  jumpToError(index: number): void;
  /** Output since the last write, for the interactive terminal's "waiting for input" check. */
  lastWriteAt: RefObject<number>;
  endsWithoutNewline: RefObject<boolean>;
}

/**
 * The xterm lifecycle shared by every log and the interactive terminal: bytes go from the
 * core straight into xterm (never into React state), each write is acknowledged once drawn,
 * errors are marked as they arrive, and whether the view follows the tail is tracked.
 * xterm itself keeps the viewport still while the user has scrolled up, so "follow unless
 * the user scrolls up" is xterm's own behaviour; this only reports it.
 */
export function useXtermLog(
  host: RefObject<HTMLDivElement | null>,
  source: LogSource,
  interactive: boolean,
  onInput?: (data: string) => void,
): XtermLog {
  const [term, setTerm] = useState<XTerm | null>(null);
  const [search, setSearch] = useState<SearchAddon | null>(null);
  const [following, setFollowing] = useState(true);
  const [errorCount, setErrorCount] = useState(0);
  const markers = useRef<IMarker[]>([]);
  const lastWriteAt = useRef(0);
  const endsWithoutNewline = useRef(false);
  const inputRef = useRef(onInput);
  useLayoutEffect(() => {
    inputRef.current = onInput;
  });

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const xterm = new XTerm({
      allowProposedApi: true, // decorations (error markers, search highlights) are still "proposed" API
      convertEol: false,
      cursorBlink: interactive,
      disableStdin: !interactive,
      cursorInactiveStyle: interactive ? 'outline' : 'none',
      fontSize: 12,
      scrollback: 20_000,
      theme: THEME,
      overviewRuler: { width: 10 },
    });
    const fit = new FitAddon();
    const searchAddon = new SearchAddon();
    xterm.loadAddon(fit);
    xterm.loadAddon(searchAddon);
    xterm.open(el);
    const scanner = new ErrorScanner();
    markers.current = [];
    const refit = () => {
      try {
        fit.fit();
      } catch {
        // Not laid out yet (hidden tab): the next resize fits it.
      }
    };
    refit();
    const resize = new ResizeObserver(refit);
    resize.observe(el);
    const updateFollowing = () => {
      const b = xterm.buffer.active;
      setFollowing(b.viewportY >= b.baseY);
    };
    const markErrors = () => {
      if (!scanner.scan(xterm)) return;
      const b = xterm.buffer.active;
      const cursor = b.baseY + b.cursorY;
      for (const y of scanner.lines.slice(markers.current.length)) {
        const marker = xterm.registerMarker(y - cursor);
        if (!marker) continue;
        markers.current.push(marker);
        const decoration = xterm.registerDecoration({
          marker,
          width: xterm.cols,
          overviewRulerOptions: { color: ERROR_RULER },
        });
        decoration?.onRender((d) => d.classList.add('log-error-marker'));
      }
      setErrorCount(markers.current.filter((m) => !m.isDisposed).length);
    };
    const disposables = [
      xterm.onScroll(updateFollowing),
      xterm.onWriteParsed(() => {
        markErrors();
        updateFollowing();
      }),
      ...(interactive ? [xterm.onData((data) => inputRef.current?.(data))] : []),
      ...(source.resize ? [xterm.onResize(({ cols, rows }) => source.resize?.(cols, rows))] : []),
    ];
    // A wheel or key scroll may not raise onScroll before the next write: check after it lands.
    const onUserScroll = () => requestAnimationFrame(updateFollowing);
    el.addEventListener('wheel', onUserScroll, { passive: true });
    el.addEventListener('keyup', onUserScroll);

    let unacked = 0;
    let disposed = false;
    const write = (data: string) => {
      lastWriteAt.current = performance.now();
      endsWithoutNewline.current = data.length > 0 && !data.endsWith('\n');
      xterm.write(data, () => {
        unacked += data.length;
        if (unacked >= ACK_CHUNK) {
          source.ack?.(unacked);
          unacked = 0;
        }
      });
    };
    const off = source.subscribe(write);
    source
      .attach()
      .then(({ replay, truncated }) => {
        if (disposed) return;
        if (truncated) xterm.write('\x1b[2m(earlier output is in the log file)\x1b[0m\r\n');
        if (replay) write(replay);
        if (source.resize) source.resize(xterm.cols, xterm.rows);
      })
      .catch((err: unknown) => {
        if (!source.fallback) return useUi.getState().showError(err);
        void source
          .fallback()
          .then((text) => !disposed && write(text))
          .catch(() => useUi.getState().showError(err));
      });
    setTerm(xterm);
    setSearch(searchAddon);
    return () => {
      disposed = true;
      off();
      disposables.forEach((d) => d.dispose());
      el.removeEventListener('wheel', onUserScroll);
      el.removeEventListener('keyup', onUserScroll);
      resize.disconnect();
      source.detach?.();
      xterm.dispose();
      setTerm(null);
      setSearch(null);
    };
    // The source is identified by its key; a new object with the same key is the same stream.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [source.key, interactive]);

  const live = () => markers.current.filter((m) => !m.isDisposed && m.line >= 0);
  return {
    term,
    search,
    following,
    errorCount,
    lastWriteAt,
    endsWithoutNewline,
    jumpToEnd: () => {
      term?.scrollToBottom();
      setFollowing(true);
    },
    jumpToError: (index) => {
      const list = live();
      const marker = index < 0 ? list[list.length + index] : list[index];
      if (!term || !marker) return;
      // At the top of the view, or in the last page when fewer lines follow it (xterm cannot scroll past the end);
      // selecting the line marks it for the eye either way.
      term.scrollToLine(marker.line);
      term.selectLines(marker.line, marker.line);
      setFollowing(term.buffer.active.viewportY >= term.buffer.active.baseY);
    },
  };
}
