/** One lineage entry: a link that opens the other side (a run, a model, a dataset), then a muted note. */
export function LinkItem({ label, onOpen, note }: { label: string; onOpen(): void; note: string }) {
  return (
    <li>
      <button type="button" className="link" onClick={onOpen}>
        {label}
      </button>{' '}
      <span className="muted">{note}</span>
    </li>
  );
}
