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
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] ? Number(m[4]) : 0;
  const minute = m[5] ? Number(m[5]) : 0;
  const second = m[6] ? Number(m[6]) : 0;
  // A day that does not exist (2023-02-30) is not a date.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const seconds = daysSince1970(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
  const ms = seconds * 1000 + (m[7] ? Number(m[7]) * 1000 : 0);
  const zone = m[8];
  if (!zone || zone === 'Z') return ms;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return ms - sign * offsetMinutes * 60_000;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil): Date.UTC's result, cheaper. */
function daysSince1970(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The instant of the last cell textCellKind called 'datetime' (so the caller need not parse it twice). */
export let lastDatetimeMs = 0;
/** The value of the last cell textCellKind called 'int' or 'float'. */
export let lastNumber = 0;

/** What a cell holds once read. */
export type CellKind = 'missing' | 'int' | 'float' | 'bool' | 'datetime' | 'string';

/** Whether a delimited cell is missing to pandas (one of its NA words; the longest has 8 characters). */
export function isMissingText(text: string): boolean {
  return text.length <= 8 && PANDAS_NA_VALUES.has(text);
}

const isDigit = (code: number) => code >= 48 && code <= 57;

/**
 * The kind of a delimited file's cell, as pandas would read it (leading and trailing spaces ignored for numbers).
 * Plain integers and dates are read character by character (a profile reads every cell of a 1 GB file: this is
 * most of its time after csv-parse's); anything else goes through the regular expressions above.
 */
export function textCellKind(text: string): CellKind {
  if (isMissingText(text)) return 'missing';
  const first = text.charCodeAt(0);
  if (isDigit(first) || first === 45) {
    const kind = plainIntOrDate(text, first);
    if (kind) return kind;
  }
  // Only text starting like a number, a sign, a dot or a space can be one: skips the regexes for most words.
  if (isDigit(first) || first === 43 || first === 45 || first === 46 || first === 32) {
    const trimmed = first === 32 || text.charCodeAt(text.length - 1) === 32 ? text.trim() : text;
    if (INTEGER.test(trimmed)) {
      lastNumber = Number(trimmed);
      return 'int';
    }
    if (FLOAT.test(trimmed)) {
      lastNumber = Number(trimmed);
      return 'float';
    }
    const ms = parseIsoDatetime(trimmed);
    if (ms === null) return 'string';
    lastDatetimeMs = ms;
    return 'datetime';
  }
  if (TRUE_TEXT.has(text) || FALSE_TEXT.has(text)) return 'bool';
  return 'string';
}

/** "123" / "-45" (up to 15 digits, exact in a double) or "YYYY-MM-DD", else null (the caller's general path). */
function plainIntOrDate(text: string, first: number): CellKind | null {
  const length = text.length;
  let i = first === 45 ? 1 : 0;
  if (i === length || length > 15) return length === 10 ? plainDate(text) : null;
  let value = 0;
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return length === 10 && i === 4 ? plainDate(text) : null;
    value = value * 10 + (code - 48);
  }
  lastNumber = first === 45 ? -value : value;
  return 'int';
}

function plainDate(text: string): CellKind | null {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  const digits = (from: number, to: number) => {
    let value = 0;
    for (let i = from; i < to; i++) {
      const code = text.charCodeAt(i);
      if (!isDigit(code)) return -1;
      value = value * 10 + (code - 48);
    }
    return value;
  };
  const year = digits(0, 4);
  const month = digits(5, 7);
  const day = digits(8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  lastDatetimeMs = daysSince1970(year, month, day) * 86_400_000;
  return 'datetime';
}

/** A bool cell's value (TEXT is one of pandas' true or false words). */
export function textIsTrue(text: string): boolean {
  return TRUE_TEXT.has(text);
}
