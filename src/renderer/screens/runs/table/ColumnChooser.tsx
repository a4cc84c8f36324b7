import { useEffect, useRef, useState } from 'react';
import { FIXED_COLUMNS, type ColumnId, metricColumn, paramColumn } from './tableModel';

/** A "Columns" menu: fixed columns, every parameter and every metric, each a checkbox; Esc or a click outside closes. */
export function ColumnChooser(props: {
  shown: ColumnId[];
  paramKeys: string[];
  metricKeys: string[];
  onChange(columns: ColumnId[]): void;
  onReset(): void;
}) {
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => box.current && !box.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  const toggle = (id: ColumnId, on: boolean) =>
    props.onChange(on ? [...props.shown.filter((c) => c !== id), id] : props.shown.filter((c) => c !== id));
  const match = (name: string) => name.toLowerCase().includes(search.toLowerCase());
  const group = (title: string, ids: [ColumnId, string][]) =>
    ids.length === 0 ? null : (
      <fieldset>
        <h4>{title}</h4>
        {ids.map(([id, name]) => (
          <label key={id}>
            <input type="checkbox" checked={props.shown.includes(id)} onChange={(e) => toggle(id, e.target.checked)} />
            {name}
          </label>
        ))}
      </fieldset>
    );
  return (
    <div
      className="column-chooser"
      ref={box}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setOpen(false);
      }}
    >
      <button type="button" aria-expanded={open} aria-haspopup="dialog" onClick={() => setOpen(!open)}>
        Columns ({props.shown.length})
      </button>
      {open ? (
        <div className="menu" role="dialog" aria-label="Choose columns">
          <input
            autoFocus
            aria-label="Find a column"
            placeholder="Find a column"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          {group(
            'Run',
            FIXED_COLUMNS.filter((c) => match(c)).map((c) => [c, c]),
          )}
          {group(
            `Parameters (${props.paramKeys.length})`,
            props.paramKeys.filter(match).map((k) => [paramColumn(k), k]),
          )}
          {group(
            `Metrics (${props.metricKeys.length})`,
            props.metricKeys.filter(match).map((k) => [metricColumn(k), k]),
          )}
          {props.paramKeys.length + props.metricKeys.length === 0 ? (
            <p className="muted">These runs have no parameters (--name value arguments) or metrics yet.</p>
          ) : null}
          <button type="button" onClick={props.onReset}>
            Reset to the defaults
          </button>
        </div>
      ) : null}
    </div>
  );
}
