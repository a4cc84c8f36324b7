import { type Page, expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/workspace';
import { READY } from './seed';
import { type ServedApp, cli, serve } from './serveFixture';

/** Issue 12, item 1: every list follows the core's events; nothing needs a reload. */
let app: ServedApp;
let project: string;

test.beforeAll(async () => {
  app = await serve();
  cli(app, ['env', 'build', '-n', 'Benchtop-Minimal']);
  project = tempDir('bt-e2e-state-');
  fs.writeFileSync(path.join(project, 'train.py'), 'print("trained")\n');
});
test.afterAll(() => app?.stop());

async function open(page: Page) {
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', READY);
}

const envRow = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Environments' }).getByRole('button', { name: new RegExp(`^${name} `) });

test('a build of a built environment ends as completed ("cached") live: jobs panel, footer count, Build enabled', async ({
  page,
}) => {
  await open(page);
  // The row says what the store knows: version 1 is built.
  await expect(envRow(page, 'Benchtop-Minimal')).toContainText('built');
  await expect(envRow(page, 'Benchtop-Minimal')).not.toContainText('not built');
  await envRow(page, 'Benchtop-Minimal').click();
  await page.getByRole('tab', { name: 'Build' }).click();
  await page.getByRole('button', { name: 'Build', exact: true }).click();
  await expect(page.getByTestId('build-status')).toHaveText('cached');
  // The job ended: Build is enabled again, no Cancel, and the footer counts nothing running.
  await expect(page.getByRole('button', { name: 'Build', exact: true })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Cancel build' })).toHaveCount(0);
  const toggle = page.locator('.jobs-toggle');
  await expect(toggle).not.toContainText('running');
  await toggle.click();
  const job = page.getByRole('list', { name: 'Jobs' }).getByRole('listitem').filter({ hasText: 'Benchtop-Minimal:1' });
  await expect(job.first().locator('.state')).toHaveText('completed');
});

test('an error banner is cleared by a later success; a submit error sits beside its field in the UI words', async ({
  page,
}) => {
  await open(page);
  await envRow(page, 'Benchtop-Minimal').click();
  // A failing action (a folder that is not empty): the banner names the problem, in the UI's words.
  await page.getByLabel('Download to folder').fill(project);
  await page.getByRole('button', { name: 'Download', exact: true }).click();
  const messages = page.getByTestId('messages');
  await expect(messages.getByRole('alert')).toContainText('is not empty');
  await expect(messages.getByRole('alert')).not.toContainText('--overwrite');
  // The same action succeeding: the old error goes, the success shows.
  await page.getByLabel('Download to folder').fill(tempDir('bt-e2e-export-'));
  await page.getByRole('button', { name: 'Download', exact: true }).click();
  await expect(messages.getByRole('status')).toContainText('Saved');
  await expect(messages.getByRole('alert')).toHaveCount(0);

  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  await page.getByRole('button', { name: 'Submit run' }).click();
  await page.getByLabel(/Source folder/).fill(path.join(project, 'missing'));
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  const fieldError = page.locator('[data-field="sourceDirectory"]');
  await expect(fieldError).toContainText('Source folder not found');
  // No command-line words in the UI, and no global banner for a field's error.
  await expect(fieldError).not.toContainText('-d');
  await expect(page.getByLabel(/Source folder/)).toHaveAttribute('aria-invalid', 'true');
  await expect(messages.getByRole('alert')).toHaveCount(0);
  // Editing the field answers its error.
  await page.getByLabel(/Source folder/).fill(project);
  await expect(fieldError).toHaveCount(0);
});

test('a new experiment appears in the Experiments sidebar live, with its count', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  const experiments = page.getByRole('navigation', { name: 'Experiments' });
  await expect(experiments).toBeVisible();
  await expect(experiments.getByRole('button', { name: /live-exp/ })).toHaveCount(0);
  // From the UI.
  await page.getByRole('button', { name: 'Submit run' }).click();
  await page.getByLabel(/Source folder/).fill(project);
  await page.getByLabel(/^Script/).fill('train.py');
  await page.getByLabel('Experiment', { exact: true }).fill('live-exp');
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(page.getByTestId('run-status')).toBeVisible();
  await page.getByRole('button', { name: 'Back to runs' }).click();
  await expect(experiments.getByRole('button', { name: /live-exp/ })).toContainText('1');
  // From another process (the CLI) while the list is open: the core's watcher reports it.
  cli(app, ['run', 'submit', '-d', project, '-s', 'train.py', '-x', 'cli-exp', '--wait'], 60_000);
  await expect(experiments.getByRole('button', { name: /cli-exp/ })).toContainText('1', { timeout: 15_000 });
  await expect(experiments.getByRole('button', { name: /All experiments/ })).toContainText('2');
});

test('a build run in a terminal (the CLI) shows in the jobs panel and its environment turns built, live', async ({
  page,
}) => {
  await open(page);
  const folder = tempDir('bt-e2e-clienv-');
  const definition = {
    name: 'cli-env',
    python: { userManagedDependencies: true, interpreterPath: '/usr/bin/python3' },
  };
  fs.writeFileSync(path.join(folder, 'azureml_environment.json'), JSON.stringify(definition));
  cli(app, ['env', 'register', '-d', folder]);
  cli(app, ['env', 'build', '-n', 'cli-env']);
  // No reload: the other process's job reaches this page from the database.
  await expect(envRow(page, 'cli-env')).toContainText('built');
  await expect(envRow(page, 'cli-env')).not.toContainText('not built');
  await page.locator('.jobs-toggle').click();
  const job = page.getByRole('list', { name: 'Jobs' }).getByRole('listitem').filter({ hasText: 'cli-env:1' });
  await expect(job.first().locator('.state')).toHaveText('completed');
});
