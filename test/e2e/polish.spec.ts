import { type Page, expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { READY } from './seed';
import { seedEnvironment, seedService, unseed } from './polishSeed';
import { type ServedApp, cliAsync, serve } from './serveFixture';

/*
 * The polish items: build-cache removal asks and names (and refuses for) a running service; light/dark follows the
 * OS and the Settings override (remembered); <Time> is relative with the exact time in its title; the YAML tab hides
 * `password: null` until "Show all fields"; the workspace is named in the sidebar; typed text is darker than a
 * placeholder.
 */
let app: ServedApp;
let project: string;

test.beforeAll(async () => {
  app = await serve();
  project = seedEnvironment(app);
  // A second build nothing uses (another spelling of the same interpreter is another definition), seeded beside
  // the service.
  const spare = path.join(project, 'spare');
  fs.mkdirSync(spare);
  const python = fs.realpathSync('/usr/bin/python3');
  const definition = { name: 'spare-env', python: { userManagedDependencies: true, interpreterPath: python } };
  fs.writeFileSync(path.join(spare, 'azureml_environment.json'), JSON.stringify(definition));
  const spareBuilt = async () => {
    await cliAsync(app, ['env', 'register', '-d', spare]);
    await cliAsync(app, ['env', 'build', '-n', 'spare-env']);
  };
  await Promise.all([seedService(app, project), spareBuilt()]);
});
test.afterAll(() => {
  if (app) unseed(app);
  app?.stop();
});

async function open(page: Page, hash = '') {
  await page.goto(app.url + hash);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', READY);
}

const cacheRow = (page: Page, env: string) => page.getByRole('row').filter({ hasText: env });

test('Remove in the build cache asks first, names the running service that uses it and refuses', async ({ page }) => {
  await open(page, '#/cache');
  const dialog = page.getByRole('dialog');
  await cacheRow(page, 'shots-env:1')
    .getByRole('button', { name: /^Remove / })
    .click();
  await expect(dialog).toContainText('Remove build');
  await expect(dialog).toContainText('service "demo-svc" (running, shots-env:1)');
  await expect(dialog).toContainText('This build is in use');
  await expect(dialog.getByRole('button', { name: 'Remove', exact: true })).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(cacheRow(page, 'shots-env:1')).toBeVisible();

  // A build nothing runs on: the dialog names the environment version to be built again; Esc keeps it, Remove removes.
  const spare = cacheRow(page, 'spare-env:1');
  await spare.getByRole('button', { name: /^Remove / }).click();
  await expect(dialog).toContainText('Environment versions built by it');
  await expect(dialog).toContainText('spare-env:1');
  await expect(dialog.getByRole('button', { name: 'Keep it' })).toBeFocused();
  // Focus stays in the dialog: Tab from the last button wraps to the first.
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Remove', exact: true })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Keep it' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(spare).toBeVisible();
  await spare.getByRole('button', { name: /^Remove / }).click();
  await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Removed 1 build' })).toBeVisible();
  await expect(spare).toHaveCount(0);
  await expect(cacheRow(page, 'shots-env:1')).toBeVisible();
});

const rootBackground = (page: Page) =>
  page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');

test('the theme follows prefers-color-scheme, and the Settings choice overrides it and is remembered', async ({
  page,
}) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await open(page, '#/settings');
  const light = await rootBackground(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => rootBackground(page)).not.toBe(light);
  const dark = await rootBackground(page);

  const appearance = page.getByRole('group', { name: 'Appearance' });
  await expect(appearance.getByLabel('System')).toBeChecked();
  await appearance.getByLabel('Light').check();
  await expect.poll(() => rootBackground(page)).toBe(light);
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', READY);
  await expect(page.getByRole('group', { name: 'Appearance' }).getByLabel('Light')).toBeChecked();
  await expect.poll(() => rootBackground(page)).toBe(light); // the OS still says dark
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByRole('group', { name: 'Appearance' }).getByLabel('Dark').check();
  await expect.poll(() => rootBackground(page)).toBe(dark);
  await page.getByRole('group', { name: 'Appearance' }).getByLabel('System').check();
  await expect.poll(() => rootBackground(page)).toBe(light);
});

test('times are relative with the exact local time on hover; the workspace is named in the sidebar', async ({
  page,
}) => {
  await open(page, '#/models/demo-model');
  const registered = page.getByRole('article', { name: 'Model demo-model' }).locator('time').first();
  await expect(registered).toHaveText(/^(just now|\d+ min\. ago)$/);
  const title = (await registered.getAttribute('title')) ?? '';
  const iso = (await registered.getAttribute('datetime')) ?? '';
  // The title is the exact local time: it names the year and the seconds of the ISO timestamp.
  const when = new Date(iso);
  expect(title).toContain(String(when.getFullYear()));
  expect(title).toContain(`:${String(when.getSeconds()).padStart(2, '0')}`);
  const footer = page.getByTestId('workspace-footer');
  await expect(footer).toContainText(path.basename(app.workspace));
  await expect(footer).toHaveAttribute('title', app.workspace);
});

test('the YAML tab hides password: null and other defaults until "Show all fields"', async ({ page }) => {
  await open(page, '#/environments/shots-env/1');
  await page.getByRole('tab', { name: 'Definition' }).click();
  const yaml = page.getByTestId('definition-yaml');
  await expect(yaml).toContainText('interpreterPath: /usr/bin/python3');
  await expect(yaml).not.toContainText('password: null');
  await expect(yaml).not.toContainText('spark');
  await expect(yaml).not.toContainText('databricks');
  await expect(page.getByText(/\d+ empty or default fields hidden/)).toBeVisible();
  await page.getByLabel('Show all fields').check();
  await expect(yaml).toContainText('password: null');
  await expect(yaml).toContainText('databricks');
  await expect(yaml).toContainText('precachePackages: true');
});

/** Relative luminance of an rgb()/rgba() colour, 0 (black) .. 1 (white). */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The typed text's and the placeholder's colours of the element matching `selector`. */
const textColors = (page: Page, selector: string) =>
  // A page expression as a string: this file is type-checked for Node, without the DOM's types.
  page.evaluate<{ text: string; placeholder: string }>(
    // (One without a placeholder gets one: Chromium styles ::placeholder only where there is one.)
    `(() => { const el = document.querySelector(${JSON.stringify(selector)});
      if (!el.placeholder) el.placeholder = 'placeholder';
      return { text: getComputedStyle(el).color, placeholder: getComputedStyle(el, '::placeholder').color }; })()`,
  );

test('typed text is clearly darker than a placeholder (light) and clearly brighter (dark)', async ({ page }) => {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // A filter box, and a textarea inside a form label (the label's grey text once leaked into what was typed).
    await open(page, '#/services/demo-svc');
    await expect(page.getByLabel(/Request body/)).toBeVisible();
    for (const selector of ['textarea', 'input[aria-label="Filter models"]']) {
      if (selector.startsWith('input')) await open(page, '#/models');
      const colors = await textColors(page, selector);
      const [text, placeholder] = [luminance(colors.text), luminance(colors.placeholder)];
      // Contrast between the two colours themselves (WCAG formula): at least 2:1 apart.
      const ratio = (Math.max(text, placeholder) + 0.05) / (Math.min(text, placeholder) + 0.05);
      expect(ratio, `${scheme} ${selector}: text ${colors.text}, placeholder ${colors.placeholder}`).toBeGreaterThan(2);
      if (scheme === 'light') expect(text).toBeLessThan(placeholder);
      else expect(text).toBeGreaterThan(placeholder);
    }
  }
});

test('at 1024 px a side pane collapses with its toggle, stays collapsed after a reload, and comes back', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await open(page, '#/models');
  const list = page.getByRole('navigation', { name: 'Models' });
  await expect(list).toBeVisible();
  await page.getByRole('button', { name: 'Hide model list' }).click();
  await expect(list).toBeHidden();
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', READY);
  await expect(page.getByRole('button', { name: 'Show model list' })).toHaveAttribute('aria-expanded', 'false');
  await expect(list).toBeHidden();
  await page.getByRole('button', { name: 'Show model list' }).click();
  await expect(list).toBeVisible();
});
