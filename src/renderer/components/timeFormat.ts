/* The words of <Time> (Time.tsx), kept free of React so they can be tested and reused in plain text. */
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
