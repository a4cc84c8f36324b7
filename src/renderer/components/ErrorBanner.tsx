import type { ApiError } from '../../shared/errors';

/** An error as the user should see it: what went wrong, and the way out. */
export function ErrorMessage({ error, onDismiss }: { error: ApiError; onDismiss?: () => void }) {
  return (
    <div className="error" role="alert">
      <div>
        <strong>{error.message}</strong>
        {error.location?.line ? (
          <span className="where">
            {' '}
            (line {error.location.line}
            {error.location.column ? `, column ${error.location.column}` : ''})
          </span>
        ) : null}
        {error.hint ? <div className="hint">{error.hint}</div> : null}
      </div>
      {onDismiss ? (
        <button type="button" className="ghost" onClick={onDismiss} aria-label="Dismiss error">
          ×
        </button>
      ) : null}
    </div>
  );
}

// The one empty-state pattern lives in EmptyState.tsx; re-exported so older imports get it too.
export { EmptyState } from './EmptyState';
