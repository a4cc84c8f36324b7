import type { ReactNode } from 'react';

interface VersionsTableProps<R extends { version: number }> {
  versions: R[];
  selected: number | null;
  onSelect(version: number): void;
  /** The headings after "Version", one for each cell that `cells` gives. */
  headers: string[];
  /** The row's cells after its version link, as <td> elements. */
  cells(version: R): ReactNode;
}

/** A name's versions, one row each: the version is a link that selects it, the rest is the registry's own. */
export function VersionsTable<R extends { version: number }>({
  versions,
  selected,
  onSelect,
  headers,
  cells,
}: VersionsTableProps<R>) {
  return (
    // Scrolls inside itself on a narrow window (the Run column stays reachable; the Version column stays put).
    <div className="table-wide">
      <table className="table versions" aria-label="Versions">
        <thead>
          <tr>
            <th>Version</th>
            {headers.map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr
              key={v.version}
              className={v.version === selected ? 'selected' : ''}
              aria-selected={v.version === selected}
            >
              <td>
                <button type="button" className="link" onClick={() => onSelect(v.version)}>
                  v{v.version}
                </button>
              </td>
              {cells(v)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
