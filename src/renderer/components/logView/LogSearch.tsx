import type { SearchAddon } from '@xterm/addon-search';
import { useEffect, useRef, useState } from 'react';

const DECORATIONS = {
  matchBackground: '#5c4a1f',
  matchOverviewRuler: '#d7ba7d',
  activeMatchBackground: '#b58900',
  activeMatchColorOverviewRuler: '#ffd866',
};

/** The find bar inside a log: Enter / Shift+Enter for next / previous, Escape closes and returns to the log. */
export function LogSearch({ search, onClose }: { search: SearchAddon; onClose(): void }) {
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<{ index: number; count: number } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    const sub = search.onDidChangeResults((r) => setResult({ index: r.resultIndex, count: r.resultCount }));
    return () => {
      sub.dispose();
      search.clearDecorations();
    };
  }, [search]);
  const find = (forward: boolean, text = query) => {
    if (!text) {
      search.clearDecorations();
      setResult(null);
      return;
    }
    const options = { decorations: DECORATIONS, incremental: forward };
    if (forward) search.findNext(text, options);
    else search.findPrevious(text, options);
  };
  const count = result?.count ?? 0;
  return (
    <div className="log-search" role="search">
      <input
        ref={input}
        aria-label="Find in log"
        placeholder="Find in log"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          find(true, e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            find(!e.shiftKey);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            onClose();
          }
        }}
      />
      <span className="log-search-count" data-testid="log-search-count" aria-live="polite">
        {!query
          ? ''
          : count === 0
            ? 'No matches'
            : `${result && result.index >= 0 ? result.index + 1 : '?'} of ${count}`}
      </span>
      <button type="button" onClick={() => find(false)} disabled={count === 0} aria-label="Previous match">
        ↑
      </button>
      <button type="button" onClick={() => find(true)} disabled={count === 0} aria-label="Next match">
        ↓
      </button>
      <button type="button" onClick={onClose} aria-label="Close search">
        ×
      </button>
    </div>
  );
}
