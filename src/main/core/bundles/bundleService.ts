import path from 'node:path';
import type { BundleSummary, ExportBundle, ImportBundle, ImportOutcome } from '../../../shared/api/bundleTypes';
import { BenchtopError } from '../../../shared/errors';
import type { BuildService } from '../builds/buildService';
import type { EnvironmentService } from '../environments/environmentService';
import type { EventBus } from '../events';
import type { JobManager } from '../jobs/jobManager';
import type { ModelService } from '../models/modelService';
import type { RunService } from '../runs/runService';
import type { ServiceManager } from '../services/serviceService';
import type { WheelService } from '../wheels/wheelService';
import type { Db } from '../workspace/database';
import type { WorkspacePaths } from '../workspace/paths';
import { readManifest, summarize } from './manifest';

export interface BundleDeps {
  db: Db;
  paths: WorkspacePaths;
  jobs: JobManager;
  bus: EventBus;
  builds: BuildService;
  environments: EnvironmentService;
  wheels: WheelService;
  runs: RunService;
  models: ModelService;
  services: ServiceManager;
}

/** `benchtop export` / `benchtop import FILE.btb`: parts of a workspace carried as one file. */
export class BundleService {
  constructor(private readonly deps: BundleDeps) {}

  async inspect(file: string): Promise<BundleSummary> {
    const absolute = path.resolve(file);
    const { manifest, bytes } = await readManifest(absolute);
    return summarize(absolute, bytes, manifest);
  }

  async export(_input: ExportBundle): Promise<BundleSummary> {
    throw new BenchtopError('UNSUPPORTED', 'bundles.export is being built.');
  }

  async import(_input: ImportBundle): Promise<ImportOutcome> {
    throw new BenchtopError('UNSUPPORTED', 'bundles.import is being built.');
  }
}
