import type { ReactNode } from 'react';

/*
 * The one empty-state pattern: an icon, a title, one line saying what the thing is or why it is empty,
 * and at most one primary action (the thing to do next). Used by every list and panel that can be empty.
 */
export interface EmptyStateProps {
  /** A short glyph or an inline SVG; decorative (hidden from screen readers). */
  icon?: ReactNode;
  title: string;
  /** One line: what goes here, or why nothing matched. */
  children?: ReactNode;
  /** The primary action's label and handler; omitted when there is nothing to do here. */
  action?: { label: string; onClick: () => void; disabled?: boolean };
  /** Compact variant for side panes and small panels. */
  compact?: boolean;
  testId?: string;
}

export function EmptyState({ icon = '○', title, children, action, compact, testId }: EmptyStateProps) {
  return (
    <div
      className={compact ? 'empty-state compact' : 'empty-state'}
      role="status"
      data-testid={testId ?? 'empty-state'}
    >
      <div className="empty-icon" aria-hidden="true">
        {icon}
      </div>
      <h3>{title}</h3>
      {children ? <p className="muted">{children}</p> : null}
      {action ? (
        <button type="button" className="primary" onClick={action.onClick} disabled={action.disabled}>
          {action.label}
        </button>
      ) : null}
    </div>
  );
}
