import type { DatasetDetail, DatasetPreview, DatasetProfile, DatasetRecord } from '../../../shared/api/datasetTypes';
import { formatBytes } from '../../../shared/format';
import { table } from '../output';
import { pairs } from './registryText';

/** How a tabular version is read, in words ("csv, header", "tsv, no header", "parquet"). */
export function readAs(record: DatasetRecord): string {
  const t = record.tabular;
  if (!t) return 'files';
  if (t.format !== 'delimited') return t.format;
  const format = t.separator === ',' ? 'csv' : t.separator === '\t' ? 'tsv' : `delimited "${t.separator}"`;
  return `${format}, ${t.header ? 'header' : 'no header'}`;
}

export function listTable(datasets: DatasetRecord[]): string {
  return table(
    ['NAME', 'VERSION', 'KIND', 'FILES', 'SIZE', 'TAGS', 'CREATED'],
    datasets.map((d) => [
      d.name,
      String(d.version),
      d.kind === 'tabular' ? `tabular (${readAs(d)})` : 'file',
      String(d.fileCount),
      formatBytes(d.size),
      pairs(d.tags),
      d.createdAt.slice(0, 19).replace('T', ' '),
    ]),
  );
}

const cell = (value: string | number | boolean | null): string =>
  value === null ? '' : typeof value === 'number' ? String(Number(value.toPrecision(6))) : String(value);

export function profileTable(profile: DatasetProfile): string {
  return table(
    ['COLUMN', 'TYPE', 'MISSING', 'MIN', 'MAX', 'MEAN'],
    profile.columns.map((c) => [c.name, c.type, String(c.missing), cell(c.min), cell(c.max), cell(c.mean)]),
  );
}

export function previewText(preview: DatasetPreview): string {
  const shown = table(
    preview.columns.map((c) => c.name),
    preview.rows.map((row) => row.map(cell)),
  );
  return preview.truncated ? `${shown}\n(first ${preview.rows.length} rows)` : shown;
}

export function detailText(d: DatasetDetail): string {
  const lines: (string | null)[] = [
    `${d.name}:${d.version}  (${d.kind === 'tabular' ? `tabular, ${readAs(d)}` : 'file'}, ${d.fileCount} file${d.fileCount === 1 ? '' : 's'}, ${formatBytes(d.size)}, ${d.versions} version${d.versions === 1 ? '' : 's'} of ${d.name})`,
    `Id:          ${d.id}`,
    d.description ? `Description: ${d.description}` : null,
    `Tags:        ${pairs(d.tags) || '-'}`,
    `Registered:  ${d.createdAt} from ${d.source.join(', ')}${d.runId ? ` by run ${d.runId}` : ''}`,
  ];
  if (d.kind === 'tabular' && !d.profile)
    lines.push(`Profile:     not computed yet (benchtop data profile ${d.name}:${d.version})`);
  if (d.profile)
    lines.push(
      `Profile:     ${d.profile.rowCount} rows, ${d.profile.columns.length} columns (computed ${d.profile.computedAt})`,
      indent(profileTable(d.profile)),
    );
  lines.push('Files:', ...d.files.slice(0, 50).map((f) => `  ${formatBytes(f.size).padStart(9)}  ${f.path}`));
  if (d.files.length > 50) lines.push(`  ... and ${d.files.length - 50} more (--json lists them all)`);
  lines.push('Used by runs:');
  lines.push(
    ...(d.runs.length
      ? d.runs.map(
          (r) => `  ${r.runId}  as ${r.inputName} (${r.mode}${r.via === 'api' ? ', read through the API' : ''})`,
        )
      : ['  -']),
  );
  lines.push('Models:');
  lines.push(...(d.models.length ? d.models.map((m) => `  ${m.model}:${m.modelVersion}  (${m.purpose})`) : ['  -']));
  return lines.filter((l) => l !== null).join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
