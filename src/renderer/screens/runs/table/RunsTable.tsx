import { memo, useMemo, useRef } from 'react';
// @tanstack/react-virtual: maintained, ~3 kB, headless (our markup and CSS), measures nothing it need not;
// only the ~30 rows in view are in the DOM whether the table holds 50 runs or 10,000.
import { useVirtualizer } from '@tanstack/react-virtual';
import type { SweepSummary } from '../../../../shared/api/sweepTypes';
import { runColor } from '../../../components/runColors';
import { SweepBadge } from '../../sweeps/SweepBadge';
import { type ColumnId, type TableRun, cellValue, columnLabel } from './tableModel';
import './runsTable.css';

const ROW = 34;

export interface RunsTableProps {
  rows: TableRun[];
  columns: ColumnId[];
  selected: Set<string>;
  expanded: Set<string>;
  sweeps: SweepSummary[] | undefined;
  sort: { column: ColumnId; desc: boolean } | null;
  onSort(column: ColumnId): void;
  /** shift: extend from the last clicked row to this one. */
  onSelect(runId: string, shift: boolean): void;
  onSelectAll(select: boolean): void;
  onOpen(runId: string): void;
  onToggleChildren(runId: string): void;
}

/** Column widths: the run name wide, fixed columns as their content needs, params and metrics alike. */
function template(columns: ColumnId[]): string {
  const widths = columns.map((c) =>
    c === 'status'
      ? '110px'
      : c === 'duration'
        ? '84px'
        : c === 'environment'
          ? '170px'
          : c === 'experiment'
            ? '130px'
            : 'minmax(92px, 1fr)',
  );
  return ['34px', 'minmax(220px, 2fr)', ...widths].join(' ');
}

export function formatCell(column: ColumnId, value: ReturnType<typeof cellValue>): string {
  if (value === null || value === undefined) return '';
  if (column === 'duration' && typeof value === 'number')
    return value < 60 ? `${value.toFixed(1)} s` : `${Math.floor(value / 60)} m ${Math.round(value % 60)} s`;
  if (typeof value === 'number') return Number(value.toPrecision(4)).toString();
  return String(value);
}

/** The runs as a virtualised grid: sticky header and run column, sortable headers, checkbox selection. */
export function RunsTable(props: RunsTableProps) {
  const { rows, columns, selected, sort } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 12,
  });
  const gridTemplateColumns = useMemo(() => template(columns), [columns]);
  const allSelected = useMemo(() => rows.length > 0 && rows.every((r) => selected.has(r.run.id)), [rows, selected]);
  return (
    <div
      className="runs-grid"
      role="table"
      aria-label="Runs"
      aria-rowcount={rows.length + 1}
      ref={scroller}
      data-testid="runs-grid"
    >
      <div className="runs-grid-inner" style={{ height: virtualizer.getTotalSize() + ROW }}>
        <div className="runs-grid-row head" role="row" style={{ gridTemplateColumns }}>
          <span role="columnheader" className="sticky-col check">
            <input
              type="checkbox"
              aria-label="Select all shown runs"
              checked={allSelected}
              onChange={(e) => props.onSelectAll(e.target.checked)}
            />
          </span>
          <HeaderCell column="run" sort={sort} onSort={props.onSort} sticky />
          {columns.map((c) => (
            <HeaderCell key={c} column={c} sort={sort} onSort={props.onSort} />
          ))}
        </div>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index] as TableRun;
          return (
            <Row
              key={row.run.id}
              row={row}
              index={item.index}
              top={item.start + ROW}
              columns={columns}
              gridTemplateColumns={gridTemplateColumns}
              selected={selected.has(row.run.id)}
              expanded={props.expanded.has(row.run.id)}
              sweep={row.run.runType === 'hyperdrive' ? props.sweeps?.find((x) => x.id === row.run.id) : undefined}
              actions={props}
            />
          );
        })}
      </div>
    </div>
  );
}

/**
 * One run's row, memoised: while scrolling only the rows that come into view render (the others keep their
 * props: the same run object, selection and columns), so a frame does a few rows' work, not thirty.
 */
const Row = memo(function Row(props: {
  row: TableRun;
  index: number;
  top: number;
  columns: ColumnId[];
  gridTemplateColumns: string;
  selected: boolean;
  expanded: boolean;
  sweep: SweepSummary | undefined;
  actions: Pick<RunsTableProps, 'onSelect' | 'onOpen' | 'onToggleChildren'>;
}) {
  const { row, columns, selected, expanded, actions } = props;
  const { run, depth } = row;
  return (
    <div
      role="row"
      aria-rowindex={props.index + 2}
      aria-level={depth + 1}
      aria-selected={selected}
      className={`runs-grid-row${selected ? ' selected' : ''}`}
      style={{ gridTemplateColumns: props.gridTemplateColumns, transform: `translateY(${props.top}px)` }}
    >
      <span role="cell" className="sticky-col check">
        <input
          type="checkbox"
          aria-label={`Select ${run.id}`}
          checked={selected}
          onClick={(e) => actions.onSelect(run.id, e.shiftKey)}
          onChange={() => undefined}
        />
      </span>
      <span role="cell" className="sticky-col name" style={{ paddingLeft: 4 + depth * 18 }}>
        <span className="chip" style={{ background: runColor(run.id) }} aria-hidden="true" />
        {run.children > 0 ? (
          <button
            type="button"
            className="link"
            aria-expanded={expanded}
            aria-label={`${expanded ? 'Hide' : 'Show'} the ${run.children} child runs of ${run.id}`}
            title={`${run.children} child run${run.children === 1 ? '' : 's'}`}
            onClick={() => actions.onToggleChildren(run.id)}
          >
            {expanded ? '▾' : '▸'} {run.children}
          </button>
        ) : null}
        <button type="button" className="link run-link" title={run.id} onClick={() => actions.onOpen(run.id)}>
          {run.id}
        </button>
        {run.runType === 'hyperdrive' ? <SweepBadge summary={props.sweep} /> : null}
        {run.displayName && run.displayName !== run.id ? (
          <span className="muted ellipsis">{run.displayName}</span>
        ) : null}
      </span>
      {columns.map((c) => {
        if (c === 'status')
          return (
            <span key={c} role="cell">
              <span className={`state ${run.status.toLowerCase()}`}>{run.status}</span>
            </span>
          );
        const value = cellValue(row, c);
        return (
          <span key={c} role="cell" className={typeof value === 'number' ? 'num' : undefined}>
            {formatCell(c, value)}
          </span>
        );
      })}
    </div>
  );
});

function HeaderCell(props: {
  column: ColumnId;
  sort: RunsTableProps['sort'];
  onSort(column: ColumnId): void;
  sticky?: boolean;
}) {
  const active = props.sort?.column === props.column;
  const label = columnLabel(props.column);
  const kind = props.column.startsWith('param:') ? 'param' : props.column.startsWith('metric:') ? 'metric' : null;
  return (
    <span
      role="columnheader"
      className={props.sticky ? 'sticky-col name' : kind ? `col-${kind}` : undefined}
      aria-sort={active ? (props.sort?.desc ? 'descending' : 'ascending') : 'none'}
    >
      <button
        type="button"
        className="sort"
        title={`Sort by ${label}${kind ? ` (${kind})` : ''}`}
        onClick={() => props.onSort(props.column)}
      >
        {kind ? (
          <span className={`kind ${kind}`} aria-hidden="true">
            {kind === 'param' ? 'P' : 'M'}
          </span>
        ) : null}
        {label}
        {active ? (props.sort?.desc ? ' ↓' : ' ↑') : ''}
      </button>
    </span>
  );
}
