import type { MlflowModelInfo } from '../../../shared/api/modelTypes';

/** The bodies the test console offers: Azure's /score, and MLflow's /invocations in each of its input shapes. */
export const BODY_KINDS = [
  { id: 'score', label: 'Azure: {"data": ...}', route: '/score', contentType: 'application/json' },
  { id: 'dataframe_split', label: 'dataframe_split', route: '/invocations', contentType: 'application/json' },
  { id: 'dataframe_records', label: 'dataframe_records', route: '/invocations', contentType: 'application/json' },
  { id: 'instances', label: 'instances', route: '/invocations', contentType: 'application/json' },
  { id: 'inputs', label: 'inputs', route: '/invocations', contentType: 'application/json' },
  { id: 'csv', label: 'CSV (text/csv)', route: '/invocations', contentType: 'text/csv' },
] as const;
export type BodyKind = (typeof BODY_KINDS)[number]['id'];

interface Table {
  columns: string[] | null;
  rows: unknown[][];
}

/** A placeholder value of an MLflow column type (double, long, string, boolean, ...). */
function sampleValue(type: unknown): unknown {
  switch (type) {
    case 'string':
      return 'text';
    case 'boolean':
      return false;
    case 'integer':
    case 'long':
      return 0;
    case 'binary':
      return '';
    default:
      return 0.0;
  }
}

/** A tensor of zeros of its spec's shape (-1, the batch dimension, as 1). */
function sampleTensor(spec: Record<string, unknown>): unknown {
  const tensor = spec['tensor-spec'] as { shape?: number[]; dtype?: string } | undefined;
  const shape = (tensor?.shape ?? [-1]).map((d) => (d < 0 ? 1 : Math.min(d, 8)));
  const zero = /int/.test(tensor?.dtype ?? '') ? 0 : 0.0;
  const build = (dims: number[]): unknown =>
    dims.length === 0 ? zero : Array.from({ length: dims[0] as number }, () => build(dims.slice(1)));
  return build(shape);
}

/**
 * A table to build bodies from: the input example the library saved with the model when there is one
 * (serving_input_example.json in dataframe_split form), else one row of placeholders from the signature.
 */
function sampleTable(info: MlflowModelInfo | null): Table | { tensor: unknown } | null {
  const example = parseExample(info?.servingInputExample ?? null);
  if (example) return example;
  const inputs = info?.signature?.inputs;
  if (!inputs?.length) return null;
  if (inputs.every((c) => c.type === 'tensor')) return { tensor: sampleTensor(inputs[0] as Record<string, unknown>) };
  const named = inputs.every((c) => typeof c.name === 'string');
  return { columns: named ? inputs.map((c) => String(c.name)) : null, rows: [inputs.map((c) => sampleValue(c.type))] };
}

function parseExample(text: string | null): Table | null {
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as { dataframe_split?: { columns?: string[]; data?: unknown[][] } };
    const split = parsed.dataframe_split;
    if (!split || !Array.isArray(split.data)) return null;
    return { columns: Array.isArray(split.columns) ? split.columns : null, rows: split.data };
  } catch {
    return null;
  }
}

const csvCell = (value: unknown) => {
  const cell = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
};

/** The ready-made body of a kind for the model (null info: the console's generic example). */
export function readyBody(kind: BodyKind, info: MlflowModelInfo | null): string {
  const sample = sampleTable(info);
  if (sample && 'tensor' in sample) {
    if (kind === 'csv') return '';
    const key = kind === 'score' ? 'data' : kind === 'instances' ? 'instances' : 'inputs';
    return JSON.stringify({ [key]: sample.tensor });
  }
  const table: Table = sample ?? { columns: null, rows: [[5.1, 3.5, 1.4, 0.2]] };
  const columns = table.columns ?? (table.rows[0] ?? []).map((_, i) => `c${i}`);
  const records = table.rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
  switch (kind) {
    case 'score':
      // Azure's no-code shape for an MLflow model; its {"data": [[...]]} for the rest.
      return info
        ? JSON.stringify({ input_data: { columns, index: table.rows.map((_, i) => i), data: table.rows } }, null, 1)
        : JSON.stringify({ data: table.rows }).replace(/,/g, ', ').replace(/:/g, ': ');
    case 'dataframe_split':
      return JSON.stringify({ dataframe_split: { columns, data: table.rows } }, null, 1);
    case 'dataframe_records':
      return JSON.stringify({ dataframe_records: records }, null, 1);
    case 'instances':
      return JSON.stringify({ instances: table.columns ? records : table.rows }, null, 1);
    case 'inputs':
      // TF serving's columnar form: each column's values.
      return JSON.stringify(
        {
          inputs: table.columns
            ? Object.fromEntries(columns.map((c, i) => [c, table.rows.map((r) => r[i])]))
            : table.rows,
        },
        null,
        1,
      );
    case 'csv':
      return [columns.map(csvCell).join(','), ...table.rows.map((row) => row.map(csvCell).join(','))].join('\n');
  }
}
