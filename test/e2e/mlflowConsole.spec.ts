import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { mlflowVenvPythonSync } from '../helpers/mlflowVenvSpec';
import { requireComponent, tempDir } from '../helpers/workspace';
import { type ServedApp, cli, serve } from './serveFixture';

let app: ServedApp;
let python: string | null;
let expected: { predictions: number[] };

// An iris model saved by the real library, with a signature and an input example; its own predictions on that example.
const SAVE = `
import json, sys
import mlflow
from mlflow.models import infer_signature
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
X, y = load_iris(return_X_y=True, as_frame=True)
model = LogisticRegression(max_iter=300).fit(X, y)
mlflow.sklearn.save_model(model, sys.argv[1], signature=infer_signature(X, model.predict(X)), input_example=X.head(3),
                          serialization_format="cloudpickle")
print(json.dumps({"predictions": mlflow.pyfunc.load_model(sys.argv[1]).predict(X.head(3)).tolist()}))
`;

test.beforeAll(async () => {
  python = mlflowVenvPythonSync();
  if (!requireComponent('the mlflow client from the package index (test/helpers/mlflowVenv.ts)', python !== null))
    return;
  app = await serve();
  const dir = path.join(tempDir('bt-e2e-mlflow-'), 'iris');
  const out = execFileSync(python as string, ['-c', SAVE, dir], { encoding: 'utf8', timeout: 120_000 });
  expected = JSON.parse(out.trim().split('\n').pop() as string) as { predictions: number[] };
  cli(app, ['model', 'register', '-n', 'iris', '-p', dir]);
  const envDir = tempDir('bt-e2e-mlflow-env-');
  fs.writeFileSync(
    path.join(envDir, 'azureml_environment.json'),
    JSON.stringify({ name: 'mlflow-venv', python: { userManagedDependencies: true, interpreterPath: python } }),
  );
  cli(app, ['env', 'register', '-d', envDir]);
  cli(app, ['service', 'deploy', '-n', 'mlflow-e2e', '-m', 'iris', '-e', 'mlflow-venv']);
});
test.afterAll(() => {
  if (!app) return;
  try {
    cli(app, ['service', 'delete', 'mlflow-e2e']);
  } catch {
    // Not deployed.
  }
  app.stop();
});

test('shows the MLflow model, and the console switches contracts and shapes without losing a draft', async ({
  page,
}) => {
  test.skip(python === null, 'no mlflow client');
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');

  await page.keyboard.press('Alt+3');
  await page.getByRole('navigation', { name: 'Models' }).getByRole('button', { name: /^iris/ }).click();
  const mlflowModel = page.getByRole('region', { name: 'MLflow model' });
  await expect(mlflowModel.getByText('Has a python_function flavor')).toBeVisible();
  await expect(mlflowModel.getByRole('table', { name: 'Flavors' })).toContainText('loader_module: mlflow.sklearn');
  await expect(mlflowModel.getByRole('table', { name: 'Signature inputs' })).toContainText('sepal length (cm)');
  await expect(mlflowModel.getByRole('list', { name: 'Requirements' })).toContainText('mlflow==3.17.2');

  await page.keyboard.press('Alt+4');
  await page
    .getByRole('navigation', { name: 'Services' })
    .getByRole('button', { name: /^mlflow-e2e/ })
    .click();
  const console = page.getByRole('region', { name: 'Test console' });
  const body = console.getByLabel(/^Request body/);
  // Azure's no-code shape for an MLflow model, from the input example saved with it.
  await expect(body).toHaveValue(/"input_data"/);
  await console.getByRole('button', { name: 'Send' }).click();
  await expect(console.getByTestId('response-status')).toHaveText('200');
  await expect(console.getByLabel('Response body')).toHaveText(
    JSON.stringify(expected.predictions).replace(/,/g, ', '),
  );

  await console.getByLabel('MLflow /invocations').check();
  await expect(body).toHaveValue(/"dataframe_split"/);
  const edited = (await body.inputValue()).replace('"dataframe_split"', '"dataframe_split" ');
  await body.fill(edited);
  await console.getByLabel('Body shape').selectOption('csv');
  await expect(console.getByLabel('Request body (CSV with a header row)')).toHaveValue(/^sepal length \(cm\),/);
  await console.getByRole('button', { name: 'Send' }).click();
  await expect(console.getByTestId('response-status')).toHaveText('200');
  await expect(console.getByLabel('Response body')).toHaveText(
    JSON.stringify({ predictions: expected.predictions }).replace(/,/g, ', ').replace(/:/g, ': '),
  );
  await expect(console.getByLabel('curl command')).toContainText("/invocations -H 'Content-Type: text/csv'");

  // Back to dataframe_split and to Azure: what was typed is still there.
  await console.getByLabel('Body shape').selectOption('dataframe_split');
  await expect(body).toHaveValue(edited);
  await console.getByRole('button', { name: 'Send' }).click();
  await expect(console.getByTestId('response-status')).toHaveText('200');
  await console.getByLabel('Azure /score').check();
  await expect(body).toHaveValue(/"input_data"/);
  await console.getByLabel('MLflow /invocations').check();
  await expect(body).toHaveValue(edited);
});
