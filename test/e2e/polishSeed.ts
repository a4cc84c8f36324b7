import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/workspace';
import { type ServedApp, cli, cliAsync } from './serveFixture';

/*
 * One small workspace with something on every screen, seeded in a few seconds: a user-managed environment on the
 * system Python (its "build" only checks the interpreter) written in azureml-core's full JSON shape (spark,
 * databricks, `password: null`), two runs with metrics, a model registered from a run, a table dataset, a running
 * service and a finished two-trial sweep.
 */
export interface Seeded {
  project: string;
  runIds: string[];
  sweepId: string;
}

const AZURE_SHAPED_ENV = {
  name: 'shots-env',
  version: null,
  databricks: { eggLibraries: [], jarLibraries: [], mavenLibraries: [], pypiLibraries: [], rcranLibraries: [] },
  docker: {
    arguments: [],
    baseDockerfile: null,
    baseImage: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04',
    baseImageRegistry: { address: null, password: null, registryIdentity: null, username: null },
    buildContext: null,
    enabled: false,
    platform: { architecture: 'amd64', os: 'Linux' },
    sharedVolumes: true,
    shmSize: null,
  },
  environmentVariables: { EXAMPLE_ENV_VAR: 'EXAMPLE_VALUE' },
  inferencingStackVersion: null,
  python: {
    baseCondaEnvironment: null,
    condaDependenciesFile: null,
    interpreterPath: '/usr/bin/python3',
    userManagedDependencies: true,
  },
  r: null,
  spark: { packages: [], precachePackages: true, repositories: [] },
};

const TRAIN = [
  'import os, sys',
  'from azureml.core.run import Run',
  'run = Run.get_context()',
  'lr = float(sys.argv[1]) if len(sys.argv) > 1 else 0.1',
  'for i in range(40):',
  '    run.log("loss", 1.0 / (i + 1) + lr, step=i)',
  '    run.log("val_loss", 1.2 / (i + 1) + lr, step=i)',
  'run.log("accuracy", 0.8 + lr / 10)',
  'run.log("f1_score_macro_average", 0.7 + lr / 10)',
  'os.makedirs("outputs", exist_ok=True)',
  'open("outputs/model.txt", "w").write(str(lr))',
  'print("done", lr)',
  '',
].join('\n');

const SWEEP_TRIAL = [
  'import argparse',
  'from azureml.core.run import Run',
  'p = argparse.ArgumentParser()',
  'p.add_argument("--lr", type=float)',
  'a = p.parse_args()',
  'run = Run.get_context()',
  'for i in range(5):',
  '    run.log("accuracy", a.lr * (i + 1))',
  '',
].join('\n');

const SCORE = ['import json', 'def init():', '    pass', 'def run(raw):', '    return {"echo": json.loads(raw)}', ''];

/** The Azure-shaped user-managed environment shots-env, registered and built (an interpreter check). */
export function seedEnvironment(app: ServedApp, project = tempDir('bt-e2e-polish-')): string {
  fs.mkdirSync(path.join(project, 'env'), { recursive: true });
  fs.writeFileSync(path.join(project, 'env', 'azureml_environment.json'), JSON.stringify(AZURE_SHAPED_ENV, null, 2));
  cli(app, ['env', 'register', '-d', path.join(project, 'env')]);
  cli(app, ['env', 'build', '-n', 'shots-env']);
  return project;
}

/** demo-svc: a running local service on shots-env serving demo-model (from `fromRun`'s outputs, else a file). */
export async function seedService(app: ServedApp, project: string, fromRun?: string): Promise<void> {
  fs.writeFileSync(path.join(project, 'score.py'), SCORE.join('\n'));
  if (fromRun) {
    const register = ['model', 'register', '-n', 'demo-model', '--run', fromRun, '-p', 'outputs/model.txt'];
    await cliAsync(app, [...register, '--tag', 'stage=dev']);
  } else {
    fs.writeFileSync(path.join(project, 'model.txt'), '0.1');
    await cliAsync(app, ['model', 'register', '-n', 'demo-model', '-p', path.join(project, 'model.txt')]);
  }
  const deploy = ['service', 'deploy', '-n', 'demo-svc', '-m', 'demo-model', '--entry-script', 'score.py'];
  await cliAsync(app, [...deploy, '-d', project, '-e', 'shots-env']);
}

const submitRun = async (app: ServedApp, project: string, lr: string) => {
  const args = ['--json', 'run', 'submit', '-d', project, '-s', 'train.py', '-e', 'shots-env', '-x', 'demo'];
  return (JSON.parse(await cliAsync(app, [...args, '--wait', '--', lr])) as { id: string }).id;
};

/** Everything above, seeded side by side where one step does not need another (the runs, the sweep, the dataset). */
export async function seedWorkspace(app: ServedApp): Promise<Seeded> {
  const project = seedEnvironment(app);
  fs.writeFileSync(path.join(project, 'train.py'), TRAIN);
  fs.writeFileSync(path.join(project, 'sweep.py'), SWEEP_TRIAL);
  fs.writeFileSync(path.join(project, 'iris.csv'), 'sepal_length,species\n5.1,setosa\n6.2,versicolor\n7.7,virginica\n');
  const grid = 'sampling:\n  type: grid\n  parameter_space:\n    --lr: choice(0.1, 0.2)\n';
  fs.writeFileSync(
    path.join(project, 'grid.yml'),
    `${grid}primary_metric: {name: accuracy, goal: maximize}\nmax_concurrent_runs: 2\n`,
  );
  const runsThenService = async () => {
    const ids = await Promise.all(['0.1', '0.3'].map((lr) => submitRun(app, project, lr)));
    await seedService(app, project, ids[0]);
    return ids;
  };
  const sweepArgs = ['--json', 'sweep', 'submit', '-f', path.join(project, 'grid.yml'), '-d', project];
  const [runIds, sweep] = await Promise.all([
    runsThenService(),
    cliAsync(app, [...sweepArgs, '-s', 'sweep.py', '-x', 'sweepy', '-e', 'shots-env', '--wait']),
    cliAsync(app, ['data', 'register', '-n', 'iris-table', '-p', path.join(project, 'iris.csv'), '--tabular']),
  ]);
  return { project, runIds, sweepId: (JSON.parse(sweep) as { id: string }).id };
}

/** Stops the seeded service (a process of its own) so no server outlives the test. */
export function unseed(app: ServedApp): void {
  try {
    cli(app, ['service', 'delete', 'demo-svc'], 30_000);
  } catch {
    // already gone
  }
}
