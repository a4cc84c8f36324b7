import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/workspace';
import { type ServedApp, cli, serve } from './serveFixture';

let app: ServedApp;
let runId: string;
const MODEL_BYTES = 'iris-weights\u00e9\n'.repeat(1000);

test.beforeAll(async () => {
  app = await serve();
  const project = tempDir('bt-e2e-model-src-');
  fs.writeFileSync(
    path.join(project, 'train.py'),
    `import os\nos.makedirs("outputs", exist_ok=True)\nopen("outputs/model.joblib", "w", encoding="utf-8").write(${JSON.stringify(MODEL_BYTES)})\nprint("saved")\n`,
  );
  const out = cli(app, ['--json', 'run', 'submit', '-d', project, '-s', 'train.py', '-x', 'iris', '--wait']);
  runId = (JSON.parse(out) as { id: string }).id;
});
test.afterAll(() => app?.stop());

test("registers from a run's outputs, edits a tag, downloads the file, and links back to the run", async ({ page }) => {
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.keyboard.press('Alt+3');
  await expect(page.getByText('No models yet')).toBeVisible();

  await page.getByRole('navigation', { name: 'Models' }).getByRole('button', { name: 'Register model' }).click();
  const form = page.getByRole('article', { name: 'Register model' });
  await form.getByLabel("A run's outputs").check();
  await form.getByLabel('Run', { exact: true }).selectOption(runId);
  await form.getByLabel('outputs/model.joblib').check();
  await expect(form.getByLabel('Name')).toHaveValue('model');
  await form.getByLabel('Name').fill('bad name');
  await expect(form.getByText('Use letters, digits')).toBeVisible();
  await expect(form.getByRole('button', { name: 'Register', exact: true })).toBeDisabled();
  await form.getByLabel('Name').fill('iris-e2e');
  await form.getByLabel('Framework', { exact: true }).selectOption('ScikitLearn');
  await form.getByLabel('Framework version').fill('1.5.2');
  await form.getByRole('button', { name: 'Register', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Registered iris-e2e:1.' })).toBeVisible();

  const version = page.getByRole('region', { name: 'Version 1' });
  await expect(version.getByRole('heading', { name: 'iris-e2e:1' })).toBeVisible();
  await expect(version.getByRole('button', { name: runId })).toBeVisible();
  await expect(version.getByRole('button', { name: 'Benchtop-Minimal:1' })).toBeVisible();
  await expect(version.getByRole('group', { name: 'Files' })).toContainText('model.joblib');

  // Tags: add one, see it in the UI and in the registry.
  await version.getByLabel('New tag key').fill('stage');
  await version.getByLabel('New tag value').fill('prod');
  await version.getByRole('button', { name: 'Add tag' }).click();
  await expect(version.getByRole('region', { name: 'Tags' }).getByText('stage=prod')).toBeVisible();
  expect(JSON.parse(cli(app, ['--json', 'model', 'show', 'iris-e2e:1'])).tags).toEqual({ stage: 'prod' });
  await expect(page.getByRole('navigation', { name: 'Models' }).getByText('stage=prod')).toBeVisible();

  // Download through the browser: the very bytes the run wrote.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    version.getByRole('link', { name: 'Download in browser' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('model.joblib');
  const saved = path.join(tempDir('bt-e2e-dl-'), 'model.joblib');
  await download.saveAs(saved);
  expect(fs.readFileSync(saved, 'utf8')).toBe(MODEL_BYTES);

  // Download to a folder: progress, then the file at <folder>/model.joblib.
  const folder = tempDir('bt-e2e-dl-folder-');
  await version.getByLabel('To folder').fill(folder);
  await version.getByRole('button', { name: 'Download to folder' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: `Downloaded iris-e2e:1 to ${path.join(folder, 'model.joblib')}` }),
  ).toBeVisible();
  expect(fs.readFileSync(path.join(folder, 'model.joblib'), 'utf8')).toBe(MODEL_BYTES);
  await version.getByRole('button', { name: 'Download to folder' }).click();
  await expect(page.getByRole('alert').or(page.locator('.error'))).toContainText('To overwrite, set exist_ok to True.');

  // Lineage is one click away: the run, which lists the model back.
  await version.getByRole('button', { name: runId }).click();
  const run = page.getByRole('article', { name: `Run ${runId}` });
  await expect(run).toBeVisible();
  await run.getByRole('tab', { name: 'Overview' }).click();
  await expect(run.getByRole('button', { name: 'iris-e2e:1' })).toBeVisible();
});
