import { type ReactNode, useEffect, useRef } from 'react';
import { create } from 'zustand';

/*
 * A real modal confirmation. The platform's <dialog>.showModal() is used (not a hand-made overlay) because it makes
 * the rest of the page inert, puts the dialog in the top layer and gives Esc = cancel; Tab is additionally kept
 * inside the dialog. It says WHAT depends on the thing, and can refuse: with `blocked`, the only button is Close.
 *
 *   const confirm = useConfirm();
 *   if (await confirm({ title: 'Remove build?', dependents: ['service "iris"'], confirmLabel: 'Remove' })) ...
 */

export interface ConfirmRequest {
  title: string;
  /** One or two lines about what happens (e.g. "The files are deleted; the next build starts from scratch."). */
  message?: ReactNode;
  /** Things that use the target, named for the user ("service iris (running)"). */
  dependents?: string[];
  /** Heading over the dependents list (default "Used by"). */
  dependentsLabel?: string;
  /** When set, the action is refused: this line says why and how to unblock it; only Close is offered. */
  blocked?: string;
  /** The verb on the confirm button (Delete, Remove, Prune, ...). */
  confirmLabel?: string;
  /** The safe choice's label (default "Keep it", as on every screen; "Cancel" is kept for stopping work). */
  cancelLabel?: string;
  /** Red confirm button (default true: confirmations are for destructive actions). */
  danger?: boolean;
}

interface ConfirmState {
  request: (ConfirmRequest & { resolve: (ok: boolean) => void }) | null;
  ask(request: ConfirmRequest): Promise<boolean>;
  answer(ok: boolean): void;
}

const useConfirmStore = create<ConfirmState>((set, get) => ({
  request: null,
  ask: (request) =>
    new Promise<boolean>((resolve) => {
      get().request?.resolve(false); // a second question replaces (and cancels) the first
      set({ request: { ...request, resolve } });
    }),
  answer: (ok) => {
    const current = get().request;
    set({ request: null });
    current?.resolve(ok);
  },
}));

/** Returns `confirm(request) => Promise<boolean>`; needs <ConfirmHost /> mounted once (App does). */
export function useConfirm(): (request: ConfirmRequest) => Promise<boolean> {
  return useConfirmStore((s) => s.ask);
}

/** For code outside React (stores, handlers). */
export const confirmAction = (request: ConfirmRequest) => useConfirmStore.getState().ask(request);

export function ConfirmHost() {
  const request = useConfirmStore((s) => s.request);
  const answer = useConfirmStore((s) => s.answer);
  if (!request) return null;
  return <ConfirmDialog {...request} onAnswer={answer} />;
}

const FOCUSABLE = 'button:not([disabled]), [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

export function ConfirmDialog(props: ConfirmRequest & { onAnswer: (ok: boolean) => void }) {
  const {
    title,
    message,
    dependents,
    dependentsLabel,
    blocked,
    confirmLabel = 'Delete',
    danger = true,
    onAnswer,
  } = props;
  const cancelLabel = props.cancelLabel ?? 'Keep it';
  const ref = useRef<HTMLDialogElement>(null);
  const returnFocus = useRef<Element | null>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    returnFocus.current = document.activeElement;
    if (!dialog.open) dialog.showModal();
    // Start on the safe choice: Enter right after opening does not delete anything.
    dialog.querySelector<HTMLButtonElement>('button[data-cancel]')?.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (returnFocus.current instanceof HTMLElement && returnFocus.current.isConnected) returnFocus.current.focus();
    };
  }, []);
  const onKeyDown = (e: React.KeyboardEvent<HTMLDialogElement>) => {
    if (e.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby="confirm-title"
      onKeyDown={onKeyDown}
      // Esc fires 'cancel'; keep React in charge of closing so the promise always settles.
      onCancel={(e) => {
        e.preventDefault();
        onAnswer(false);
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      {message ? <div className="confirm-message">{message}</div> : null}
      {dependents && dependents.length > 0 ? (
        <div className="confirm-dependents">
          <div className="muted">{dependentsLabel ?? 'Used by'}</div>
          <ul>
            {dependents.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {blocked ? (
        <p className="confirm-blocked" role="alert">
          {blocked}
        </p>
      ) : null}
      <div className="confirm-actions">
        <button type="button" data-cancel onClick={() => onAnswer(false)}>
          {blocked ? 'Close' : cancelLabel}
        </button>
        {blocked ? null : (
          <button type="button" className={danger ? 'danger-solid' : 'primary'} onClick={() => onAnswer(true)}>
            {confirmLabel}
          </button>
        )}
      </div>
    </dialog>
  );
}
