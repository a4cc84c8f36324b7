import { useSyncExternalStore } from 'react';

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

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
const exact = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "just now", "3 min ago", "yesterday", "in 2 hr"; older than 30 days: the date itself, which reads better. */
export function relativeText(ms: number, nowMs: number): string {
  const diff = ms - nowMs;
  const abs = Math.abs(diff);
  if (abs < 60_000) return 'just now';
  if (abs >= 30 * 86_400_000) return dateOnly.format(ms);
  for (const [unit, size] of UNITS) {
    if (abs >= size) return relative.format(Math.round(diff / size), unit);
  }
  return 'just now';
}

/** The exact local time, as shown in the tooltip. */
export function exactText(ms: number): string {
  return exact.format(ms);
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
