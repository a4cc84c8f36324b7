import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { formatBytes } from '../../src/shared/format';
import { tempDir } from '../helpers/workspace';
import { READY } from './seed';
import { type ServedApp, cli, serve } from './serveFixture';

// Two workspaces, each with its own `benchtop serve`: a model exported from the first one's Models screen is imported
// in the second one's Settings, and a damaged copy of the bundle is refused there, naming the part.
let source: ServedApp;
let target: ServedApp;
const out = tempDir('bt-e2e-bundles-');
const bundle = path.join(out, 'iris.btb');
const WEIGHTS = 'bundle-weights\n'.repeat(20_000);

test.beforeAll(async () => {
  [source, target] = await Promise.all([serve(), serve()]);
  const file = path.join(out, 'model.bin');
  fs.writeFileSync(file, WEIGHTS);
  cli(source, ['model', 'register', '-n', 'iris-btb', '-p', file]);
});
test.afterAll(() => {
  source?.stop();
  target?.stop();
});

test('exports a model from its screen, imports it into another workspace, and refuses a damaged bundle', async ({
  page,
}) => {
  await page.goto(source.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', READY);
  await page.keyboard.press('Alt+3');
  await page
    .getByRole('navigation', { name: 'Models' })
    .getByRole('button', { name: /^iris-btb/ })
    .click();
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Export bundle' });
  await expect(dialog.getByRole('list', { name: 'Parts to export' })).toHaveText('model iris-btb:1');
  await dialog.getByLabel('Bundle file').fill(bundle);
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(dialog.getByRole('status', { name: 'Export result' })).toContainText(`Wrote ${bundle}`);
  await expect(dialog.getByRole('status', { name: 'Export result' })).toContainText(
    `model iris-btb:1 (${formatBytes(WEIGHTS.length)})`,
  );
  expect(fs.statSync(bundle).size).toBeGreaterThan(WEIGHTS.length);
  // Exporting again to the same file is refused unless Replace is ticked: nothing is overwritten by surprise.
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText(bundle);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // The second workspace: Settings > Bundles shows the parts before anything is written, then imports.
  await page.goto(target.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', READY);
  await page.keyboard.press('Alt+6');
  const importer = page.getByRole('region', { name: 'Import bundle' });
  await importer.getByLabel('Bundle file').fill(bundle);
  await importer.getByRole('button', { name: 'Inspect' }).click();
  await expect(importer.getByRole('table', { name: 'Bundle parts' })).toContainText('model iris-btb:1');
  expect(cli(target, ['model', 'list'])).not.toContain('iris-btb');
  await importer.getByRole('button', { name: 'Import', exact: true }).click();
  const result = importer.getByRole('status', { name: 'Import result' });
  await expect(result.getByRole('row', { name: /model iris-btb:1/ })).toContainText('added');
  expect(JSON.parse(cli(target, ['--json', 'model', 'show', 'iris-btb:1'])).size).toBe(WEIGHTS.length);
  // Settings' own export list takes it too: it can be exported again from here.
  await expect(page.getByRole('group', { name: 'Parts to export' })).toContainText('model iris-btb:1');
  // The Models list has it without a reload.
  await page.keyboard.press('Alt+3');
  await expect(
    page.getByRole('navigation', { name: 'Models' }).getByRole('button', { name: /^iris-btb/ }),
  ).toBeVisible();

  // A damaged copy (one byte of the model's data changed): refused, naming the part; nothing new is registered.
  const damaged = path.join(out, 'damaged.btb');
  const bytes = fs.readFileSync(bundle);
  const at = bytes.indexOf('bundle-weights', 4096);
  bytes[at] = bytes[at] === 0x62 ? 0x63 : 0x62;
  fs.writeFileSync(damaged, bytes);
  await page.keyboard.press('Alt+6');
  await importer.getByLabel('Bundle file').fill(damaged);
  await importer.getByRole('button', { name: 'Inspect' }).click();
  await importer.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(importer.getByRole('alert')).toContainText('iris-btb');
  await expect(importer.getByRole('status', { name: 'Import result' })).toBeHidden();
  expect(JSON.parse(cli(target, ['--json', 'model', 'list', '-n', 'iris-btb'])) as unknown[]).toHaveLength(1);
});
