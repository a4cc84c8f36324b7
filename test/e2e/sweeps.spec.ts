import { type Page, expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/workspace';
import { type ServedApp, cli, serve } from './serveFixture';

let app: ServedApp;
let project: string;

/** A trial logs a short acc curve that ends at lr * layers, and saves a model file. */
const TRAIN = [
  'import argparse, os, sys, time',
  'from azureml.core.run import Run',
  'p = argparse.ArgumentParser()',
  'p.add_argument("--lr", type=float)',
  'p.add_argument("--layers", type=int)',
  'p.add_argument("--sleep", type=float, default=0.05)',
  'p.add_argument("--metric", default="acc")',
  'a = p.parse_args()',
  'run = Run.get_context()',
  'for i in range(5):',
  '    run.log(a.metric, round(a.lr * a.layers * (i + 1) / 5, 4))',
  '    time.sleep(a.sleep)',
  'os.makedirs("outputs", exist_ok=True)',
  'open("outputs/model.txt", "w").write(str(a.lr))',
  '',
].join('\n');

const GRID = (extra: string[]) =>
  [
    'sampling:',
    '  type: grid',
    '  parameter_space:',
    '    --lr: choice(0.1, 0.2, 0.3)',
    '    --layers: choice(1, 2)',
    'primary_metric: {name: acc, goal: maximize}',
    'max_concurrent_runs: 2',
    ...extra,
    '',
  ].join('\n');

function sweepFile(name: string, text: string): string {
  const file = path.join(project, name);
  fs.writeFileSync(file, text);
  return file;
}

function submitSweep(file: string, experiment: string, extraArgs: string[] = [], wait = true): string {
  const args = ['--json', 'sweep', 'submit', '-f', file, '-d', project, '-s', 'train.py', '-x', experiment];
  const out = cli(app, [...args, ...(wait ? ['--wait'] : []), ...extraArgs], 120_000);
  return (JSON.parse(out) as { id: string }).id;
}

let gridSweep: string;

test.beforeAll(async () => {
  app = await serve();
  cli(app, ['env', 'build', '-n', 'Benchtop-Minimal']);
  project = tempDir('bt-e2e-sweep-');
  fs.writeFileSync(path.join(project, 'train.py'), TRAIN);
  gridSweep = submitSweep(sweepFile('grid.yml', GRID([])), 'grid');
});
test.afterAll(() => app?.stop());

async function open(page: Page, served = app) {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(served.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
}

const metricColumn = (page: Page) => page.getByRole('table', { name: 'Trials' }).getByTestId('trial-metric');

test('no sweeps yet: the sweeps list says how to submit one, from the CLI and from Python', async ({ page }) => {
  const empty = await serve();
  try {
    await open(page, empty);
    await page.getByRole('button', { name: 'Sweeps', exact: true }).click();
    await expect(page.getByText('No sweeps yet')).toBeVisible();
    await expect(page.getByText('benchtop sweep submit -f sweep.yml -d ./train -s train.py')).toBeVisible();
    await expect(page.getByText(/HyperDriveConfig\(run_config=src/)).toBeVisible();
  } finally {
    empty.stop();
  }
});

test('a sweep submitted from a terminal appears live in the sweeps list and the runs list, with its counts', async ({
  page,
}) => {
  await open(page);
  await page.getByRole('button', { name: 'Sweeps', exact: true }).click();
  const sweeps = page.getByRole('table', { name: 'Sweeps' });
  await expect(sweeps.getByRole('row', { name: new RegExp(gridSweep) })).toContainText('6 done');

  const id = submitSweep(sweepFile('again.yml', GRID([])), 'again', [], false);
  const row = sweeps.getByRole('row', { name: new RegExp(id) });
  await expect(row).toContainText('Completed', { timeout: 60_000 });
  await expect(row).toContainText('6 done');
  await expect(row).toContainText('0.6');

  // The runs list marks the parent as a sweep, with its counts.
  await page.getByRole('button', { name: 'Back to runs' }).click();
  const parentRow = page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ hasText: id });
  await expect(parentRow.getByTestId('sweep-badge')).toHaveText('sweep · 6 done');
});

test('the sweep view: counts, sortable trials, charts with tooltips, keyboard to a trial and back', async ({
  page,
}) => {
  await open(page);
  await page.getByRole('button', { name: gridSweep, exact: true }).click();
  const view = page.getByRole('article', { name: `Sweep ${gridSweep}` });
  await expect(view.getByTestId('sweep-status')).toHaveText('Completed');
  await expect(view.getByTestId('sweep-done')).toHaveText('6 of 6 done');
  await expect(view.getByTestId('count-completed')).toContainText('6 completed');
  await expect(view.getByTestId('count-earlyTerminated')).toContainText('0 early terminated');
  await expect(view.getByTestId('sweep-best')).toContainText(`${gridSweep}_5`);
  await expect(view.getByTestId('sweep-best')).toContainText('acc = 0.6');

  // Best first (goal maximize), then by a parameter, both ways.
  await expect(metricColumn(page)).toHaveText(['0.6', '0.4', '0.3', '0.2', '0.2', '0.1']);
  await page.getByRole('button', { name: /^--lr/ }).click();
  const lr = page.getByRole('table', { name: 'Trials' }).locator('tbody tr td:nth-child(3)');
  await expect(lr).toHaveText(['0.1', '0.1', '0.2', '0.2', '0.3', '0.3']);
  await page.getByRole('button', { name: /^--lr/ }).click();
  await expect(lr).toHaveText(['0.3', '0.3', '0.2', '0.2', '0.1', '0.1']);
  await page.getByRole('button', { name: /^acc/ }).click();
  await expect(metricColumn(page)).toHaveText(['0.1', '0.2', '0.2', '0.3', '0.4', '0.6']);

  // Two ECharts canvases; hovering the best-so-far chart shows its tooltip with a value.
  const best = page.getByRole('img', { name: 'Best acc so far by trial end' });
  const parallel = page.getByRole('img', { name: 'Parallel coordinates of the parameters and acc' });
  await expect(best.locator('canvas')).toHaveCount(1);
  await expect(parallel.locator('canvas')).toHaveCount(1);
  const box = (await best.boundingBox()) as { x: number; y: number; width: number; height: number };
  // The axis tooltip snaps to the nearest trial end; which trial ends last (and how close the last two are) varies
  // with the machine, so hover from the plot's right edge leftwards until the last end (best 0.6) is under the cursor.
  await expect
    .poll(async () => {
      for (const fromRight of [26, 30, 36, 44, 56]) {
        await page.mouse.move(box.x + box.width - fromRight, box.y + box.height / 2);
        const text = (await best.textContent()) ?? '';
        if (/best acc so far: 0\.6/.test(text)) return text;
      }
      return (await best.textContent()) ?? '';
    })
    .toMatch(/best acc so far: 0\.6/);
  await page.screenshot({ path: 'test-results/sweep-view-1440x900.png' });

  // Keyboard: Tab reaches the trial rows; Enter opens that run; its parent link comes back to the sweep.
  await page.getByRole('button', { name: /^acc/ }).focus();
  await page.keyboard.press('Tab');
  await expect(page.locator('tr.trial-row').first()).toBeFocused();
  await page.keyboard.press('Enter');
  const trialId = `${gridSweep}_0`;
  await expect(page.getByRole('article', { name: `Run ${trialId}` })).toBeVisible();
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.getByRole('button', { name: gridSweep, exact: true }).click();
  await expect(view).toBeVisible();
});

test('register the best trial as a model from the sweep view', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: gridSweep, exact: true }).click();
  await page.getByRole('button', { name: 'Register best model' }).click();
  const form = page.getByRole('form', { name: 'Register best model' });
  await form.getByLabel('Model name').fill('grid-best');
  await expect(form.getByLabel("Path in the run's outputs")).toHaveValue('outputs/model.txt');
  await form.getByRole('button', { name: 'Register', exact: true }).click();
  await expect(page.getByText(`Registered grid-best:1 from ${gridSweep}_5.`)).toBeVisible();
  const model = JSON.parse(cli(app, ['--json', 'model', 'show', 'grid-best'])) as { runId: string | null };
  expect(model.runId).toBe(`${gridSweep}_5`);
});

test('a primary metric no trial logs, and the warnings given at submit, are said in the sweep view', async ({
  page,
}) => {
  const id = submitSweep(sweepFile('loss.yml', GRID(['arguments: [--metric, loss]', 'max_total_runs: 12'])), 'no-acc');
  await open(page);
  await page
    .getByRole('navigation', { name: 'Experiments' })
    .getByRole('button', { name: /^no-acc/ })
    .click();
  await page.getByRole('button', { name: id, exact: true }).click();
  await expect(page.getByTestId('sweep-message')).toContainText('The primary metric "acc" was not logged by');
  await expect(page.getByTestId('sweep-message')).toContainText('it logged: loss');
  await expect(page.getByText('No trial has ended with acc logged yet.')).toBeVisible();
  // The warning given at submit stays with the sweep.
  await expect(page.getByRole('list', { name: 'Warnings' })).toContainText(
    'The grid has 6 points: the sweep runs 6 trials, not max_total_runs=12.',
  );
});

test('cancel asks how many trials it stops, then the sweep ends Canceled live', async ({ page }) => {
  const file = sweepFile(
    'slow.yml',
    GRID(['arguments: [--sleep, "20"]']).replace('max_concurrent_runs: 2', 'max_concurrent_runs: 1'),
  );
  const id = submitSweep(file, 'slow', [], false);
  await open(page);
  await page.getByRole('navigation', { name: 'Experiments' }).getByRole('button', { name: /^slow/ }).click();
  await page.getByRole('button', { name: id, exact: true }).click();
  const view = page.getByRole('article', { name: `Sweep ${id}` });
  await expect(view.getByTestId('count-running')).toContainText('1 running', { timeout: 60_000 });
  // Trials beyond max_concurrent_runs may wait in the queue (the queue holds them to the sweep's limit).
  const queued = Number(/(\d+) queued/.exec(await view.getByTestId('count-queued').innerText())?.[1]);
  await expect(view.getByText(`${5 - queued} not submitted yet`)).toBeVisible();
  await view.getByRole('button', { name: 'Cancel sweep' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Cancel the sweep?' });
  const stops = 1 + queued;
  await expect(dialog).toContainText(
    `This stops ${stops} trial${stops === 1 ? '' : 's'} (1 running, ${queued} queued) and submits no more.`,
  );
  await dialog.getByRole('button', { name: `Stop ${stops} trial${stops === 1 ? '' : 's'}` }).click();
  await expect(view.getByTestId('sweep-status')).toHaveText('Canceled', { timeout: 60_000 });
  await expect(view.getByTestId('count-canceled')).toContainText(`${stops} canceled`);
  await expect(view.getByRole('button', { name: 'Cancel sweep' })).toHaveCount(0);
});

test('a trial the Bandit policy stops shows as early terminated, in the counts and the table', async ({ page }) => {
  // One trial at a time: lr=1 runs first and sets the bar; lr=0.01 falls far below it and is stopped.
  const yml = [
    'sampling:',
    '  type: grid',
    '  parameter_space:',
    '    --lr: choice(1.0, 0.01)',
    '    --layers: choice(1)',
    'policy: {type: BanditPolicy, slack_factor: 0.1, evaluation_interval: 1, delay_evaluation: 1}',
    'primary_metric: {name: acc, goal: maximize}',
    'max_concurrent_runs: 1',
    'arguments: [--sleep, "1"]',
    '',
  ].join('\n');
  const id = submitSweep(sweepFile('bandit.yml', yml), 'bandit');
  await open(page);
  await page
    .getByRole('navigation', { name: 'Experiments' })
    .getByRole('button', { name: /^bandit/ })
    .click();
  await page.getByRole('button', { name: id, exact: true }).click();
  const view = page.getByRole('article', { name: `Sweep ${id}` });
  await expect(view.getByTestId('count-earlyTerminated')).toContainText('1 early terminated');
  await expect(view.getByTestId('count-completed')).toContainText('1 completed');
  await expect(view.getByTestId('count-canceled')).toContainText('0 canceled');
  await expect(view.getByRole('row', { name: `Trial 1: ${id}_1, Canceled (early terminated)` })).toBeVisible();
  await expect(page.getByRole('img', { name: /Parallel coordinates/ }).locator('canvas')).toHaveCount(1);
});
