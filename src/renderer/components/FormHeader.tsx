/** A form view's header: its title, and Close, which is off while the form's call runs. */
export function FormHeader({ title, onClose, busy }: { title: string; onClose(): void; busy: boolean }) {
  return (
    <header className="detail-header">
      <h2>{title}</h2>
      <span className="spacer" />
      <button type="button" onClick={onClose} disabled={busy}>
        Close
      </button>
    </header>
  );
}
