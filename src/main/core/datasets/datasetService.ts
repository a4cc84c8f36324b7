import { randomUUID } from 'node:crypto';
import {
  ANONYMOUS_DATASET_PREFIX,
  type DatasetDetail,
  type DatasetPreview,
  type DatasetProfile,
  type DatasetQuery,
  type DatasetRecord,
  type RegisteredDataset,
  type RegisterDataset,
  type TabularOptions,
  type UpdateDataset,
} from '../../../shared/api/datasetTypes';
import { BenchtopError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import type { EventBus } from '../events';
import type { JobManager } from '../jobs/jobManager';
import type { BlobStore, StagedFile } from '../models/blobStore';
import { diskFullError } from '../models/modelRules';
import { jobFailure } from '../jobs/jobFailure';
import type { ModelStore } from '../models/modelStore';
import { progressReporter } from '../models/progress';
import { editedTags } from '../models/tagEdits';
import type { RunService } from '../runs/runService';
import { type Db, writeTransaction } from '../workspace/database';
import { nowIso } from '../workspace/files';
import { checkFreeSpace } from '../workspace/freeSpace';
import type { WorkspacePaths } from '../workspace/paths';
import type { DownloadResult } from '../models/blobDownload';
import { downloadDataset } from './datasetDownload';
import { datasetNotFound } from './datasetFiles';
import { checkDatasetName, contentDigestOf, resolveTabular } from './datasetRules';
import { resolveSources } from './datasetSources';
import { stageFiles } from './datasetStaging';
import { DatasetStore } from './datasetStore';
import { listDatastores } from './datastores';
import { modelsUsingDataset, runsUsingDataset } from './lineage';
import { checkTableHead, previewTable, profileTable, type TableFile } from './tabular';

/**
 * The dataset registry: versions 1, 2, ... per name of files or tables, their bytes in the blob store models use
 * (identical content is stored once, whoever registered it). A version becomes visible in one transaction after
 * all its bytes are stored, so a failed, canceled or killed registration leaves nothing half-made.
 */
export class DatasetService {
  readonly store: DatasetStore;

  constructor(
    private readonly db: Db,
    private readonly paths: WorkspacePaths,
    private readonly jobs: JobManager,
    private readonly runs: RunService,
    private readonly bus: EventBus,
    /** The models' store and blobs: one blob store, and its garbage collection sees both registries. */
    private readonly models: { store: ModelStore; blobs: BlobStore },
  ) {
    this.store = new DatasetStore(db);
  }

  async register(input: RegisterDataset): Promise<RegisteredDataset> {
    const givenName = input.anonymous ? null : checkDatasetName(input.name);
    if (input.kind !== 'tabular' && input.tabular)
      throw new BenchtopError(
        'BAD_INPUT',
        'Table options (format, separator, header) were given for a file dataset.',
        'Register it as tabular (--tabular), or leave the table options out.',
      );
    const runId = input.runId ? this.runs.get(input.runId).id : null;
    const source = resolveSources(input.paths);
    const shownAs = input.paths.join(', ');
    let tabular: TabularOptions | null = null;
    if (input.kind === 'tabular') {
      const resolved = resolveTabular(source.files, input.tabular, shownAs);
      tabular = resolved.options;
      // A CSV whose rows do not fit its header is refused here, with its file and line, before anything is copied.
      await checkTableHead(resolved.tables, tabular);
    }
    const what = `registering ${givenName ?? 'an anonymous dataset'}`;
    checkFreeSpace(this.paths.models, source.size, what);
    let result: { name: string; version: number; created: boolean } | null = null;
    const job = this.jobs.start(
      'dataset',
      `Register dataset ${givenName ?? '(anonymous)'}`,
      { operation: 'register', dataset: givenName ?? '', requestId: input.requestId ?? '' },
      async (ctx) => {
        ctx.output.note(
          `Registering dataset ${givenName ?? '(anonymous)'} from ${shownAs} (${source.files.length} file${source.files.length === 1 ? '' : 's'}, ${formatBytes(source.size)})`,
        );
        const progress = progressReporter(source.size, ctx);
        const staged = await stageFiles(this.models.blobs, source.files, {
          signal: ctx.signal,
          onBytes: progress.add,
        }).catch((err: unknown) => {
          throw diskFullError(err, what, this.paths.models, source.size);
        });
        const files = source.files.map((file, i) => ({
          path: file.path,
          size: file.size,
          digest: (staged[i] as StagedFile).digest,
        }));
        const contentDigest = await contentDigestOf(input.kind, tabular, files);
        const name = givenName ?? `${ANONYMOUS_DATASET_PREFIX}${contentDigest.slice(0, 16)}`;
        const newFiles = staged.filter((f) => f.tmp !== null).length;
        try {
          result = writeTransaction(this.db, () => {
            const same = this.store.versionWithContent(name, contentDigest);
            if (same !== null) return { name, version: same, created: false };
            const next = this.store.nextVersion(name);
            if (next > 1 && input.createNewVersion === false)
              throw new BenchtopError(
                'ALREADY_EXISTS',
                `There is already a dataset registered under name "${name}". Specify \`create_new_version=True\` to register the dataset as a new version. Use \`update\`, \`add_tags\`, or \`remove_tags\` to change only the description or tags.`,
                `Register it as version ${next} with --new-version (create_new_version=True in Python), or use another name.`,
              );
            this.models.blobs.publishAll(staged);
            this.store.insert(
              {
                name,
                uuid: randomUUID(),
                kind: input.kind,
                description: input.description?.trim() || null,
                tags: input.tags ?? {},
                tabular,
                source: source.given,
                size: source.size,
                contentDigest,
                createdAt: nowIso(),
                runId,
                hidden: Boolean(input.anonymous),
              },
              next,
              files,
            );
            return { name, version: next, created: true };
          });
        } finally {
          for (const file of staged) this.models.blobs.discard(file);
        }
        ctx.output.note(
          result.created
            ? `Registered ${name} version ${result.version} (${newFiles === 0 ? 'all content was already stored' : `${newFiles} new file(s) stored`}).`
            : `${name} version ${result.version} has exactly this content already; nothing new was stored.`,
        );
      },
    );
    const finished = await job.done;
    if (finished.state !== 'completed' || !result)
      throw jobFailure(finished, `Registering ${givenName ?? 'the dataset'} was canceled; no version was created.`);
    const { name, version, created } = result as { name: string; version: number; created: boolean };
    if (created) this.bus.emit('datasets.changed', { name });
    return { ...this.require(name, version), created };
  }

  list(query: DatasetQuery): DatasetRecord[] {
    return this.store.list(query);
  }

  get(name: string, version?: number): DatasetDetail {
    return this.detail(this.require(name, version));
  }

  getById(id: string): DatasetDetail {
    const record = this.store.getById(id);
    if (!record)
      throw new BenchtopError(
        'NOT_FOUND',
        `Cannot find dataset with id "${id}" in the workspace.`,
        'See the ids with `benchtop data list --json`.',
      );
    return this.detail(record);
  }

  private detail(record: DatasetRecord): DatasetDetail {
    return {
      ...record,
      files: this.store.files(record.name, record.version),
      versions: this.store.versionCount(record.name),
      runs: runsUsingDataset(this.db, record.name, record.version),
      models: modelsUsingDataset(this.db, record.name, record.version),
    };
  }

  require(name: string, version?: number): DatasetRecord {
    const record = this.store.get(name, version);
    if (!record) throw datasetNotFound(this.db, name, version);
    return record;
  }

  update(input: UpdateDataset): DatasetRecord {
    writeTransaction(this.db, () => {
      const record = this.require(input.name, input.version);
      const tags = editedTags(record.tags, input);
      const description = input.description !== undefined ? input.description.trim() || null : record.description;
      this.store.updateMetadata(record.name, record.version, tags, description);
    });
    this.bus.emit('datasets.changed', { name: input.name });
    return this.require(input.name, input.version);
  }

  /** Removes a version (refused while a run or model records it); content nothing else uses is deleted with it. */
  delete(name: string, version: number): { freedBytes: number } {
    let freedBytes = 0;
    writeTransaction(this.db, () => {
      this.require(name, version);
      const runs = [...new Set(runsUsingDataset(this.db, name, version).map((use) => use.runId))];
      const models = [
        ...new Set(modelsUsingDataset(this.db, name, version).map((l) => `${l.model}:${l.modelVersion}`)),
      ];
      if (runs.length || models.length)
        throw new BenchtopError(
          'IN_USE',
          `Dataset ${name}:${version} is used by ${[
            runs.length ? `the run${runs.length > 1 ? 's' : ''} ${runs.join(', ')}` : '',
            models.length ? `the model${models.length > 1 ? 's' : ''} ${models.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join(' and ')}: their lineage needs it.`,
          runs.length
            ? 'Runs are kept for good, so this version stays while their record names it: register new data as a new version.'
            : 'Delete those model versions first (benchtop model delete NAME:VERSION), or keep this version.',
        );
      this.store.delete(name, version);
      // Inside the write lock: registrations publish their blobs under the same lock, so none is removed under them.
      freedBytes = this.models.blobs.removeUnreferenced(this.models.store.allDigests());
    });
    this.bus.emit('datasets.changed', { name });
    return { freedBytes };
  }

  async download(input: {
    name: string;
    version?: number;
    directory: string;
    overwrite?: boolean;
    requestId?: string;
  }): Promise<DownloadResult> {
    const record = this.require(input.name, input.version);
    return downloadDataset(
      { jobs: this.jobs, blobs: this.models.blobs },
      record,
      this.store.files(record.name, record.version),
      input,
    );
  }

  /** The head of a tabular version's tables (the tabular reader reads only what it shows). */
  async preview(name: string, version: number | undefined, rows: number): Promise<DatasetPreview> {
    const { options, tables } = this.tables(name, version);
    return previewTable(tables, options, rows);
  }

  /** Computed once per version, as a job with progress and cancel, and kept with the version. */
  async profile(input: {
    name: string;
    version?: number;
    recompute?: boolean;
    requestId?: string;
  }): Promise<DatasetProfile> {
    const record = this.require(input.name, input.version);
    if (record.profile && !input.recompute) return record.profile;
    const { options, tables } = this.tables(record.name, record.version);
    let profile: DatasetProfile | null = null;
    const job = this.jobs.start(
      'dataset',
      `Profile dataset ${record.name}:${record.version}`,
      { operation: 'profile', dataset: record.name, requestId: input.requestId ?? '' },
      async (ctx) => {
        ctx.output.note(`Profiling ${record.name}:${record.version} (${formatBytes(record.size)})`);
        const started = Date.now();
        const progress = progressReporter(
          tables.reduce((sum, file) => sum + file.size, 0),
          ctx,
        );
        let reported = 0;
        const computed = await profileTable(tables, options, {
          signal: ctx.signal,
          onProgress: (done) => {
            progress.add(done - reported);
            reported = done;
          },
        });
        profile = { ...computed, computedAt: nowIso(), seconds: (Date.now() - started) / 1000 };
        const stored = profile;
        writeTransaction(this.db, () => this.store.setProfile(record.name, record.version, stored));
        ctx.output.note(
          `Profiled ${stored.rowCount} rows, ${stored.columns.length} columns in ${stored.seconds.toFixed(1)} s.`,
        );
      },
    );
    const finished = await job.done;
    if (finished.state !== 'completed' || !profile)
      throw jobFailure(finished, `Profiling ${record.name}:${record.version} was canceled; nothing was stored.`);
    this.bus.emit('datasets.changed', { name: record.name });
    return profile;
  }

  datastores(): { name: string; path: string }[] {
    return listDatastores(this.paths);
  }

  /** A tabular version's table files, in the blob store, as the tabular reader takes them. */
  private tables(name: string, version: number | undefined): { options: TabularOptions; tables: TableFile[] } {
    const record = this.require(name, version);
    if (record.kind !== 'tabular' || !record.tabular)
      throw new BenchtopError(
        'BAD_INPUT',
        `${record.name}:${record.version} is a file dataset: it has no rows to read.`,
        'Register the table files as a tabular dataset (benchtop data register --tabular ...) to preview and profile them.',
      );
    const files = this.store.files(record.name, record.version).map((file) => ({
      absolute: this.models.blobs.blobPath(file.digest),
      path: file.path,
      size: file.size,
    }));
    // The stored options say how to read; which files are tables follows the same rule as at registration.
    const { tables } = resolveTabular(files, record.tabular, `${record.name}:${record.version}`);
    return { options: record.tabular, tables };
  }
}
