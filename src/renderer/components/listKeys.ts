import type { KeyboardEvent } from 'react';

/** ArrowUp/ArrowDown move the selection in a list (clamped at both ends). */
export function moveSelectionWithArrows<T>(
  event: KeyboardEvent,
  items: T[],
  selectedIndex: number,
  select: (item: T) => void,
): void {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  const next = items[Math.min(items.length - 1, Math.max(0, selectedIndex + (event.key === 'ArrowDown' ? 1 : -1)))];
  if (next === undefined) return;
  select(next);
  event.preventDefault();
}
