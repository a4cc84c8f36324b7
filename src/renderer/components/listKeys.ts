import type { KeyboardEvent } from 'react';

/** The rows a list's arrow keys move along, in the order they are on screen (after any filter, sort or grouping). */
const ROWS = '.env-row, [data-list-row]';

const isTextEntry = (target: EventTarget | null) =>
  target instanceof HTMLElement && target.closest('input, textarea, select, [contenteditable="true"]') !== null;

/**
 * ArrowUp/ArrowDown (and Home/End) move the selection in a list, clamped at both ends, and focus moves with it,
 * so Enter and Tab go on from the row the user sees selected. The order is the screen's: the rows are read from
 * the list's DOM, not from the store's array (which may be sorted or grouped differently from what is shown).
 * `items`/`selectedIndex`/`select` remain the fallback for a list that renders no row buttons.
 */
export function moveSelectionWithArrows<T>(
  event: KeyboardEvent,
  items: T[],
  selectedIndex: number,
  select: (item: T) => void,
): void {
  const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End'];
  if (!keys.includes(event.key) || event.altKey || event.ctrlKey || event.metaKey || isTextEntry(event.target)) return;
  const rows = [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>(ROWS)];
  if (rows.length > 0) {
    const focused = rows.findIndex((r) => r === document.activeElement);
    const current = focused >= 0 ? focused : rows.findIndex((r) => r.getAttribute('aria-current') === 'true');
    const next = rows[nextIndex(event.key, current, rows.length)];
    if (!next) return;
    event.preventDefault();
    next.focus();
    if (next !== rows[current] || current < 0) next.click();
    return;
  }
  const next = items[nextIndex(event.key, selectedIndex, items.length)];
  if (next === undefined) return;
  select(next);
  event.preventDefault();
}

function nextIndex(key: string, current: number, length: number): number {
  if (key === 'Home') return 0;
  if (key === 'End') return length - 1;
  if (current < 0) return key === 'ArrowDown' ? 0 : length - 1;
  return Math.min(length - 1, Math.max(0, current + (key === 'ArrowDown' ? 1 : -1)));
}
