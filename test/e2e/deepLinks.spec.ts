import { type Page, expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir, writeEnvFolder } from '../helpers/workspace';
import { seedModel, seedQuickEnvironment, seedRun } from './seed';
import { type ServedApp, cliAsync, serve } from './serveFixture';

/** Issue 12, item 4: every place has a URL; a new page opens it, reload keeps it, back/forward walk it. */
let app: ServedApp;
let runId: string;

test.beforeAll(async () => {
  app = await serve();
  // No venv build: these tests are about places and links, so a user-managed environment runs the one run.
  seedQuickEnvironment(app);
  const project = tempDir('bt-e2e-links-');
  fs.writeFileSync(path.join(project, 'train.py'), 'print("linked")\n');
  // Independent steps side by side; versions of one name in order (version 1 is "one", 2 is "two").
  const registerEnvs = async () => {
    for (const pip of [['six'], ['six', 'idna']])
      await cliAsync(app, ['env', 'register', '-d', writeEnvFolder(tempDir('bt-e2e-env-'), 'dl-env', pip)]);
  };
  const registerModels = async () => {
    for (const content of ['one', 'two']) await seedModel(app, 'dl-model', content);
  };
  [runId] = await Promise.all([
    seedRun(app, project, 'train.py', { experiment: 'linked' }),
    registerModels(),
    registerEnvs(),
  ]);
});
test.afterAll(() => app?.stop());

/** The served URL (its token in the query) with a hash link, opened as a user pasting a link would. */
async function openLink(page: Page, hash: string) {
  await page.goto(`${app.url}${hash}`);
  // The first page of a fresh serve can take a few seconds on a busy machine.
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
}

test('a run link opened in a new page shows that run, focused on its heading; reload keeps the place', async ({
  context,
}) => {
  const page = await context.newPage();
  await openLink(page, `#/runs/${runId}`);
  const heading = page.getByRole('heading', { name: runId });
  await expect(heading).toBeVisible();
  await expect(heading).toBeFocused();
  await page.reload();
  await expect(page.getByRole('heading', { name: runId })).toBeVisible();
  expect(new URL(page.url()).hash).toBe(`#/runs/${runId}`);
  // The experiment link the SDK's Experiment.get_portal_url() gives.
  await openLink(page, '#/runs?experiment=linked');
  await expect(page.getByRole('navigation', { name: 'Experiments' }).locator('[aria-current="true"]')).toContainText(
    'linked',
  );
});

test('model and environment version links open that version, not the newest', async ({ context }) => {
  const page = await context.newPage();
  await openLink(page, '#/models/dl-model/1');
  await expect(page.getByRole('region', { name: 'Version 1' })).toBeVisible();
  await openLink(page, '#/environments/dl-env/1');
  await expect(page.getByRole('article', { name: 'Environment dl-env' })).toBeVisible();
  await expect(page.getByLabel('Version', { exact: true })).toHaveValue('1');
  await expect(page.getByRole('heading', { name: 'dl-env' })).toBeFocused();
  // Choosing another version is a new place with its own link.
  await page.getByLabel('Version', { exact: true }).selectOption('2');
  await expect(page).toHaveURL(/#\/environments\/dl-env\/2$/);
  await page.goBack();
  await expect(page.getByLabel('Version', { exact: true })).toHaveValue('1');
});

test('clicks make history entries; back and forward walk them; the address follows', async ({ page }) => {
  await openLink(page, '');
  await page
    .getByRole('navigation', { name: 'Environments' })
    .getByRole('button', { name: /^dl-env / })
    .click();
  await expect(page).toHaveURL(/#\/environments\/dl-env$/);
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await expect(page).toHaveURL(/#\/models$/);
  await page
    .getByRole('navigation', { name: 'Models' })
    .getByRole('button', { name: /^dl-model/ })
    .click();
  // The newest version fills in without a history entry of its own.
  await expect(page).toHaveURL(/#\/models\/dl-model\/2$/);
  await page.getByRole('button', { name: 'Services', exact: true }).click();
  await expect(page).toHaveURL(/#\/services$/);
  await page.goBack();
  await expect(page.getByRole('region', { name: 'Version 2' })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/#\/models$/);
  await page.goBack();
  await expect(page.getByRole('article', { name: 'Environment dl-env' })).toBeVisible();
  // Focus is never left on <body> after a view change.
  expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY');
  await page.goForward();
  await expect(page).toHaveURL(/#\/models$/);
  await expect(page.getByRole('heading', { name: 'Models', exact: true })).toBeFocused();
});
