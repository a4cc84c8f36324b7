import { type Page, expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { mlflowVenvPythonSync } from '../helpers/mlflowVenvSpec';
import { ROOT, requireComponent, tempDir } from '../helpers/workspace';
import { type ServedApp, serve } from './serveFixture';

/**
 * The Runs screen's "Import MLflow store": a store written by the real mlflow library (the
 * cached venv test/helpers/mlflowVenv.ts makes, which the integration tests build first) is
 * imported from the UI (the first import builds the mlflow tool environment, shown as progress),
 * its summary shown, its runs listed; importing again says everything is already there.
 */

let app: ServedApp;
let project: string;
let available = false;

test.beforeAll(async () => {
  const venvPython = mlflowVenvPythonSync();
  available = requireComponent(
    'the mlflow client venv (node_modules/.cache/benchtop-mlflow-venv)',
    venvPython !== null,
  );
  if (!available) return;
  app = await serve();
  project = tempDir('bt-e2e-mlflow-');
  execFileSync(
    venvPython as string,
    [path.join(ROOT, 'test', 'python', 'mlflow_store.py'), 'write', path.join(project, 'mlruns')],
    {
      stdio: 'ignore',
    },
  );
});
test.afterAll(() => app?.stop());

async function importFromUi(page: Page) {
  await page.getByRole('button', { name: 'Import MLflow store' }).click();
  await page.getByLabel(/MLflow store: an mlruns\/ folder/).fill(project);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const summary = page.getByLabel('Import summary');
  await expect(summary).toBeVisible({ timeout: 300_000 });
  return summary;
}

test('import an MLflow store from the Runs screen, then again: nothing new', async ({ page }) => {
  test.skip(!available, 'no mlflow client venv');
  test.setTimeout(420_000);
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.getByRole('button', { name: 'Runs', exact: true }).click();

  const summary = await importFromUi(page);
  await expect(summary).toContainText('read with MLflow 3.17.2');
  await expect(summary.getByRole('row', { name: /^Runs/ })).toHaveText(/Runs\s*4\s*0\s*0/);
  await expect(summary.getByRole('row', { name: /^Model versions/ })).toHaveText(/Model versions\s*3\s*0\s*0/);
  await expect(summary).toContainText('"eval set" is named "eval_set" here');

  await page.getByRole('button', { name: '← Back' }).click();
  // The list shows top-level runs: the nested "child" is under "parent".
  await expect(page.getByTestId('run-count')).toHaveText(/3 runs/);
  await expect(page.getByText('parent', { exact: true }).first()).toBeVisible();

  const again = await importFromUi(page);
  await expect(again.getByRole('row', { name: /^Runs/ })).toHaveText(/Runs\s*0\s*0\s*4/);
});
