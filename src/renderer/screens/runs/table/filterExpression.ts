import { type ColumnId, type TableRun, cellValue, metricColumn, paramColumn, toNumber } from './tableModel';

/**
 * The table's filter box. Clauses are separated by spaces or commas; all must hold:
 *   lr > 0.01      a parameter or metric compared (> >= < <= = !=); numbers compare as numbers
 *   optimizer=adam text equality (case-insensitive); status=Failed, experiment=x work too
 *   name~abc       contains
 *   word           any shown cell, the run's name or id contains it
 * A clause naming no known column is reported, not silently ignored.
 */
export type Clause =
  | { kind: 'text'; text: string }
  | { kind: 'compare'; column: ColumnId; op: '>' | '>=' | '<' | '<=' | '=' | '!=' | '~'; value: string };

export interface ParsedFilter {
  clauses: Clause[];
  /** Names that are no column of these runs (the user's typo, said back to them). */
  unknown: string[];
}

const CLAUSE = /([^\s,<>=!~]+)\s*(>=|<=|!=|>|<|=|~)\s*("[^"]*"|[^\s,]+)|("[^"]*"|[^\s,]+)/g;

export function parseFilter(text: string, paramKeys: string[], metricKeys: string[]): ParsedFilter {
  const clauses: Clause[] = [];
  const unknown: string[] = [];
  for (const m of text.matchAll(CLAUSE)) {
    if (m[1] !== undefined) {
      const name = m[1];
      const value = unquote(m[3] as string);
      const op = m[2] as Extract<Clause, { kind: 'compare' }>['op'];
      const column = resolveColumn(name, paramKeys, metricKeys);
      if (column) clauses.push({ kind: 'compare', column, op, value });
      else unknown.push(name);
    } else clauses.push({ kind: 'text', text: unquote(m[4] as string).toLowerCase() });
  }
  return { clauses, unknown };
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/** A metric wins over a parameter of the same name only when written `metric:x`; a bare name prefers params. */
function resolveColumn(name: string, paramKeys: string[], metricKeys: string[]): ColumnId | null {
  if (name.startsWith('param:') || name.startsWith('metric:')) return name;
  const lower = name.toLowerCase();
  if (['status', 'experiment', 'environment', 'duration', 'run'].includes(lower)) return lower;
  if (paramKeys.includes(name)) return paramColumn(name);
  if (metricKeys.includes(name)) return metricColumn(name);
  return null;
}

export function matches(row: TableRun, filter: ParsedFilter, shown: ColumnId[]): boolean {
  for (const clause of filter.clauses) {
    if (clause.kind === 'text') {
      const hay = [row.run.id, row.run.displayName ?? '', ...shown.map((c) => String(cellValue(row, c) ?? ''))];
      if (!hay.some((h) => h.toLowerCase().includes(clause.text))) return false;
      continue;
    }
    const cell = cellValue(row, clause.column);
    if (cell === null || cell === undefined) return false;
    if (!compare(cell, clause.op, clause.value)) return false;
  }
  return true;
}

function compare(cell: string | number | boolean, op: Extract<Clause, { kind: 'compare' }>['op'], value: string) {
  const text = String(cell).toLowerCase();
  const want = value.toLowerCase();
  if (op === '~') return text.includes(want);
  const a = toNumber(cell);
  const b = toNumber(value);
  if (a !== null && b !== null) {
    if (op === '>') return a > b;
    if (op === '>=') return a >= b;
    if (op === '<') return a < b;
    if (op === '<=') return a <= b;
    return op === '=' ? a === b : a !== b;
  }
  if (op === '=') return text === want;
  if (op === '!=') return text !== want;
  return false; // > and < need numbers
}
