/** A versioned name's header (models, datasets): the name, how many versions, and "Register new version…". */
export function VersionsHeader({ name, count, onRegisterNew }: { name: string; count: number; onRegisterNew(): void }) {
  return (
    <header className="detail-header">
      <h2>{name}</h2>
      <span className="badge">
        {count} version{count === 1 ? '' : 's'}
      </span>
      <span className="spacer" />
      <button type="button" onClick={onRegisterNew}>
        Register new version…
      </button>
    </header>
  );
}
