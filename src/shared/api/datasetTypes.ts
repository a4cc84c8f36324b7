import { z } from 'zod';

/** Azure ML v1's dataset name rule (as for models: letters, digits, `.`, `_`, `-`; starts with a letter or digit). */
export const DATASET_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,254}$/;

/** Names given to datasets that were used without being registered (Azure's "saved" datasets); hidden from lists. */
export const ANONYMOUS_DATASET_PREFIX = 'anonymous_';

/** The default datastore every workspace has, as on Azure (a folder: `<workspace>/datastores/workspaceblobstore`). */
export const DEFAULT_DATASTORE = 'workspaceblobstore';

export const DatasetKind = z.enum(['file', 'tabular']);
export type DatasetKind = z.infer<typeof DatasetKind>;

export const TabularFormat = z.enum(['delimited', 'parquet', 'jsonl']);
export type TabularFormat = z.infer<typeof TabularFormat>;

/** How a tabular dataset's files are read (Azure's from_delimited_files / from_parquet_files / from_json_lines_files options). */
export const TabularOptions = z.object({
  format: TabularFormat,
  /** Delimited only: one character, or `\t` for TSV. */
  separator: z.string().min(1).max(4).default(','),
  /** Delimited only: whether the first line of each file is a header (Azure's header=True / ALL_FILES_HAVE_SAME_HEADERS). */
  header: z.boolean().default(true),
  encoding: z.enum(['utf8', 'latin1']).default('utf8'),
  /** Columns whose values are file paths in Azure's sense are not modelled; infer_column_types as Azure. */
  inferColumnTypes: z.boolean().default(true),
});
export type TabularOptions = z.infer<typeof TabularOptions>;

export const DatasetFile = z.object({ path: z.string(), size: z.number(), digest: z.string() });
export type DatasetFile = z.infer<typeof DatasetFile>;

export const ColumnType = z.enum(['int', 'float', 'bool', 'string', 'datetime', 'empty']);
export type ColumnType = z.infer<typeof ColumnType>;

export const ColumnProfile = z.object({
  name: z.string(),
  type: ColumnType,
  /** Values that are empty / null / NaN. */
  missing: z.number().int(),
  /** Numbers and datetimes: the smallest and largest value (datetimes as ISO text); strings: null. */
  min: z.union([z.number(), z.string()]).nullable(),
  max: z.union([z.number(), z.string()]).nullable(),
  /** Numeric columns only. */
  mean: z.number().nullable(),
});
export type ColumnProfile = z.infer<typeof ColumnProfile>;

export const DatasetProfile = z.object({
  rowCount: z.number().int(),
  columns: z.array(ColumnProfile),
  computedAt: z.string(),
  /** How long it took, for the UI and the benchmark. */
  seconds: z.number(),
});
export type DatasetProfile = z.infer<typeof DatasetProfile>;

/** The first rows of a tabular dataset, read from the head of its first file(s) only. */
export const DatasetPreview = z.object({
  columns: z.array(z.object({ name: z.string(), type: ColumnType })),
  /** Cell values as read (numbers, booleans, strings, null). */
  rows: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))),
  /** True when the dataset has more rows than shown. */
  truncated: z.boolean(),
});
export type DatasetPreview = z.infer<typeof DatasetPreview>;

export const DatasetRecord = z.object({
  name: z.string(),
  version: z.number().int(),
  /** Azure's dataset id: a GUID per registered version (Dataset.get_by_id). */
  id: z.string(),
  kind: DatasetKind,
  description: z.string().nullable(),
  tags: z.record(z.string(), z.string()),
  /** Tabular datasets: how their files are read; file datasets: null. */
  tabular: TabularOptions.nullable(),
  /** What was registered: the paths or globs as given (absolute). */
  source: z.array(z.string()),
  size: z.number(),
  fileCount: z.number().int(),
  /** BLAKE3 over (path, digest) of every file plus kind and tabular options: same content, same version. */
  contentDigest: z.string(),
  createdAt: z.string(),
  /** Computed once (datasets.profile); null until then. */
  profile: DatasetProfile.nullable(),
  /** Registered by a run (Dataset.register inside a script), else null. */
  runId: z.string().nullable(),
});
export type DatasetRecord = z.infer<typeof DatasetRecord>;

/** How a run gets a dataset: a read-only folder (mount), a copy in the run (download), or through the API (direct). */
export const DatasetMode = z.enum(['mount', 'download', 'direct']);
export type DatasetMode = z.infer<typeof DatasetMode>;

/** One dataset version a run used: as a submitted input, or read by the script through the API (`via: 'api'`). */
export const RunDatasetUse = z.object({
  runId: z.string(),
  /** The input name (as_named_input); for API reads the dataset's name. */
  inputName: z.string(),
  name: z.string(),
  version: z.number().int(),
  mode: DatasetMode,
  via: z.enum(['input', 'api']),
  /** Where the data was in the run (mount and download), else null. */
  path: z.string().nullable(),
});
export type RunDatasetUse = z.infer<typeof RunDatasetUse>;

/** One dataset version a model was made from (Azure's Model.register(datasets=[(purpose, dataset)])). */
export const ModelDatasetLink = z.object({
  model: z.string(),
  modelVersion: z.number().int(),
  /** "training", "validation", "inferencing", or the caller's word; "input" when inherited from the run. */
  purpose: z.string(),
  name: z.string(),
  version: z.number().int(),
});
export type ModelDatasetLink = z.infer<typeof ModelDatasetLink>;

export const DatasetDetail = DatasetRecord.extend({
  files: z.array(DatasetFile),
  versions: z.number().int(),
  /** Lineage: the runs that used this version and the models made from it. */
  runs: z.array(RunDatasetUse),
  models: z.array(ModelDatasetLink),
});
export type DatasetDetail = z.infer<typeof DatasetDetail>;

const KeyValues = z.record(z.string().min(1).max(255), z.string().max(5000));

export const RegisterDataset = z.object({
  /** Required unless anonymous. */
  name: z.string().optional(),
  /** Files, folders or globs (`data/**\/*.csv`); folders keep their inner structure. */
  paths: z.array(z.string().min(1)).min(1),
  kind: DatasetKind,
  tabular: TabularOptions.optional(),
  description: z.string().max(20_000).optional(),
  tags: KeyValues.optional(),
  /** Azure's create_new_version: false refuses when the name exists with different content. */
  createNewVersion: z.boolean().default(true),
  /** Register under an automatic hidden name (ANONYMOUS_DATASET_PREFIX + content digest) for an unregistered input. */
  anonymous: z.boolean().optional(),
  /** The run registering it (lineage: the data a run produced). */
  runId: z.string().optional(),
  /** Chosen by the caller so it can find the job (progress, cancel) before the call returns. */
  requestId: z.string().max(100).optional(),
});
export type RegisterDataset = z.input<typeof RegisterDataset>;

/** A registration's answer: the version, and whether it is new (false: identical content, the existing version). */
export const RegisteredDataset = DatasetRecord.extend({ created: z.boolean() });
export type RegisteredDataset = z.infer<typeof RegisteredDataset>;

export const DatasetQuery = z.object({
  name: z.string().optional(),
  /** "key" or "key=value"; all must match. */
  tags: z.array(z.string()).optional(),
  kind: DatasetKind.optional(),
  /** Only the newest version of each name. */
  latest: z.boolean().optional(),
  /** Include anonymous datasets. */
  all: z.boolean().optional(),
});
export type DatasetQuery = z.input<typeof DatasetQuery>;

export const DatasetRef = z.object({ name: z.string().min(1), version: z.number().int().positive().optional() });
export type DatasetRef = z.infer<typeof DatasetRef>;

export const UpdateDataset = z.object({
  name: z.string().min(1),
  version: z.number().int().positive(),
  tags: KeyValues.optional(),
  addTags: KeyValues.optional(),
  removeTags: z.array(z.string()).optional(),
  description: z.string().max(20_000).optional(),
});
export type UpdateDataset = z.infer<typeof UpdateDataset>;

/** A run input as submitted: which dataset version, under which name, in which mode. */
export const RunDatasetInput = z.object({
  /** as_named_input(name): the key in run.input_datasets and in `DatasetConsumptionConfig:<name>` arguments. */
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/),
  dataset: z.string().min(1),
  /** Omitted: the newest version at submit time (recorded, so a rerun uses the same one). */
  version: z.number().int().positive().optional(),
  /** Omitted: mount for a file dataset, direct for a tabular one (Azure: a TabularDataset cannot be mounted). */
  mode: DatasetMode.optional(),
  /** Where in the run's folder it appears (relative); default `inputs/<name>`. */
  pathOnCompute: z.string().optional(),
});
export type RunDatasetInput = z.input<typeof RunDatasetInput>;

/** "name" or "name:version". */
export function parseDatasetRef(text: string): { name: string; version?: number } {
  const match = /^(.+?)(?::(\d+))?$/.exec(text.trim());
  if (!match?.[1]) return { name: text };
  return match[2] ? { name: match[1], version: Number(match[2]) } : { name: match[1] };
}
