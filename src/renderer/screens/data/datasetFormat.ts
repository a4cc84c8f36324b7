import type { DatasetRecord } from '../../../shared/api/datasetTypes';
import { formatBytes } from '../../../shared/format';

/** "150 rows", "1 row". */
export const rowsText = (count: number) => `${count.toLocaleString('en-US')} row${count === 1 ? '' : 's'}`;

/** "3 files · 1.2 MB · 150 rows · 2026-12-01": what a list row says about the newest version. */
export function datasetFacts(dataset: DatasetRecord): string {
  return [
    `${dataset.fileCount} file${dataset.fileCount === 1 ? '' : 's'}`,
    formatBytes(dataset.size),
    dataset.profile ? rowsText(dataset.profile.rowCount) : null,
    dataset.createdAt.slice(0, 10),
  ]
    .filter(Boolean)
    .join(' · ');
}

/** A profile value: integers as they are, other numbers to 6 significant digits, datetimes as ISO text. */
export function formatStat(value: number | string | null): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}
