/**
 * How one cell's text is read, as pandas.read_csv reads it (its default NA strings, int64 / float64 / bool
 * recognition), plus ISO 8601 datetimes as Azure's dataprep infers them (pandas only parses dates when asked).
 */

/** pandas' default `na_values` (pandas._libs.parsers.STR_NA_VALUES, pandas 2 and 3): these cells are missing. */
export const PANDAS_NA_VALUES: ReadonlySet<string> = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
]);

/** pandas' default true_values / false_values for a bool column. */
const TRUE_TEXT: ReadonlySet<string> = new Set(['True', 'TRUE', 'true']);
const FALSE_TEXT: ReadonlySet<string> = new Set(['False', 'FALSE', 'false']);

const INTEGER = /^[+-]?\d+$/;
// pandas' float parser takes "1.", ".5" and exponents; "inf" is left out so every statistic stays a finite number.
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Milliseconds since 1970 for an ISO 8601 date or date-time (no zone: read as UTC, so values compare in the
 * order they are written), or null when TEXT is not one or names no real day (2023-02-30).
 */
export function parseIsoDatetime(text: string): number | null {
  const m = ISO_DATETIME.exec(text);
  if (!m) return null;
  const part = (i: number) => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second] = [part(1), part(2), part(3), part(4), part(5), part(6)];
  const fraction = m[7] ? Number(m[7]) * 1000 : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) + fraction;
  // Date.UTC rolls 2023-02-30 over into March: a day that does not exist is not a date.
  if (new Date(ms).getUTCDate() !== day) return null;
  const zone = m[8];
  if (!zone || zone === 'Z') return ms;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return ms - sign * offsetMinutes * 60_000;
}

/** What a cell holds once read. */
export type CellKind = 'missing' | 'int' | 'float' | 'bool' | 'datetime' | 'string';

/** The kind of a delimited file's cell, as pandas would read it (leading and trailing spaces ignored for numbers). */
export function textCellKind(text: string): CellKind {
  if (PANDAS_NA_VALUES.has(text)) return 'missing';
  const first = text.charCodeAt(0);
  // Only text starting like a number, a sign, a dot or a space can be one: skips the regexes for most words.
  if ((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46 || first === 32) {
    const trimmed = first === 32 || text.charCodeAt(text.length - 1) === 32 ? text.trim() : text;
    if (INTEGER.test(trimmed)) return 'int';
    if (FLOAT.test(trimmed)) return 'float';
    if (parseIsoDatetime(trimmed) !== null) return 'datetime';
    return 'string';
  }
  if (TRUE_TEXT.has(text) || FALSE_TEXT.has(text)) return 'bool';
  return 'string';
}

/** A bool cell's value (TEXT is one of pandas' true or false words). */
export function textIsTrue(text: string): boolean {
  return TRUE_TEXT.has(text);
}
