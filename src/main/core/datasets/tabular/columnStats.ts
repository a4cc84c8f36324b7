import type { ColumnProfile, ColumnType } from '../../../../shared/api/datasetTypes';
import { isMissingText, lastDatetimeMs, lastNumber, parseIsoDatetime, textCellKind, type CellKind } from './cellValues';

/**
 * The type a column has once it held both A and B, as pandas widens: int + float = float; any other mix
 * (bool with numbers, dates with numbers) becomes text (pandas' object dtype).
 */
export function widenType(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b || b === 'empty') return a;
  if (a === 'empty') return b;
  if ((a === 'int' && b === 'float') || (a === 'float' && b === 'int')) return 'float';
  return 'string';
}

/**
 * One column's running profile: constant memory however many rows pass (no values kept), so a profile of a
 * 1 GB file costs what one of 1 MB does. The mean is a compensated (Neumaier) sum, close to pandas' pairwise one.
 */
export class ColumnStats {
  type: ColumnType = 'empty';
  missing = 0;
  /** Cells seen, missing or not (JSON lines: rows without the key are counted missing at the end). */
  seen = 0;
  private min = Infinity;
  private max = -Infinity;
  private sum = 0;
  private compensation = 0;
  private count = 0;
  private minText: string | null = null;
  private maxText: string | null = null;

  /** TEXT_ONLY: Azure's infer_column_types=False, every column is text (only missing values still count). */
  constructor(
    readonly name: string,
    textOnly = false,
  ) {
    if (textOnly) this.type = 'string';
  }

  addMissing(): void {
    this.seen++;
    this.missing++;
  }

  addNumber(value: number, integral: boolean): void {
    this.seen++;
    this.type = widenType(this.type, integral ? 'int' : 'float');
    if (this.type !== 'int' && this.type !== 'float') return;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    const total = this.sum + value;
    this.compensation += Math.abs(this.sum) >= Math.abs(value) ? this.sum - total + value : value - total + this.sum;
    this.sum = total;
    this.count++;
  }

  addBool(): void {
    this.seen++;
    this.type = widenType(this.type, 'bool');
  }

  /** MS orders the values; TEXT is what is reported for the smallest and largest. */
  addDatetime(ms: number, text: string): void {
    this.seen++;
    this.type = widenType(this.type, 'datetime');
    if (this.type !== 'datetime') return;
    if (ms < this.min) [this.min, this.minText] = [ms, text];
    if (ms > this.max) [this.max, this.maxText] = [ms, text];
  }

  addString(): void {
    this.seen++;
    this.type = 'string';
  }

  /** A delimited file's cell, read as pandas would (see cellValues.ts). */
  addText(text: string): void {
    if (this.type === 'string') {
      // Already text: only whether it is missing still matters (and that is what most wide text columns cost).
      this.seen++;
      if (isMissingText(text)) this.missing++;
      return;
    }
    addTextOfKind(this, text, textCellKind(text));
  }

  profile(rowCount: number): ColumnProfile {
    const missing = this.missing + (rowCount - this.seen);
    const type = this.type;
    if (type === 'int' || type === 'float') {
      return {
        name: this.name,
        type,
        missing,
        min: this.min,
        max: this.max,
        mean: (this.sum + this.compensation) / this.count,
      };
    }
    if (type === 'datetime')
      return { name: this.name, type, missing, min: this.minText, max: this.maxText, mean: null };
    return { name: this.name, type, missing, min: null, max: null, mean: null };
  }
}

function addTextOfKind(stats: ColumnStats, text: string, kind: CellKind): void {
  switch (kind) {
    case 'missing':
      return stats.addMissing();
    case 'int':
    case 'float':
      return stats.addNumber(lastNumber, kind === 'int');
    case 'bool':
      return stats.addBool();
    case 'datetime':
      return stats.addDatetime(lastDatetimeMs, text.trim());
    default:
      return stats.addString();
  }
}

/** A JSON lines value: JSON's own types (a string stays text unless it is an ISO 8601 date-time). */
export function addJsonValue(stats: ColumnStats, value: unknown): void {
  if (value === null || value === undefined) return stats.addMissing();
  if (typeof value === 'number') return stats.addNumber(value, Number.isInteger(value));
  if (typeof value === 'boolean') return stats.addBool();
  if (typeof value === 'string') {
    const ms = stats.type === 'string' ? null : parseIsoDatetime(value);
    return ms === null ? stats.addString() : stats.addDatetime(ms, value);
  }
  return stats.addString();
}
