import { type Page, expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/workspace';
import { type ServedApp, cli, serve } from './serveFixture';

let app: ServedApp;
let project: string;
const submitted: string[] = [];

/** A run that logs a little and then sleeps until canceled (or 120 s). */
const SLEEPER = [
  'import time',
  'from azureml.core.run import Run',
  'run = Run.get_context()',
  'for i in range(240):',
  '    run.log("tick", i)',
  '    time.sleep(0.5)',
  '',
].join('\n');

function submit(args: string[] = []): string {
  const out = cli(app, ['--json', 'run', 'submit', '-d', project, '-s', 'sleep.py', '-x', 'queue-e2e', ...args]);
  const id = (JSON.parse(out) as { id: string }).id;
  submitted.push(id);
  return id;
}

const runJson = (id: string) =>
  JSON.parse(cli(app, ['--json', 'run', 'show', id])) as { status: string; startedAt: string | null };

test.beforeAll(async () => {
  app = await serve();
  cli(app, ['env', 'build', '-n', 'Benchtop-Minimal']);
  project = tempDir('bt-e2e-queue-');
  fs.writeFileSync(path.join(project, 'sleep.py'), SLEEPER);
});
test.afterAll(() => {
  for (const id of submitted) {
    try {
      cli(app, ['run', 'cancel', id], 30_000);
    } catch {
      // Already final.
    }
  }
  app?.stop();
});

async function open(page: Page) {
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
}

const entry = (page: Page, runId: string) => page.locator(`[data-testid="queue-entry"][data-run-id="${runId}"]`);

test('settings cap the queue at one run; the jobs panel shows the queue live, reorders it and cancels a queued run', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await open(page);

  // The cap is set in the Settings screen (the queue's form), as a user would.
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const form = page.getByRole('form', { name: 'Run queue' });
  await form.getByLabel('At most this many runs at once').fill('1');
  await form.getByRole('button', { name: 'Save queue settings' }).click();
  await expect(page.getByText(/The queue uses the new capacity/)).toBeVisible();

  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  await page.getByRole('button', { name: /^Jobs/ }).click();
  const queue = page.getByRole('region', { name: 'Run queue' });
  await expect(queue).toContainText('No run is running or waiting');

  // Submitted from a terminal while the page is open: the panel follows without a reload.
  const first = submit();
  const second = submit();
  const third = submit();
  await expect(entry(page, first)).toContainText('Running', { timeout: 60_000 });
  await expect(entry(page, second).getByLabel('Position 1')).toBeVisible();
  await expect(entry(page, third).getByLabel('Position 2')).toBeVisible();
  await expect(entry(page, second)).toContainText('priority 0');
  await expect(entry(page, second)).toContainText(/1 CPU, 0 GPUs/);
  await expect(entry(page, second)).toContainText(/limit of 1 concurrent run/);
  await expect(queue).toContainText('at most 1 run');
  await expect(page.getByRole('button', { name: /^Jobs/ })).toContainText('2 queued');

  // Raising the third run's priority moves it to the head of the queue.
  await page.getByRole('button', { name: `Raise the priority of ${third}` }).click();
  await expect(entry(page, third).getByLabel('Position 1')).toBeVisible();
  await expect(entry(page, third)).toContainText('priority 1');
  await expect(entry(page, second).getByLabel('Position 2')).toBeVisible();
  await page.screenshot({ path: 'test-results/queue-1440x900.png' });

  // Canceling a queued run from the panel: it leaves the queue and never starts.
  await page.getByRole('button', { name: `Cancel ${second}` }).click();
  await expect(entry(page, second)).toHaveCount(0);
  await expect(entry(page, third).getByLabel('Position 1')).toBeVisible();
  const canceled = runJson(second);
  expect(canceled.status).toBe('Canceled');
  expect(canceled.startedAt).toBeNull();

  // Canceling the running run lets the head of the queue start.
  await page.getByRole('button', { name: `Cancel ${first}` }).click();
  await expect(entry(page, first)).toHaveCount(0, { timeout: 30_000 });
  await expect(entry(page, third)).toContainText('Running', { timeout: 60_000 });
});

test("the Docker pool in Settings: add this machine's engine, change its slots, remove it", async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByText('No engines yet.')).toBeVisible();
  const add = page.getByRole('form', { name: 'Add an engine to the pool' });
  await add.getByLabel('Engine URL').fill('local');
  await add.getByLabel('Slots').fill('3');
  await add.getByRole('button', { name: 'Add engine' }).click();
  const pool = page.getByRole('table', { name: 'Docker pool' });
  const row = pool.getByRole('row', { name: /unix:\/\/\/var\/run\/docker\.sock/ });
  await expect(row).toContainText('0 of 3');
  await expect(row).toContainText('(this machine)');
  await expect(row).toContainText('reachable');

  await row.getByLabel(/^Slots of/).fill('5');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row).toContainText('0 of 5');
  expect(cli(app, ['docker', 'pool'])).toMatch(/unix:\/\/\/var\/run\/docker\.sock.*5/);

  await row.getByRole('button', { name: /^Remove/ }).click();
  await expect(page.getByText('No engines yet.')).toBeVisible();
});

test('submit from the UI with a priority and GPUs: the run records what the queue was asked', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  await page.getByRole('button', { name: 'Submit run' }).click();
  await page.getByLabel(/Source folder/).fill(project);
  await page.getByLabel(/^Script/).fill('sleep.py');
  await page.getByLabel('Priority (higher starts first)').fill('7');
  await page.getByLabel('GPUs').fill('0');
  await expect(page.getByLabel(/Any pool engine/)).toBeDisabled();
  await page.getByLabel('Priority (higher starts first)').fill('2000');
  await expect(page.getByText('Priority: a whole number from -1000 to 1000')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Submit', exact: true })).toBeDisabled();
  await page.getByLabel('Priority (higher starts first)').fill('7');
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(page.getByTestId('run-status')).toBeVisible();
  const id = (/Run (\S+)/.exec((await page.getByRole('article').getAttribute('aria-label')) ?? '') ?? [])[1] as string;
  submitted.push(id);
  const run = JSON.parse(cli(app, ['--json', 'run', 'show', id])) as {
    priority: number;
    resources: { cpus: number; gpus: number };
  };
  expect(run.priority).toBe(7);
  expect(run.resources).toEqual({ cpus: 1, gpus: 0 });

  // Re-run starts from the run's queue fields; a new priority reaches the new run.
  await page.getByRole('button', { name: 'Re-run…' }).click();
  await expect(page.getByLabel('Priority (higher starts first)')).toHaveValue('7');
  await expect(page.getByLabel('GPUs')).toHaveValue('0');
  await page.getByLabel('Priority (higher starts first)').fill('3');
  await page.getByRole('button', { name: 'Re-run', exact: true }).click();
  await expect(page.getByRole('article', { name: new RegExp(`^Run (?!${id}$)`) })).toBeVisible();
  const rerunId = (/Run (\S+)/.exec((await page.getByRole('article').getAttribute('aria-label')) ?? '') ?? [])[1];
  submitted.push(rerunId as string);
  const rerun = JSON.parse(cli(app, ['--json', 'run', 'show', rerunId as string])) as typeof run;
  expect(rerun.priority).toBe(3);
  expect(rerun.resources).toEqual({ cpus: 1, gpus: 0 });
});
