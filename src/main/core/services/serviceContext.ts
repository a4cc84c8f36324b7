import type { ServiceRecord } from '../../../shared/api/serviceTypes';
import type { DockerEngine } from '../docker/dockerEngine';
import type { BuildService } from '../builds/buildService';
import type { EnvironmentService } from '../environments/environmentService';
import type { EventBus } from '../events';
import type { JobManager } from '../jobs/jobManager';
import type { ModelService } from '../models/modelService';
import type { Db } from '../workspace/database';
import type { WorkspacePaths } from '../workspace/paths';
import type { ServiceLayout } from './serviceLayout';
import type { ServiceStore } from './serviceStore';

export interface ServiceDependencies {
  db: Db;
  paths: WorkspacePaths;
  bus: EventBus;
  jobs: JobManager;
  builds: BuildService;
  environments: EnvironmentService;
  models: ModelService;
}

/**
 * What the deploy, start and reload steps need from the ServiceManager: it hands them this view of itself
 * so the steps live in their own files while the manager's public API stays as it was.
 */
export interface ServiceContext {
  readonly deps: ServiceDependencies;
  readonly store: ServiceStore;
  readonly engine: DockerEngine;
  layout(name: string): ServiceLayout;
  get(name: string): ServiceRecord;
  getLive(name: string): Promise<ServiceRecord>;
  /** Tells the UI (services.changed) what the store now holds for the service. */
  changed(name: string): void;
  /** Stops what serves the service: its process group, or its container (which is removed). */
  stopServing(service: ServiceRecord): Promise<void>;
}
