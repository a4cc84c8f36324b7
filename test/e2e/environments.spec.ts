import { type Page, expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { makeSlowPackage, makeWheel, tempDir, writeEnvFolder } from '../helpers/workspace';
import { type ServedApp, cli, serve } from './serveFixture';

let app: ServedApp;

test.beforeAll(async () => {
  app = await serve();
  // A private wheel so the build installs a real package without the network.
  const wheel = makeWheel(tempDir('bt-wheel-'), 'e2e-demo', '1.0');
  cli(app, ['wheel', 'add', wheel]);
});

test.afterAll(() => app?.stop());

async function open(page: Page) {
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
}

function terminalText(page: Page) {
  return page.getByTestId('terminal').locator('.xterm-rows');
}

test('a new user creates an environment in the form, registers, builds with a live log, and rebuilds from the cache', async ({
  page,
}) => {
  await open(page);
  await expect(page.getByText('No environments of your own yet')).toBeVisible();

  await page.getByRole('button', { name: 'New environment' }).click();
  await page.getByLabel('Name').fill('Benchtop-mine');
  await expect(page.getByText(/reserved for curated environments/)).toBeVisible();
  await page.getByLabel('Name').fill('e2e-env');
  // Typing a list: Enter starts the next line (it is not swallowed by the parsed list).
  const pipField = page.getByLabel('Pip packages');
  await pipField.click();
  await page.keyboard.type('six');
  await page.keyboard.press('Enter');
  await page.keyboard.type('e2e-demo==1.0');
  await expect(pipField).toHaveValue('six\ne2e-demo==1.0');
  await pipField.fill('e2e-demo==1.0');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('status')).toContainText('Registered e2e-env version 1');
  await expect(page.getByRole('heading', { name: 'e2e-env' })).toBeVisible();

  await page.getByRole('tab', { name: 'Build' }).click();
  await page.getByRole('button', { name: 'Build', exact: true }).click();
  // The live terminal shows pip's own output, then Benchtop's result line.
  await expect(terminalText(page)).toContainText('e2e-demo', { timeout: 120_000 });
  await expect(terminalText(page)).toContainText('Built: build key', { timeout: 180_000 });
  await expect(page.getByTestId('build-status')).toHaveText('completed');

  await page.getByRole('tab', { name: 'Lock' }).click();
  await expect(page.getByRole('table', { name: 'Installed packages' })).toContainText('e2e-demo');

  await page.getByRole('tab', { name: 'Build' }).click();
  await page.getByRole('button', { name: 'Build', exact: true }).click();
  await expect(page.getByTestId('build-status')).toHaveText('cached');
  await expect(terminalText(page)).toContainText('cached:');

  // The jobs panel lists both builds.
  await page.getByRole('button', { name: /^Jobs/ }).click();
  await expect(page.getByRole('region', { name: 'Jobs' }).getByRole('listitem')).toHaveCount(2);
});

test('bad YAML in the raw editor shows the error at its line, and nothing is registered', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'New environment' }).click();
  await page.getByLabel('Name').fill('yaml-env');
  await page.getByRole('tab', { name: 'YAML' }).click();
  const editor = page.getByRole('textbox', { name: 'Definition (YAML)', exact: true });
  // CodeMirror: the text is its rendered lines (the whole definition fits the editor's rendered margin).
  const text = (await editor.locator('.cm-line').allTextContents()).join('\n');
  const lines = text.split('\n');
  const index = lines.findIndex((l) => l.startsWith('environmentVariables'));
  lines.splice(index + 1, 0, '  BROKEN: [unclosed');
  await editor.fill(lines.join('\n'));
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('invalid YAML at line');
  const reported = Number(/line (\d+)/.exec((await alert.textContent()) ?? '')?.[1]);
  expect(reported).toBeGreaterThanOrEqual(index + 2);
  await expect(page.getByTestId('editor-problems')).toContainText(`Line ${reported}`);
  await expect(page.locator('.cm-lint-marker-error').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Register' })).toBeDisabled();

  // Fixing it clears the error; then it registers.
  await editor.fill(text);
  await expect(page.getByText('Valid definition.')).toBeVisible();
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('status')).toContainText('Registered yaml-env version 1');
});

test('a curated environment is read-only and clones into an editable one; versions diff', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: /Benchtop-Minimal/ }).click();
  await expect(page.getByText('curated · read-only')).toBeVisible();
  await page.getByRole('button', { name: 'Clone to edit' }).click();
  await expect(page.getByLabel('Name')).toHaveValue('my-minimal');
  await page.getByLabel('Pip packages').fill('e2e-demo==1.0');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('status')).toContainText('Registered my-minimal version 1');

  await page.getByRole('button', { name: 'Edit (new version)' }).click();
  await page.getByLabel('Pip packages').fill('e2e-demo==1.0\nsix');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('status')).toContainText('Registered my-minimal version 2');
  await page.getByRole('tab', { name: 'Versions & diff' }).click();
  await expect(page.getByLabel('Differences')).toContainText('+ ');
  await expect(page.getByLabel('Differences').locator('.diff-added')).toContainText('six');
  expect(path.isAbsolute(app.workspace)).toBe(true);
});

test('a running build shows progress and can be canceled from the UI; the cache view lists builds with sizes and prunes', async ({
  page,
}) => {
  const work = tempDir('bt-e2e-slow-');
  const flag = path.join(work, 'slow.flag');
  fs.writeFileSync(flag, '');
  const slow = makeSlowPackage(work, flag, 120);
  cli(app, ['env', 'register', '-d', writeEnvFolder(tempDir('bt-e2e-src-'), 'slow-ui', [slow])]);
  await open(page);
  await page.getByRole('button', { name: /^slow-ui/ }).click();
  await page.getByRole('tab', { name: 'Build' }).click();
  await page.getByRole('button', { name: 'Build', exact: true }).click();
  await expect(page.getByTestId('build-status')).toHaveText('running');
  await expect(page.getByRole('progressbar', { name: /Build slow-ui:1/ })).toBeVisible();
  await expect.poll(() => fs.existsSync(`${flag}.started`), { timeout: 120_000 }).toBe(true);
  await page.getByRole('button', { name: 'Cancel build' }).click();
  await expect(page.getByTestId('build-status')).toHaveText('canceled', { timeout: 30_000 });
  await expect(terminalText(page)).toContainText('Build canceled; nothing was kept');

  // The finished e2e-env build from the first test is in the cache with its size; the canceled one can be pruned.
  await page.getByRole('button', { name: 'Build cache' }).click();
  const table = page.getByRole('table');
  await expect(table).toContainText('e2e-env:1');
  await expect(table).toContainText(/\d+\.\d MB/);
  await expect(table).toContainText('canceled');
  await page.getByRole('button', { name: 'Remove failed' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(page.getByRole('status')).toContainText(/Removed 1 build/);
  await expect(table).not.toContainText('canceled');
});
