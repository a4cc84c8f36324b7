import path from 'node:path';
import type {
  ModelDetail,
  ModelQuery,
  ModelRecord,
  RegisteredModel,
  RegisterModel,
  UpdateModel,
} from '../../../shared/api/modelTypes';
import { FINAL_STATUSES } from '../../../shared/api/runStatus';
import { BenchtopError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import type { EventBus } from '../events';
import { jobFailure } from '../jobs/jobFailure';
import type { JobContext, JobManager } from '../jobs/jobManager';
import type { RunService } from '../runs/runService';
import { type Db, writeTransaction } from '../workspace/database';
import { nowIso } from '../workspace/files';
import { checkFreeSpace } from '../workspace/freeSpace';
import type { WorkspacePaths } from '../workspace/paths';
import { downloadFromBlobs, type DownloadResult } from './blobDownload';
import { BlobStore, type StagedFile } from './blobStore';
import { DownloadTarget } from './downloadTarget';
import { frameworkFromFlavors, inspectMlflowModel } from './mlflowModel';
import { checkFramework, checkModelName, diskFullError } from './modelRules';
import { type ModelSource, resolveRunPath, scanSource } from './modelSource';
import { ModelStore } from './modelStore';
import { progressReporter } from './progress';
import { editedTags } from './tagEdits';
import { checkModelDatasets, linkModelDatasets, unlinkModelDatasets } from '../datasets/lineage';
import { makeDirectory } from '../workspace/makeDirectory';

/** Measured on a 1 GiB register: 32 MB steps took the fsync at the end from ~0.5 s to almost nothing. */
const EARLY_FLUSH_BYTES = 32 * 1024 * 1024;

/**
 * The model registry: versions 1, 2, ... per name, files stored once per
 * content digest, lineage to the run and environment that made them. A
 * version becomes visible in one transaction after all its bytes are stored,
 * so a failed, canceled or killed registration leaves nothing half-made.
 */
export class ModelService {
  readonly store: ModelStore;
  readonly blobs: BlobStore;

  constructor(
    private readonly db: Db,
    private readonly paths: WorkspacePaths,
    private readonly jobs: JobManager,
    private readonly runs: RunService,
    private readonly bus: EventBus,
  ) {
    this.store = new ModelStore(db);
    this.blobs = new BlobStore(paths.models);
  }

  async register(input: RegisterModel): Promise<RegisteredModel> {
    const name = checkModelName(input.name);
    const checked = checkFramework(input.framework, input.frameworkVersion);
    const lineage = {
      runId: null as string | null,
      experiment: null as string | null,
      environment: null as string | null,
    };
    let absolute: string;
    let runDir: string | undefined;
    if (input.runId) {
      const run = this.runs.get(input.runId);
      runDir = this.runs.filesOf(run.id);
      absolute = resolveRunPath(runDir, !FINAL_STATUSES.has(run.status), input.path);
      Object.assign(lineage, { runId: run.id, experiment: run.experiment, environment: run.environment });
    } else {
      absolute = path.resolve(input.path);
    }
    const source = scanSource(absolute, input.path, runDir);
    const mlflow = inspectMlflowModel(source);
    // Without --framework an MLflow model is Custom, as on Azure, unless its flavor names a framework plainly.
    const { framework, frameworkVersion } =
      (!input.framework?.trim() && mlflow.info && frameworkFromFlavors(mlflow.info)) || checked;
    checkFreeSpace(this.paths.models, source.size, `registering ${name}`);
    // Unknown dataset versions are refused before anything is copied (and checked again in the transaction).
    checkModelDatasets(this.db, input.datasets ?? []);
    let version = 0;
    let linkedDatasets: string[] = [];
    const job = this.jobs.start(
      'model',
      `Register model ${name}`,
      { operation: 'register', model: name, requestId: input.requestId ?? '' },
      async (ctx) => {
        if (mlflow.warning) ctx.output.note(`Warning: ${mlflow.warning}`);
        ctx.output.note(
          `Registering model ${name} from ${input.runId ? `run ${input.runId}: ` : ''}${input.path} (${source.files.length} file${source.files.length === 1 ? '' : 's'}, ${formatBytes(source.size)})`,
        );
        const staged = await this.stageAll(source, ctx).catch((err: unknown) => {
          throw diskFullError(err, `registering ${name}`, this.paths.models, source.size);
        });
        const newFiles = staged.filter((f) => f.tmp !== null).length;
        try {
          version = writeTransaction(this.db, () => {
            const next = this.store.nextVersion(name);
            for (const file of staged) this.blobs.publish(file);
            this.store.insert(
              {
                name,
                description: input.description?.trim() || null,
                framework,
                frameworkVersion,
                tags: input.tags ?? {},
                properties: input.properties ?? {},
                ...lineage,
                root: source.root,
                kind: source.kind,
                size: source.size,
                fileCount: source.files.length,
                source: input.runId ? input.path : absolute,
                createdAt: nowIso(),
                mlflow: mlflow.info,
              },
              next,
              source.files.map((file, i) => ({
                path: file.path,
                size: file.size,
                digest: (staged[i] as StagedFile).digest,
              })),
            );
            // Lineage in the same transaction: a model version never exists without the data it was made from.
            linkedDatasets = linkModelDatasets(this.db, name, next, input.datasets ?? [], lineage.runId).map(
              (link) => link.name,
            );
            return next;
          });
        } finally {
          for (const file of staged) this.blobs.discard(file);
        }
        ctx.output.note(
          `Registered ${name} version ${version} (${newFiles === 0 ? 'all content was already stored' : `${newFiles} new file(s) stored`}).`,
        );
      },
    );
    const finished = await job.done;
    if (finished.state !== 'completed')
      throw jobFailure(finished, `Registering ${name} was canceled; no version was created.`);
    this.bus.emit('models.changed', { name });
    for (const dataset of new Set(linkedDatasets)) this.bus.emit('datasets.changed', { name: dataset });
    return { ...this.require(name, version), warnings: mlflow.warning ? [mlflow.warning] : [] };
  }

  /**
   * Each file is hashed while it is copied into staging. Content already
   * stored is dropped from staging (nothing is added); new content is on disk
   * (fsynced) before the version can point at it.
   */
  private async stageAll(source: ModelSource, ctx: JobContext): Promise<StagedFile[]> {
    this.blobs.removeAbandonedStaging();
    const progress = progressReporter(source.size, ctx);
    const staged: StagedFile[] = [];
    try {
      for (const file of source.files) {
        // Most content is new (a retrained model of the same size is still new), and new content is
        // fsynced: start writing it back while copying. A duplicate found at the end is just unlinked.
        const copy = await this.blobs.stage(file.absolute, {
          signal: ctx.signal,
          onBytes: progress.add,
          flushEvery: EARLY_FLUSH_BYTES,
        });
        staged.push(copy);
        if (this.blobs.has(copy.digest)) this.blobs.discard(copy);
        else await this.blobs.flush(copy);
      }
      return staged;
    } catch (err) {
      for (const file of staged) this.blobs.discard(file);
      throw err;
    }
  }

  list(query: ModelQuery): ModelRecord[] {
    return this.store.list(query);
  }

  get(name: string, version?: number): ModelDetail {
    const model = this.require(name, version);
    return {
      ...model,
      files: this.store.files(model.name, model.version),
      usedBy: this.store.usedBy(model.name, model.version),
      versions: this.store.versionCount(model.name),
    };
  }

  require(name: string, version?: number): ModelRecord {
    const model = this.store.get(name, version);
    if (model) return model;
    const known = this.store.get(name);
    throw new BenchtopError(
      'NOT_FOUND',
      version === undefined || !known
        ? `ModelNotFound: no model named "${name}".`
        : `ModelNotFound: model "${name}" has no version ${version} (the latest is ${known.version}).`,
      known
        ? `See \`benchtop model list -n ${name}\`.`
        : 'See `benchtop model list`, or register it with `benchtop model register`.',
    );
  }

  update(input: UpdateModel): ModelRecord {
    writeTransaction(this.db, () => {
      const model = this.require(input.name, input.version);
      const tags = editedTags(model.tags, input);
      const properties = { ...model.properties };
      for (const [key, value] of Object.entries(input.addProperties ?? {})) {
        if (Object.hasOwn(properties, key) && properties[key] !== value) {
          throw new BenchtopError(
            'BAD_INPUT',
            `Error, properties are immutable: "${key}" is already "${properties[key]}" on ${model.id}.`,
            'Add a property under a new key, or keep such values in tags (tags can change).',
          );
        }
        properties[key] = value;
      }
      const description = input.description !== undefined ? input.description.trim() || null : model.description;
      this.store.updateMetadata(model.name, model.version, { tags, properties, description });
      if (input.addDatasets?.length) linkModelDatasets(this.db, model.name, model.version, input.addDatasets, null);
    });
    this.bus.emit('models.changed', { name: input.name });
    return this.require(input.name, input.version);
  }

  /** Removes a version; content no other version uses is deleted with it. */
  delete(name: string, version: number): { freedBytes: number } {
    let freedBytes = 0;
    writeTransaction(this.db, () => {
      const model = this.require(name, version);
      const services = this.store.usedBy(name, version);
      if (services.length)
        throw new BenchtopError(
          'IN_USE',
          `${model.id} is used by the service${services.length > 1 ? 's' : ''} ${services.join(', ')}.`,
          'Delete those services, or update them to another version, first.',
        );
      this.store.delete(name, version);
      unlinkModelDatasets(this.db, name, version);
      // Inside the write lock: a registration publishes its blobs under the same lock, so none is removed under it.
      freedBytes = this.blobs.removeUnreferenced(this.store.allDigests());
    });
    this.bus.emit('models.changed', { name });
    return { freedBytes };
  }

  /**
   * Copies a version to `<directory>/<root>`, checking every byte against its digest; nothing
   * changes there unless all of it checked out. With existOk the version's own files are
   * overwritten (each in one rename); every other file in the folder stays.
   */
  async download(input: {
    name: string;
    version?: number;
    directory: string;
    existOk?: boolean;
    requestId?: string;
  }): Promise<DownloadResult> {
    const model = this.require(input.name, input.version);
    const files = this.store.files(model.name, model.version);
    const directory = path.resolve(input.directory);
    const target = path.join(directory, model.root);
    const plan = new DownloadTarget(directory, files, input.existOk ?? false, model.id);
    makeDirectory(directory);
    checkFreeSpace(directory, model.size, `downloading ${model.id}`);
    const job = this.jobs.start(
      'model',
      `Download model ${model.id}`,
      { operation: 'download', model: model.name, requestId: input.requestId ?? '' },
      async (ctx) => {
        ctx.output.note(`Downloading ${model.id} to ${target} (${formatBytes(model.size)})`);
        await downloadFromBlobs(this.blobs, plan, ctx, {
          what: `downloading ${model.id}`,
          directory,
          size: model.size,
          missingHint: 'Register the model again from its source.',
        });
        ctx.output.note(`Downloaded ${files.length} file(s), every checksum verified: ${target}`);
      },
    );
    const finished = await job.done;
    if (finished.state !== 'completed')
      throw jobFailure(finished, `Downloading ${model.id} was canceled; nothing was changed in ${directory}.`);
    return { path: target, files: files.length, size: model.size };
  }
}
