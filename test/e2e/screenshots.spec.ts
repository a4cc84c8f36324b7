import { type Locator, type Page, expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { READY } from './seed';
import { type Seeded, seedWorkspace, unseed } from './polishSeed';
import { type ServedApp, serve } from './serveFixture';

/*
 * Every screen at 1024x700, 1440x900 and 1920x1080 (two screens also dark), saved on every run to
 * test-results/screenshots/<screen>-<w>x<h>.png for a person to look at. Per screenshot it asserts what a user
 * would notice: the page never scrolls sideways, and the screen's key column or heading is on screen or reachable
 * by scrolling its own container (not clipped away).
 */
const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
];
const OUT = path.join('test-results', 'screenshots');

let app: ServedApp;
let seeded: Seeded;

test.beforeAll(async () => {
  app = await serve();
  seeded = await seedWorkspace(app);
  fs.mkdirSync(OUT, { recursive: true });
});
test.afterAll(() => {
  if (app) unseed(app);
  app?.stop();
});

interface Screen {
  name: string;
  hash: () => string;
  /** Steps after the hash is open (a tab to click), and the element that must be visible. */
  ready: (page: Page) => Promise<void>;
  /** The elements that must stay reachable at every size. */
  keys: (page: Page) => Locator[];
}

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { name, level: 2 }).first();
const runsGrid = (page: Page) => page.getByRole('table', { name: 'Runs' });

const SCREENS: Screen[] = [
  {
    name: 'environments-list',
    hash: () => '#/environments',
    ready: async (page) => {
      await expect(page.getByRole('button', { name: /^shots-env/ })).toBeVisible();
    },
    keys: (page) => [heading(page, 'Environments'), page.getByRole('button', { name: /^shots-env/ })],
  },
  {
    name: 'environments-detail',
    hash: () => '#/environments/shots-env/1',
    ready: async (page) => {
      await expect(heading(page, 'shots-env')).toBeVisible();
    },
    keys: (page) => [heading(page, 'shots-env'), page.getByRole('tab', { name: 'Dockerfile' })],
  },
  {
    name: 'environments-yaml',
    hash: () => '#/environments/shots-env/1',
    ready: async (page) => {
      await page.getByRole('tab', { name: 'Definition' }).click();
      await expect(page.getByTestId('definition-yaml')).toBeVisible();
    },
    keys: (page) => [page.getByTestId('definition-yaml'), page.getByLabel('Show all fields')],
  },
  {
    name: 'runs-list',
    hash: () => '#/runs?experiment=demo',
    ready: async (page) => {
      await expect(runsGrid(page).getByRole('row')).toHaveCount(3);
    },
    // The last metric column (the one that scrolled out of sight at 1024 px) and the run's name column.
    keys: (page) => [
      runsGrid(page).getByRole('columnheader', { name: /f1_score_macro_average/ }),
      runsGrid(page).getByRole('button', { name: seeded.runIds[0] }),
    ],
  },
  {
    name: 'run-detail',
    hash: () => `#/runs/${seeded.runIds[0]}`,
    ready: async (page) => {
      await expect(page.getByTestId('run-status')).toHaveText(/Completed/);
    },
    keys: (page) => [page.getByTestId('run-status'), page.getByRole('tab', { name: 'Metrics' })],
  },
  {
    name: 'run-metrics',
    hash: () => `#/runs/${seeded.runIds[0]}`,
    ready: async (page) => {
      await page.getByRole('tab', { name: 'Metrics' }).click();
      await expect(page.getByText('val_loss').first()).toBeVisible();
    },
    keys: (page) => [page.getByText('val_loss').first()],
  },
  {
    name: 'compare',
    hash: () => `#/compare?runs=${seeded.runIds.join(',')}`,
    ready: async (page) => {
      await expect(heading(page, /Compare 2 runs/)).toBeVisible();
    },
    keys: (page) => [heading(page, /Compare 2 runs/), page.getByRole('table', { name: 'Comparison' })],
  },
  {
    name: 'models',
    hash: () => '#/models/demo-model',
    ready: async (page) => {
      await expect(page.getByRole('article', { name: 'Model demo-model' })).toBeVisible();
    },
    // The versions table's Run column (it scrolled out of sight at 1024 px).
    keys: (page) => [
      page.getByRole('article', { name: 'Model demo-model' }).getByRole('columnheader', { name: 'Run', exact: true }),
    ],
  },
  {
    name: 'data',
    hash: () => '#/data/iris-table',
    ready: async (page) => {
      await expect(page.getByRole('article', { name: 'Dataset iris-table' })).toBeVisible();
    },
    keys: (page) => [page.getByRole('article', { name: 'Dataset iris-table' }).getByRole('heading').first()],
  },
  {
    name: 'services-list',
    hash: () => '#/services',
    ready: async (page) => {
      await expect(page.getByRole('navigation', { name: 'Services' }).getByText('demo-svc')).toBeVisible();
    },
    keys: (page) => [heading(page, 'Services'), page.getByRole('button', { name: 'Deploy a service' })],
  },
  {
    name: 'services-detail',
    hash: () => '#/services/demo-svc',
    ready: async (page) => {
      await expect(page.getByRole('article', { name: 'Service demo-svc' })).toBeVisible();
    },
    keys: (page) => [heading(page, 'demo-svc')],
  },
  {
    name: 'build-cache',
    hash: () => '#/cache',
    ready: async (page) => {
      await expect(page.getByRole('table')).toContainText('shots-env:1');
    },
    keys: (page) => [heading(page, 'Build cache'), page.getByRole('button', { name: /^Remove [0-9a-f]{32}$/ })],
  },
  {
    name: 'settings',
    hash: () => '#/settings',
    ready: async (page) => {
      await expect(page.getByRole('group', { name: 'Appearance' })).toBeVisible();
    },
    keys: (page) => [heading(page, 'Settings'), page.getByRole('group', { name: 'Appearance' })],
  },
  {
    name: 'sweeps',
    hash: () => '#/sweeps',
    ready: async (page) => {
      await expect(page.getByRole('table', { name: 'Sweeps' })).toContainText(seeded.sweepId.slice(0, 8));
    },
    keys: (page) => [heading(page, 'Sweeps')],
  },
  {
    name: 'sweep-detail',
    hash: () => `#/sweeps/${seeded.sweepId}`,
    ready: async (page) => {
      await expect(page.getByRole('table', { name: 'Trials' })).toBeVisible();
    },
    keys: (page) => [page.getByRole('table', { name: 'Trials' })],
  },
];
/** Also shot dark (the OS preference), at every size. */
const DARK = new Set(['environments-yaml', 'runs-list', 'services-detail']);

// Page-side expressions as strings: this file is type-checked for Node, without the DOM's types.
const PAGE_OVERFLOW = 'document.documentElement.scrollWidth - window.innerWidth';
const TWO_FRAMES = 'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))';
// Each size starts unscrolled (the previous size's reachability check scrolled tables sideways).
const UNSCROLL = "document.querySelectorAll('*').forEach((e) => { if (e.scrollLeft) e.scrollLeft = 0; })";

async function assertNothingClipped(page: Page, keys: Locator[], size: { width: number; height: number }) {
  const overflow = await page.evaluate<number>(PAGE_OVERFLOW);
  expect(overflow, 'the page scrolls sideways').toBeLessThanOrEqual(0);
  for (const key of keys) {
    // Reachable: scrolling its own containers brings it fully into the viewport, and the page itself stays put.
    await key.scrollIntoViewIfNeeded();
    const box = await key.boundingBox();
    expect(box, `${key} is not rendered`).not.toBeNull();
    if (!box) continue;
    expect(box.x, `${key} starts left of the window`).toBeGreaterThanOrEqual(-1);
    expect(box.x + Math.min(box.width, 40), `${key} is right of the window`).toBeLessThanOrEqual(size.width + 1);
    expect(box.y, `${key} is below the window`).toBeLessThan(size.height);
    expect(await page.evaluate<number>('window.scrollX'), 'the page scrolled sideways to show it').toBe(0);
  }
}

async function shoot(page: Page, screen: Screen, suffix: string) {
  await page.evaluate(`window.location.hash = ${JSON.stringify(screen.hash())}`);
  await screen.ready(page);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    // Let layout (charts and terminals size to their container) settle for one frame pair.
    await page.evaluate(UNSCROLL);
    await page.evaluate(TWO_FRAMES);
    await page.screenshot({ path: path.join(OUT, `${screen.name}${suffix}-${size.width}x${size.height}.png`) });
    await assertNothingClipped(page, screen.keys(page), size);
  }
}

test('every screen at 1024, 1440 and 1920 px: saved, nothing important clipped, no sideways page scroll', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', READY);
  for (const screen of SCREENS) await test.step(screen.name, () => shoot(page, screen, ''));
  await page.emulateMedia({ colorScheme: 'dark' });
  for (const screen of SCREENS.filter((s) => DARK.has(s.name)))
    await test.step(`${screen.name} (dark)`, () => shoot(page, screen, '-dark'));
});
