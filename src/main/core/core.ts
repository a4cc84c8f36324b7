import fs from 'node:fs';
import { BuildService } from './builds/buildService';
import { BundleService } from './bundles/bundleService';
import { DatasetService } from './datasets/datasetService';
import { CURATED_ENVIRONMENTS } from './environments/curated';
import { EnvironmentService } from './environments/environmentService';
import { EventBus } from './events';
import { JobManager } from './jobs/jobManager';
import { MlflowImporter } from './mlflowImport/mlflowImporter';
import { ModelService } from './models/modelService';
import { startParamsBackfill } from './runs/paramsBackfill';
import { RunService } from './runs/runService';
import { ServiceManager } from './services/serviceService';
import { SweepService } from './sweeps/sweepService';
import { ToolEnvironments } from './tools/toolEnvironment';
import { WheelService } from './wheels/wheelService';
import { type Db, openDatabase } from './workspace/database';
import { WorkspacePaths } from './workspace/paths';

/** The product, with no UI: what the desktop app, the server and the CLI all drive. */
export interface Core {
  paths: WorkspacePaths;
  db: Db;
  bus: EventBus;
  jobs: JobManager;
  builds: BuildService;
  environments: EnvironmentService;
  wheels: WheelService;
  runs: RunService;
  models: ModelService;
  /** Versioned files and tables, stored in the models' blob store (issue 16). */
  datasets: DatasetService;
  services: ServiceManager;
  /** HyperDrive sweeps (issue 13): submitted here, driven by the queue owner (sweeps/sweepDriver.ts). */
  sweeps: SweepService;
  /** Virtual environments Benchtop makes for itself to run a library it needs (mlflow for imports). */
  tools: ToolEnvironments;
  mlflowImporter: MlflowImporter;
  /** .btb bundles: export / import of environments, models, runs and services (issue 15). */
  bundles: BundleService;
  close(): void;
}

export function openCore(workspaceDir: string): Core {
  const paths = new WorkspacePaths(workspaceDir);
  fs.mkdirSync(paths.root, { recursive: true });
  const db = openDatabase(paths.database);
  const bus = new EventBus();
  const jobs = new JobManager(db, paths, bus);
  const builds = new BuildService(db, paths, jobs);
  const environments = new EnvironmentService(db, builds, bus);
  const wheels = new WheelService(db, paths);
  const runs = new RunService(db, paths, environments, bus, builds);
  const models = new ModelService(db, paths, jobs, runs, bus);
  const datasets = new DatasetService(db, paths, jobs, runs, bus, models);
  const services = new ServiceManager({ db, paths, bus, jobs, builds, environments, models });
  const tools = new ToolEnvironments(db, paths, jobs);
  const sweeps = new SweepService({ db, paths, bus, runs, environments, tools });
  const mlflowImporter = new MlflowImporter({ db, paths, jobs, bus, runs, models, tools });
  const bundles = new BundleService({ db, paths, jobs, bus, builds, environments, wheels, runs, models, services });
  for (const def of CURATED_ENVIRONMENTS) environments.register(def, { curated: true });
  // Runs from before the params column get it in the background (runs.table also fills a few first).
  const stopParamsBackfill = startParamsBackfill(db, paths, (line) => process.stderr.write(`benchtop: ${line}\n`));
  return {
    paths,
    db,
    bus,
    jobs,
    builds,
    environments,
    wheels,
    runs,
    models,
    datasets,
    services,
    sweeps,
    tools,
    mlflowImporter,
    bundles,
    close: () => {
      stopParamsBackfill();
      sweeps.close();
      runs.close();
      db.close();
    },
  };
}
