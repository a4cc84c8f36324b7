import { type Locator, type Page, expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir, writeEnvFolder } from '../helpers/workspace';
import { READY } from './seed';
import { type ServedApp, cli, serve } from './serveFixture';

/** Issue 12, item 8: keyboard-only journeys; keyboard order is screen order; focus lands on the view's heading. */
let app: ServedApp;
let project: string;

test.beforeAll(async () => {
  app = await serve();
  cli(app, ['env', 'register', '-d', writeEnvFolder(tempDir('bt-e2e-kbenv-'), 'kb-env', ['six'])]);
  project = tempDir('bt-e2e-kb-');
  fs.writeFileSync(path.join(project, 'train.py'), 'print("typed, not clicked")\n');
});
test.afterAll(() => app?.stop());

/** Presses Tab until `target` has focus (at most `limit` times): it is reachable by keyboard, in order. */
async function tabTo(page: Page, target: Locator, limit = 40) {
  for (let i = 0; i < limit; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');

test('Environments by keyboard: arrows follow the screen order, Enter reaches Build and the build ends', async ({
  page,
}) => {
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', READY);
  await expect(page.getByRole('heading', { name: 'Environments' })).toBeFocused();
  const list = page.getByRole('navigation', { name: 'Environments' });
  const rows = list.locator('.env-row');
  await tabTo(page, rows.first());
  expect(await focusedText(page)).toContain('kb-env');
  // Down from the last of "Yours" goes to the first curated row, as on screen (the core lists curated first).
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toBeFocused();
  await expect(rows.nth(1)).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('End');
  await expect(rows.last()).toBeFocused();
  await page.keyboard.press('Home');
  await expect(rows.first()).toBeFocused();
  // Benchtop-Minimal, by arrows, then Tab into its detail.
  const minimal = list.getByRole('button', { name: /^Benchtop-Minimal / });
  for (let i = 0; i < 40 && !(await minimal.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press('ArrowDown');
  await expect(minimal).toHaveAttribute('aria-current', 'true');
  await expect(page).toHaveURL(/#\/environments\/Benchtop-Minimal$/);
  await tabTo(page, page.getByRole('tab', { name: 'Build' }));
  await page.keyboard.press('Enter');
  const build = page.getByRole('button', { name: 'Build', exact: true });
  await tabTo(page, build);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('build-status')).toHaveText(/completed|cached/, { timeout: 120_000 });
  await expect(build).toBeEnabled();
});

test('Runs by keyboard: Alt+2, Tab to Submit run, type, Enter submits; focus lands on each view heading', async ({
  page,
}) => {
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', READY);
  await page.keyboard.press('Alt+2');
  await expect(page.getByRole('heading', { name: 'Runs', exact: true })).toBeFocused();
  await tabTo(page, page.getByRole('button', { name: 'Submit run' }));
  await page.keyboard.press('Enter');
  // The form's first field takes focus (the form says where typing starts).
  await expect(page.getByLabel(/Source folder/)).toBeFocused();
  await page.keyboard.type(project);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel(/^Script/)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-status')).toHaveText('Completed', { timeout: 60_000 });
  const heading = page.locator('main h2').first();
  await expect(heading).toBeFocused();
  // Back to the list by keyboard: the list's heading takes focus, not <body>.
  // Screen order: "← Runs" sits before the heading, one Shift+Tab away.
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByRole('button', { name: 'Back to runs' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Runs', exact: true })).toBeFocused();
  // Alt keys still switch screens from anywhere.
  await page.keyboard.press('Alt+3');
  await expect(page.getByRole('heading', { name: 'Models', exact: true })).toBeFocused();
});
