import { type Page, expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/workspace';
import { type ServedApp, cli, serve } from './serveFixture';

let app: ServedApp;
let project: string;

test.beforeAll(async () => {
  app = await serve();
  // Build the default environment once, so runs start from the cache.
  cli(app, ['env', 'build', '-n', 'Benchtop-Minimal']);
  project = tempDir('bt-e2e-project-');
  fs.writeFileSync(
    path.join(project, 'train.py'),
    [
      'import sys, time',
      'from azureml.core.run import Run',
      'run = Run.get_context()',
      'if "ask" in sys.argv:',
      '    name = input("who are you? ")',
      '    print("hello " + name, flush=True)',
      'epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 30',
      'for i in range(epochs):',
      '    run.log("loss", 1.0 / (i + 1), step=i)',
      '    print("epoch", i, flush=True)',
      '    time.sleep(0.15)',
      'run.log("accuracy", 0.5 + epochs / 100)',
      '',
    ].join('\n'),
  );
});
test.afterAll(() => app?.stop());

async function open(page: Page) {
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
}

const terminal = (page: Page) => page.getByTestId('terminal').locator('.xterm-rows');

async function submit(page: Page, args: string[]) {
  await page.getByRole('button', { name: 'Submit run' }).click();
  await page.getByLabel(/Source folder/).fill(project);
  await page.getByLabel(/^Script/).fill('train.py');
  await page.getByLabel('Arguments').fill(args.join('\n'));
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(page.getByTestId('run-status')).toBeVisible();
}

test('submit from the UI, answer input() in the terminal, watch output and a metric chart grow live', async ({
  page,
}) => {
  await open(page);
  await expect(page.getByText('No runs yet')).toBeVisible();
  await submit(page, ['40', 'ask']);
  await expect(terminal(page)).toContainText('who are you?', { timeout: 60_000 });
  await page.getByTestId('terminal').click();
  await page.keyboard.type('Grace\r');
  await expect(terminal(page)).toContainText('hello Grace');
  await expect(terminal(page)).toContainText('epoch 3');
  await expect(page.getByTestId('run-status')).toHaveText('Running');

  await page.getByRole('tab', { name: 'Metrics' }).click();
  const chart = page.locator('figure.chart', { hasText: 'loss' });
  await expect(chart).toBeVisible();
  const first = Number(await chart.getAttribute('data-points'));
  await expect
    .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 })
    .toBeGreaterThan(first);
  await expect(page.getByTestId('run-status')).toHaveText('Completed', { timeout: 60_000 });
  await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBe(40);
});

test('cancel a running run from the UI', async ({ page }) => {
  await open(page);
  await submit(page, ['1000', 'ask']);
  await expect(terminal(page)).toContainText('who are you?', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await expect(page.getByTestId('run-status')).toHaveText('Canceled', { timeout: 30_000 });
  await expect(page.getByRole('status').filter({ hasText: 'Canceled' }).first()).toBeVisible();
});

test('compare two runs: arguments and metrics side by side, series overlaid', async ({ page }) => {
  for (const epochs of ['5', '8']) {
    cli(app, ['run', 'submit', '-d', project, '-s', 'train.py', '-x', 'cmp', '--wait', '--', epochs], 60_000);
  }
  await open(page);
  await page.getByRole('navigation', { name: 'Experiments' }).getByRole('button', { name: /^cmp/ }).click();
  const rows = page.getByRole('table', { name: 'Runs' }).getByRole('row');
  await expect(rows).toHaveCount(3);
  for (const box of await page.getByRole('checkbox').all()) await box.check();
  await page.getByRole('button', { name: /Compare \(2\)/ }).click();
  const table = page.getByRole('table', { name: 'Comparison' });
  await expect(table).toContainText('accuracy');
  await expect(table).toContainText('0.55');
  await expect(table).toContainText('0.58');
  await expect(table.getByRole('row', { name: /Arguments/ })).toContainText('5');
  // uPlot's legend: the x row, then one row per overlaid run.
  await expect(page.locator('figure.chart', { hasText: 'loss' }).locator('.u-legend .u-series')).toHaveCount(3);
});
