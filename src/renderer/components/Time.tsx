import { useSyncExternalStore } from 'react';
import { exactText, relativeText } from './timeFormat';

/*
 * One time format for the whole UI: relative words ("3 min ago") with the exact local time on hover.
 * Every <Time> on screen shares ONE minute timer (started by the first subscriber, stopped with the last),
 * so a table of 10,000 runs does not run 10,000 intervals. Intl.RelativeTimeFormat / DateTimeFormat are the
 * platform's maintained formatters: no date library needed for this.
 */

const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 60_000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const getNow = () => now;

/** The current minute, shared by every caller; re-renders once a minute. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getNow, getNow);
}

export interface TimeProps {
  /** An ISO-8601 timestamp (as the core sends them); null/undefined shows `fallback`. */
  iso: string | null | undefined;
  /** What to show when there is no time (default "-"). */
  fallback?: string;
  className?: string;
}

/** `<Time iso="2026-01-02T03:04:05Z" />` -> <time title="exact local time">3 min ago</time>. */
export function Time({ iso, fallback = '-', className }: TimeProps) {
  const nowMs = useNow();
  if (!iso) return <span className={className}>{fallback}</span>;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return <span className={className}>{iso}</span>;
  return (
    <time dateTime={iso} title={exactText(ms)} className={className}>
      {relativeText(ms, nowMs)}
    </time>
  );
}
