import { z } from 'zod';

/** Azure ML v1's model name rule. */
export const MODEL_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,254}$/;

/** Azure ML v1's Model.Framework values (matched case-insensitively, stored in this spelling). */
export const MODEL_FRAMEWORKS = ['Custom', 'Multi', 'Onnx', 'PyTorch', 'ScikitLearn', 'TensorFlow', 'TfKeras'] as const;

export const ModelFile = z.object({ path: z.string(), size: z.number(), digest: z.string() });
export type ModelFile = z.infer<typeof ModelFile>;

/** A signature's columns or tensors as MLflow writes them (`{"type": "double", "name": "x", "required": true}`). */
const MlflowSpec = z.array(z.record(z.string(), z.unknown()));

/**
 * What a registered MLflow model folder's MLmodel file (and its environment files) says. Read once at
 * registration from the real files; the UI, `model show` and the no-code deploy use it.
 */
export const MlflowModelInfo = z.object({
  /** The folder holding MLmodel, as a path in the model ("model", or "outputs/model"). */
  path: z.string(),
  /** Each flavor's configuration exactly as in MLmodel (loader_module, python_version, sklearn_version, ...). */
  flavors: z.record(z.string(), z.record(z.string(), z.unknown())),
  signature: z
    .object({ inputs: MlflowSpec.nullable(), outputs: MlflowSpec.nullable(), params: MlflowSpec.nullable() })
    .nullable(),
  /** The serving_input_example.json the library wrote with the model (a ready /invocations body), up to 64 KiB. */
  servingInputExample: z.string().nullable(),
  /** The Python the model was saved with (python_env.yaml, conda.yaml or the python_function flavor). */
  pythonVersion: z.string().nullable(),
  /** The pip requirements of the file named in environmentFile (`-r requirements.txt` followed). */
  requirements: z.array(z.string()),
  /** conda.yaml's dependencies that are not pip packages (python and pip left out). */
  condaDependencies: z.array(z.string()),
  /** Which file the requirements come from: python_env.yaml, conda.yaml or requirements.txt (in `path`). */
  environmentFile: z.string().nullable(),
  mlflowVersion: z.string().nullable(),
  runId: z.string().nullable(),
  artifactPath: z.string().nullable(),
  modelUuid: z.string().nullable(),
  /** MLflow 3's LoggedModel id (null for a model saved with save_model). */
  modelId: z.string().nullable(),
  utcTimeCreated: z.string().nullable(),
});
export type MlflowModelInfo = z.infer<typeof MlflowModelInfo>;

export const ModelRecord = z.object({
  name: z.string(),
  version: z.number().int(),
  /** "name:version", as Azure ML's model.id. */
  id: z.string(),
  description: z.string().nullable(),
  framework: z.string(),
  frameworkVersion: z.string().nullable(),
  tags: z.record(z.string(), z.string()),
  properties: z.record(z.string(), z.string()),
  /** Lineage: the run that produced it, its experiment and environment ("name:version"). */
  runId: z.string().nullable(),
  experiment: z.string().nullable(),
  environment: z.string().nullable(),
  /** The basename of what was registered: a download yields `<target>/<root>`. */
  root: z.string(),
  kind: z.enum(['file', 'folder']),
  size: z.number(),
  fileCount: z.number().int(),
  /** Where it was registered from (a local path, or a path inside the run). */
  source: z.string().nullable(),
  createdAt: z.string(),
  /** Set when the folder is an MLflow model (an MLmodel file at its root, or in its single subfolder). */
  mlflow: MlflowModelInfo.nullable().optional(),
});
export type ModelRecord = z.infer<typeof ModelRecord>;

/** A registration's answer: the new version, and what it could not use (a broken MLmodel, as plain files). */
export const RegisteredModel = ModelRecord.extend({ warnings: z.array(z.string()).optional() });
export type RegisteredModel = z.infer<typeof RegisteredModel>;

export const ModelDetail = ModelRecord.extend({
  files: z.array(ModelFile),
  /** Services deployed with this version (a version in use cannot be deleted). */
  usedBy: z.array(z.string()),
  versions: z.number().int(),
});
export type ModelDetail = z.infer<typeof ModelDetail>;

const KeyValues = z.record(z.string().min(1).max(255), z.string().max(5000));

export const RegisterModel = z.object({
  name: z.string(),
  /** A local file or folder; with runId, a path inside that run (e.g. outputs/model.joblib). */
  path: z.string().min(1),
  runId: z.string().min(1).optional(),
  tags: KeyValues.optional(),
  properties: KeyValues.optional(),
  description: z.string().max(20_000).optional(),
  framework: z.string().optional(),
  frameworkVersion: z.string().optional(),
  /** Chosen by the caller so it can find the job (progress, cancel) before the call returns. */
  requestId: z.string().max(100).optional(),
  /** Azure's Model.register(datasets=[(purpose, dataset)]); a model registered from a run also links the run's datasets. */
  datasets: z
    .array(
      z.object({ purpose: z.string().min(1).max(100), name: z.string().min(1), version: z.number().int().positive() }),
    )
    .optional(),
});
export type RegisterModel = z.infer<typeof RegisterModel>;

export const ModelQuery = z.object({
  name: z.string().optional(),
  /** "key" or "key=value"; all must match. */
  tags: z.array(z.string()).optional(),
  properties: z.array(z.string()).optional(),
  runId: z.string().optional(),
  framework: z.string().optional(),
  /** Only the newest version of each name. */
  latest: z.boolean().optional(),
});
export type ModelQuery = z.infer<typeof ModelQuery>;

export const UpdateModel = z.object({
  name: z.string().min(1),
  version: z.number().int().positive(),
  /** Replaces all tags (Azure's model.update(tags=...)). */
  tags: KeyValues.optional(),
  addTags: KeyValues.optional(),
  removeTags: z.array(z.string()).optional(),
  /** Properties are add-only: a key that exists with another value is refused. */
  addProperties: KeyValues.optional(),
  description: z.string().max(20_000).optional(),
  /** Azure's model.add_dataset_references([(purpose, dataset)]): more links (ones already there are kept once). */
  addDatasets: z
    .array(
      z.object({ purpose: z.string().min(1).max(100), name: z.string().min(1), version: z.number().int().positive() }),
    )
    .optional(),
});
export type UpdateModel = z.infer<typeof UpdateModel>;

export const ModelRef = z.object({ name: z.string().min(1), version: z.number().int().positive().optional() });

/** "name" or "name:version" as typed on the command line. */
export function parseModelRef(text: string): { name: string; version?: number } {
  const match = /^(.+?)(?::(\d+))?$/.exec(text.trim());
  if (!match?.[1]) return { name: text };
  return match[2] ? { name: match[1], version: Number(match[2]) } : { name: match[1] };
}
