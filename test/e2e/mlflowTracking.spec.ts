import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { mlflowVenvPythonSync } from '../helpers/mlflowVenvSpec';
import { requireComponent, tempDir } from '../helpers/workspace';
import { type ServedApp, cli, serve } from './serveFixture';

/**
 * A script that logs with the real mlflow client (issue 14): its metrics chart grows in the run's Metrics tab
 * while it runs, and its MLflow params are a Parameters table there.
 */

let app: ServedApp;
let mlflow: string | null;
const project = tempDir('bt-e2e-mlflow-src-');

const SCRIPT = String.raw`
import os, time
import mlflow
with mlflow.start_run():
    mlflow.log_params({"lr": 0.01, "optimizer": "adam"})
    for step in range(200):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        if step == 4:
            # Wait until the test has seen the first points: the chart must grow while the run is live.
            while not os.path.exists("go"):
                time.sleep(0.05)
`;

test.beforeAll(async () => {
  mlflow = mlflowVenvPythonSync();
  if (!requireComponent('the mlflow client venv (node_modules/.cache/benchtop-mlflow-venv)', mlflow !== null)) return;
  app = await serve();
  fs.writeFileSync(path.join(project, 'train.py'), SCRIPT);
  const envDir = path.join(project, '..', `${path.basename(project)}-env`);
  fs.mkdirSync(envDir, { recursive: true });
  fs.writeFileSync(
    path.join(envDir, 'azureml_environment.json'),
    JSON.stringify({ name: 'mlflow-e2e', python: { userManagedDependencies: true, interpreterPath: mlflow } }),
  );
  cli(app, ['env', 'register', '-d', envDir]);
});
test.afterAll(() => app?.stop());

test('an MLflow script: live metric chart and a Parameters table in the run', async ({ page }) => {
  test.skip(!mlflow, 'the mlflow client venv is not available (no package index)');
  // Submitted through the CLI (the UI's submit form is covered by runs.spec.ts); not waited for.
  const submitted = spawn(
    process.execPath,
    [
      path.join(__dirname, '..', '..', 'bin', 'benchtop.js'),
      '--workspace',
      app.workspace,
      '--json',
      'run',
      'submit',
    ].concat(['-d', project, '-s', 'train.py', '-e', 'mlflow-e2e', '-x', 'mlflow-ui']),
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  submitted.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => submitted.on('exit', resolve));
  const runId = (JSON.parse(out) as { id: string }).id;

  await page.goto(`${app.url}#/runs/${runId}`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.getByRole('tab', { name: 'Metrics' }).click();
  const chart = page.locator('figure.chart', { hasText: 'loss' });
  await expect(chart).toBeVisible({ timeout: 60_000 });
  await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 30_000 }).toBe(5);
  const params = page.getByRole('table', { name: 'Parameters' });
  await expect(params.getByRole('row', { name: /lr/ })).toContainText('0.01');
  await expect(params.getByRole('row', { name: /optimizer/ })).toContainText('adam');
  await expect(page.getByTestId('run-status')).toHaveText('Running');

  fs.writeFileSync(path.join(app.workspace, 'runs', runId, 'work', 'go'), '');
  await expect(page.getByTestId('run-status')).toHaveText('Completed', { timeout: 60_000 });
  await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 30_000 }).toBe(200);
});
