/** One line of a run's events file, as src/runtime/benchtop/_writer.py writes it. */
export type RunEvent =
  | { type: 'scalar'; name: string; value: unknown; step?: unknown; description?: string; t: number }
  | { type: 'list'; name: string; value: unknown[]; t: number }
  | { type: 'row'; name: string; value: Record<string, unknown>; t: number }
  | { type: 'table'; name: string; value: Record<string, unknown[]>; t: number }
  | { type: 'image'; name: string; path: string; t: number }
  | { type: 'tags'; tags: Record<string, string>; removed?: string[]; t: number }
  | { type: 'properties'; properties: Record<string, string>; t: number }
  /** MLflow params (log_param): a key keeps its first value, as MLflow refuses to change one. */
  | { type: 'params'; params: Record<string, string>; t: number }
  | { type: 'file'; name: string; t: number }
  | { type: 'register_model'; name: string; version: number; path: string | null; t: number }
  | { type: 'status'; status: 'Completed' | 'Failed'; error?: string | null; t: number };

export type MetricValue = number | string | boolean | null;

export interface ScalarPoint {
  step: number;
  value: MetricValue;
  t: number;
}

export interface RunMetrics {
  scalars: Record<string, ScalarPoint[]>;
  lists: Record<string, MetricValue[]>;
  rows: Record<string, Record<string, MetricValue[]>>;
  tables: Record<string, Record<string, MetricValue[]>>;
  images: Record<string, string[]>;
  tags: Record<string, string>;
  properties: Record<string, string>;
  /** MLflow params (mlflow.log_param). */
  params: Record<string, string>;
  files: string[];
  /** Model versions the script registered (run.register_model). */
  models: { name: string; version: number; path: string | null }[];
  status: { status: 'Completed' | 'Failed'; error: string | null } | null;
}

/** NaN and the infinities travel as {"$float": "NaN"} (JSON has no literal for them). */
export function decodeValue(value: unknown): MetricValue {
  if (value && typeof value === 'object' && '$float' in value) {
    const f = (value as { $float: string }).$float;
    return f === 'NaN' ? Number.NaN : f === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function emptyMetrics(): RunMetrics {
  return {
    scalars: {},
    lists: {},
    rows: {},
    tables: {},
    images: {},
    tags: {},
    properties: {},
    params: {},
    files: [],
    models: [],
    status: null,
  };
}

/** Folds events into the run's metrics; scalars without a step get the next index of their series. */
export function applyRunEvents(metrics: RunMetrics, events: RunEvent[]): RunMetrics {
  for (const event of events) {
    switch (event.type) {
      case 'scalar': {
        const series = (metrics.scalars[event.name] ??= []);
        const step = typeof event.step === 'number' ? event.step : series.length;
        series.push({ step, value: decodeValue(event.value), t: event.t });
        break;
      }
      case 'list':
        metrics.lists[event.name] = event.value.map(decodeValue);
        break;
      case 'row': {
        const row = (metrics.rows[event.name] ??= {});
        for (const [column, value] of Object.entries(event.value)) (row[column] ??= []).push(decodeValue(value));
        break;
      }
      case 'table':
        metrics.tables[event.name] = Object.fromEntries(
          Object.entries(event.value).map(([c, values]) => [c, values.map(decodeValue)]),
        );
        break;
      case 'image':
        (metrics.images[event.name] ??= []).push(event.path);
        break;
      case 'tags':
        Object.assign(metrics.tags, event.tags);
        for (const key of event.removed ?? []) delete metrics.tags[key];
        break;
      case 'properties':
        for (const [key, value] of Object.entries(event.properties)) metrics.properties[key] ??= value;
        break;
      case 'params':
        for (const [key, value] of Object.entries(event.params)) metrics.params[key] ??= value;
        break;
      case 'file':
        metrics.files.push(event.name);
        break;
      case 'register_model':
        metrics.models.push({ name: event.name, version: event.version, path: event.path });
        break;
      case 'status':
        metrics.status = { status: event.status, error: event.error ?? null };
        break;
    }
  }
  return metrics;
}
