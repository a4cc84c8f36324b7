import { type Page, expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { seedSweepRuns } from '../../bench/runsTableSeed';
import { type ServedApp, serve } from './serveFixture';

/*
 * The runs table for a sweep: 30 finished trials (params from their --lr/--batch/--optimizer arguments, last
 * metric values) written into the served workspace's SQLite, plus one live SDK run to cancel. Real serve, real
 * SQLite, real Chromium; the runs' events files give Compare its series.
 */
let app: ServedApp;
test.describe.configure({ timeout: 60_000 });

test.beforeAll(async () => {
  app = await serve();
  const db = new Database(path.join(app.workspace, 'benchtop.db'));
  seedSweepRuns(db, 30, 'lrsweep');
  db.prepare(
    `INSERT INTO runs(id, experiment, status, script, arguments, environment, target, source_dir, created_at, started_at, metrics, tags)
     VALUES ('lrsweep_live', 'lrsweep', 'Running', '', '["--lr","0.5"]', '', 'sdk', '', ?, ?, '{}', '{}')`,
  ).run(new Date().toISOString(), new Date().toISOString());
  db.close();
  for (const id of ['lrsweep_0', 'lrsweep_1', 'lrsweep_2']) {
    const dir = path.join(app.workspace, 'runs', id);
    fs.mkdirSync(dir, { recursive: true });
    const lines = [0, 1, 2].map((step) =>
      JSON.stringify({ type: 'scalar', name: 'loss', value: 1 / (step + 1 + Number(id.slice(-1))), step, t: 1 + step }),
    );
    fs.writeFileSync(path.join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
  }
});
test.afterAll(() => app?.stop());

async function openSweep(page: Page) {
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  await page
    .getByRole('navigation', { name: 'Experiments' })
    .getByRole('button', { name: /^lrsweep/ })
    .click();
  await expect(page.getByTestId('run-count')).toHaveText(/^31 runs/);
}

const grid = (page: Page) => page.getByRole('table', { name: 'Runs' });
const header = (page: Page) => grid(page).getByRole('row').first();
/** The run ids in the order the grid shows them. */
const shownIds = (page: Page) => grid(page).locator('[role=row][aria-rowindex] .run-link').allTextContents();

test('params and metrics as columns: choose, sort numerically, filter, chart and compare', async ({ page }) => {
  await openSweep(page);
  // Default columns: every param and the user's metrics, not system/ ones.
  await expect(header(page)).toContainText('lr');
  await expect(header(page)).toContainText('accuracy');
  await expect(header(page)).not.toContainText('system/cpu');

  // The chooser adds system/cpu and takes epoch away; the choice survives a reload (localStorage, per experiment).
  await page.getByRole('button', { name: /^Columns/ }).click();
  const chooser = page.getByRole('dialog', { name: 'Choose columns' });
  await chooser.getByRole('checkbox', { name: 'system/cpu' }).check();
  await chooser.getByRole('checkbox', { name: 'epoch' }).uncheck();
  await page.keyboard.press('Escape');
  await expect(header(page)).toContainText('system/cpu');
  await expect(header(page)).not.toContainText('epoch');
  await page.reload();
  await openSweep(page);
  await expect(header(page)).toContainText('system/cpu');
  await expect(header(page)).not.toContainText('epoch');

  // Sort by lr: numeric (0.003 before 0.01 before 0.1), then descending.
  await header(page).getByRole('button', { name: 'lr', exact: true }).click();
  await expect(header(page).getByRole('columnheader', { name: /lr/ }).first()).toHaveAttribute(
    'aria-sort',
    'ascending',
  );
  const lrColumn = async () => {
    const cells = await grid(page)
      .locator('[role=row][aria-rowindex]')
      .evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
    return cells.length;
  };
  expect(await lrColumn()).toBeGreaterThan(5);
  const ascending = await shownIds(page);
  expect(ascending[0]).toMatch(/^lrsweep_(0|5|10|15|20|25)$/); // lr 0.001
  await header(page)
    .getByRole('button', { name: /^lr ↑$/ })
    .click();
  expect((await shownIds(page))[0]).toBe('lrsweep_live'); // lr 0.5, the largest

  // Filter: lr > 0.01 and adam; a typo is named back.
  const filter = page.getByRole('textbox', { name: 'Filter runs' });
  await filter.fill('lr > 0.01 optimizer=adam');
  await expect(page.getByTestId('run-count')).toHaveText(/12 shown|6 shown/);
  for (const id of await shownIds(page)) expect(Number(id.split('_')[1]) % 2).toBe(1);
  await filter.fill('lrr > 1');
  await expect(page.locator('#runs-filter-help')).toContainText('No column named "lrr"');
  await filter.fill('');

  // Select 3 (one click, then shift-click two rows further), chart them.
  await filter.fill('trial'); // the 30 trials, by display name
  await header(page).getByRole('button', { name: 'Run', exact: true }).click(); // natural order: trial 2 < trial 10
  const ids = await shownIds(page);
  expect(ids.slice(0, 3)).toEqual(['lrsweep_0', 'lrsweep_1', 'lrsweep_2']);
  await grid(page).getByRole('checkbox', { name: 'Select lrsweep_0', exact: true }).click();
  await grid(page)
    .getByRole('checkbox', { name: 'Select lrsweep_2', exact: true })
    .click({ modifiers: ['Shift'] });
  await expect(page.getByRole('button', { name: 'Compare (3)' })).toBeEnabled();
  await page.getByRole('button', { name: 'Chart selected (3)' }).click();
  const parallel = page.locator('[data-chart=parallel]');
  const scatter = page.locator('[data-chart=scatter]');
  await expect(parallel).toHaveAttribute('data-series-count', '3');
  await expect(scatter).toHaveAttribute('data-series-count', '3');
  // The canvases drew something (not blank).
  for (const chart of [parallel, scatter])
    await expect
      .poll(() =>
        chart
          .locator('canvas')
          .first()
          .evaluate((c: HTMLCanvasElement) => {
            const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
            let ink = 0;
            for (let i = 3; i < d.length; i += 4) if ((d[i] as number) > 0) ink++;
            return ink;
          }),
      )
      .toBeGreaterThan(500);

  // Brushing the top of the lr axis (the largest lr of the three: lrsweep_2's 0.01) makes it the selection.
  const box = (await parallel.boundingBox()) as { x: number; y: number; width: number; height: number };
  await page.mouse.move(box.x + 40, box.y + 42);
  await page.mouse.down();
  await page.mouse.move(box.x + 40, box.y + 70, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByRole('button', { name: 'Compare (1)' })).toBeVisible();
  await expect(grid(page).getByRole('checkbox', { name: 'Select lrsweep_2', exact: true })).toBeChecked();
  await grid(page).getByRole('checkbox', { name: 'Select lrsweep_0', exact: true }).click();
  await grid(page).getByRole('checkbox', { name: 'Select lrsweep_1', exact: true }).click();

  // Compare: labels by name + short id with a colour chip; a differing value is marked; only-differences hides the same.
  await page.getByRole('button', { name: 'Compare (3)' }).click();
  const table = page.getByRole('table', { name: 'Comparison' });
  await expect(table.getByRole('columnheader', { name: /trial 0/ })).toContainText('0');
  const lrRow = table.getByRole('row', { name: /^P lr/ });
  await expect(lrRow).toHaveAttribute('data-differs', 'true');
  await expect(lrRow.locator('td.differs')).toHaveCount(3);
  const envRow = table.getByRole('row', { name: /^Environment/ });
  await expect(envRow).toHaveAttribute('data-differs', 'false');
  await page.getByRole('checkbox', { name: 'Show only differences' }).check();
  await expect(envRow).toHaveCount(0);
  await expect(lrRow).toBeVisible();
  await expect(page.locator('figure.metric-chart', { hasText: 'loss' })).toHaveAttribute('data-points', '9');
});

test('bulk cancel asks first, then cancels only the unfinished selected runs', async ({ page }) => {
  await openSweep(page);
  await page.getByRole('textbox', { name: 'Filter runs' }).fill('status=Running');
  await grid(page).getByRole('checkbox', { name: 'Select all shown runs' }).check();
  await page.getByRole('button', { name: 'Cancel selected (1)' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('lrsweep_live');
  await dialog.getByRole('button', { name: 'Cancel runs' }).click();
  // The filter keeps Running runs only: the canceled run leaves the view live, and reads Canceled without it.
  await expect(page.getByRole('heading', { name: 'No runs match the filter' })).toBeVisible();
  await page.getByRole('button', { name: 'Clear the filter' }).click();
  await expect(grid(page).getByRole('row', { name: /lrsweep_live/ })).toContainText('Canceled');
  await expect(page.getByRole('button', { name: 'Cancel selected (0)' })).toBeDisabled();
});
