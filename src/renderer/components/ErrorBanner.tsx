import type { ApiError } from '../../shared/errors';
import { uiWords } from '../forms/uiErrors';
import { useUi } from '../stores/ui';
import './messages.css';

/** An error as the user should see it: what went wrong, and the way out. */
export function ErrorMessage({ error, onDismiss }: { error: ApiError; onDismiss?: () => void }) {
  // The core's hints are written for the CLI too: the UI shows them in its own words, or not at all.
  const hint = uiWords(error.hint);
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
        {hint ? <div className="hint">{hint}</div> : null}
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

/**
 * The app's one message place: the last error (until dismissed or a later success) or success notice, floating
 * over the bottom right of the view, so a message coming or going never moves what is on screen.
 */
export function MessageArea() {
  const error = useUi((s) => s.error);
  const notice = useUi((s) => s.notice);
  const clearError = useUi((s) => s.clearError);
  return (
    <div className="message-area" data-testid="messages">
      {error ? <ErrorMessage error={error} onDismiss={clearError} /> : null}
      {notice ? (
        <div className="notice" role="status">
          {notice}
        </div>
      ) : null}
    </div>
  );
}
