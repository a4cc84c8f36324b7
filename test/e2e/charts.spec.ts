import { type Locator, type Page, expect, test } from '@playwright/test';
import { openCore } from '../../src/main/core/core';
import { writeFinishedRun } from '../helpers/finishedRun';
import { tempDir } from '../helpers/workspace';
import { type ServedApp, serve } from './serveFixture';

// A finished run written straight into a fresh workspace (writeFinishedRun): the charts are what is tested.
const RUN = 'charts_1_e2e';
const T0 = 1_700_000_000;
const STEPS = 101;

let app: ServedApp;

test.beforeAll(async () => {
  const workspace = tempDir('bt-e2e-charts-');
  const core = openCore(workspace);
  const lines: string[] = [];
  // loss = 2 * step + 1 (so the hover can check the value against the step), logged every half second.
  for (let step = 0; step < STEPS; step++) {
    const at = T0 + step / 2;
    lines.push(JSON.stringify({ type: 'scalar', name: 'loss', value: 2 * step + 1, step, t: at }));
    lines.push(JSON.stringify({ type: 'scalar', name: 'accuracy', value: step / 100, step, t: at }));
    if (step % 10 === 0)
      lines.push(
        JSON.stringify({
          type: 'scalar',
          name: 'system/cpu_utilization_percentage',
          value: 42,
          step: step / 10,
          t: at,
        }),
      );
  }
  // Edge cases: logged once, constant, with NaN / infinities among the numbers, text under a scalar name, non-scalars.
  const event = (e: Record<string, unknown>) => lines.push(JSON.stringify({ t: T0, ...e }));
  event({ type: 'scalar', name: 'once', value: 0.75, step: 5 });
  for (let step = 0; step < 5; step++) event({ type: 'scalar', name: 'constant', value: 3, step });
  const noisy = [1, { $float: 'NaN' }, { $float: 'Infinity' }, 4, { $float: '-Infinity' }, 6];
  noisy.forEach((value, step) => event({ type: 'scalar', name: 'noisy', value, step }));
  event({ type: 'scalar', name: 'note', value: 'warmup', step: 0 });
  event({ type: 'scalar', name: 'note', value: 'done', step: 1 });
  event({ type: 'list', name: 'confusion', value: [1, 2, 3] });
  event({ type: 'row', name: 'per_class', value: { cat: 0.9, dog: 0.8 } });
  event({ type: 'table', name: 'summary', value: { fold: [1, 2], score: [0.7, 0.8] } });
  writeFinishedRun(core, RUN, 'charts', lines);
  core.close();
  app = await serve(workspace);
});
test.afterAll(() => app?.stop());

async function openMetrics(page: Page): Promise<Locator> {
  await page.goto(`${app.url}#/runs/${RUN}`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await page.getByRole('tab', { name: 'Metrics' }).click();
  const chart = page.getByRole('figure', { name: 'Chart of loss' });
  await expect(chart).toHaveAttribute('data-drawn', /\d+/, { timeout: 20_000 });
  return chart;
}

/** The legend's x and loss values (uPlot's live legend: first row is x, then one row per series). */
async function legendValues(chart: Locator): Promise<[string, string]> {
  const values = chart.locator('.u-legend .u-series .u-value');
  return [(await values.nth(0).textContent()) ?? '', (await values.nth(1).textContent()) ?? ''];
}

const xRange = async (chart: Locator): Promise<[number, number]> => [
  Number(await chart.getAttribute('data-x-min')),
  Number(await chart.getAttribute('data-x-max')),
];

test('hover shows the value under the cursor; drag zooms and a double-click resets', async ({ page }) => {
  const chart = await openMetrics(page);
  const over = chart.locator('.u-over');
  const box = (await over.boundingBox()) as { x: number; y: number; width: number; height: number };
  for (const fraction of [0.25, 0.6]) {
    await page.mouse.move(box.x + box.width * fraction, box.y + box.height / 2);
    const [x, y] = await legendValues(chart);
    // The point under the cursor: its step is where the cursor is along the axis, its value 2 * step + 1.
    expect(Math.abs(Number(x) - fraction * (STEPS - 1))).toBeLessThanOrEqual(2);
    expect(Number(y)).toBe(2 * Number(x) + 1);
  }
  expect(await xRange(chart)).toEqual([0, STEPS - 1]);
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(() => xRange(chart)).not.toEqual([0, STEPS - 1]);
  const [min, max] = await xRange(chart);
  expect(min).toBeGreaterThan(15);
  expect(max).toBeLessThan(55);
  await over.dblclick({ position: { x: box.width / 2, y: box.height / 2 } });
  await expect.poll(() => xRange(chart)).toEqual([0, STEPS - 1]);
});

test('log scale, x = time / relative time, legend click hides a series; system metrics on their own tab', async ({
  page,
}) => {
  const chart = await openMetrics(page);
  // The Metrics tab holds the script's metrics only.
  await expect(page.getByRole('figure', { name: /Chart of system\// })).toHaveCount(0);
  await expect(chart).toHaveAttribute('data-y-scale', 'linear');
  await page.getByLabel('Log scale').check();
  await expect(page.getByRole('figure', { name: 'Chart of loss' })).toHaveAttribute('data-y-scale', 'log');
  await page.getByLabel('Log scale').uncheck();
  await expect(chart).toHaveAttribute('data-y-scale', 'linear');

  await page.getByLabel('X axis').selectOption('relative');
  await expect.poll(() => xRange(chart)).toEqual([0, (STEPS - 1) / 2]);
  await page.getByLabel('X axis').selectOption('time');
  await expect.poll(() => xRange(chart)).toEqual([T0, T0 + (STEPS - 1) / 2]);
  await page.getByLabel('X axis').selectOption('step');
  await expect.poll(() => xRange(chart)).toEqual([0, STEPS - 1]);

  const entry = chart.locator('.u-legend .u-series').nth(1);
  await expect(entry).toContainText('loss');
  await entry.click();
  await expect(entry).toHaveClass(/u-off/);
  // The keyboard reaches it too (Enter shows it again).
  await entry.focus();
  await page.keyboard.press('Enter');
  await expect(entry).not.toHaveClass(/u-off/);

  await page.getByRole('tab', { name: 'System' }).click();
  const cpu = page.getByRole('figure', { name: 'Chart of CPU (% of one core)' });
  await expect(cpu).toHaveAttribute('data-points', '11');
  await expect(cpu).toHaveAttribute('data-drawn', /\d+/);
});

test('the sampling interval is a setting that is kept', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await page.getByText('Settings', { exact: true }).first().click();
  const form = page.getByRole('form', { name: 'System metrics' });
  const field = form.getByLabel(/Sample every/);
  await expect(field).toHaveValue('5');
  await field.fill('-1');
  await expect(form.getByRole('button', { name: 'Save' })).toBeDisabled();
  await expect(form).toContainText('from 0 to 3600');
  await field.fill('2');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('new runs sample every 2 s')).toBeVisible();
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  await page.getByText('Settings', { exact: true }).first().click();
  await expect(page.getByRole('form', { name: 'System metrics' }).getByLabel(/Sample every/)).toHaveValue('2');
});

/** The plot's pixels in a colour (a run's stroke), not the grey of axes, grid and text: what the series drew. */
const colouredPixels = (chart: Locator) =>
  chart.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
    const { data } = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(
      0,
      0,
      canvas.width,
      canvas.height,
    );
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0, data[i + 3] ?? 0];
      if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 80) count++;
    }
    return count;
  });

const yRange = async (chart: Locator): Promise<[number, number]> => [
  Number(await chart.getAttribute('data-y-min')),
  Number(await chart.getAttribute('data-y-max')),
];

test('edge cases: one point, a constant, NaN and infinities, text and non-scalar metrics', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openMetrics(page);
  const chart = (name: string) => page.getByRole('figure', { name: `Chart of ${name}` });

  // Logged once: a visible dot, centred in an x range around its step.
  const once = chart('once');
  await expect(once).toHaveAttribute('data-drawn', /\d+/);
  await expect(once).toHaveAttribute('data-points', '1');
  const [xMin, xMax] = await xRange(once);
  expect(xMin).toBeLessThan(5);
  expect((xMin + xMax) / 2).toBe(5);
  const [onceMin, onceMax] = await yRange(once);
  expect(onceMin).toBeLessThan(0.75);
  expect(onceMax).toBeGreaterThan(0.75);
  expect(await colouredPixels(once)).toBeGreaterThan(10);

  // All values equal: a band around the value, the line drawn inside it.
  const constant = chart('constant');
  await expect(constant).toHaveAttribute('data-drawn', /\d+/);
  const [cMin, cMax] = await yRange(constant);
  expect(cMin).toBeLessThan(3);
  expect(cMax).toBeGreaterThan(3);
  expect(cMax - cMin).toBeLessThan(2);
  expect(await colouredPixels(constant)).toBeGreaterThan(10);

  // NaN and the infinities are gaps: the y range is the finite values' (1 to 6), not infinite.
  const noisy = chart('noisy');
  await expect(noisy).toHaveAttribute('data-points', '6');
  await expect(noisy).toHaveAttribute('data-drawn', /\d+/);
  const [nMin, nMax] = await yRange(noisy);
  expect(nMin).toBeGreaterThan(0);
  expect(nMin).toBeLessThan(1);
  expect(nMax).toBeGreaterThan(6);
  expect(nMax).toBeLessThan(7);

  // Text logged under a scalar name, and lists, rows and tables: tables, never an empty or broken chart.
  for (const name of ['note', 'confusion', 'per_class', 'summary']) await expect(chart(name)).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Table note' })).toContainText('warmup');
  await expect(page.getByRole('table', { name: 'Table per_class' })).toContainText('0.9');
  await expect(page.getByRole('table', { name: 'Table summary' })).toContainText('0.8');
  await expect(page.getByRole('table', { name: 'Table confusion' })).toContainText('3');
  await expect(page.getByText('No numeric values yet.')).toHaveCount(0);
  expect(errors).toEqual([]);
  for (const [width, height] of [
    [1024, 700],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height });
    await once.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `test-results/charts-edge-cases-${width}.png` });
  }
});
