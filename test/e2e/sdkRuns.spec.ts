import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { type ServedApp, cli, serve } from './serveFixture';

/**
 * Runs made from Python in the UI: child runs nested under their parent (opened and closed in the
 * list, updating live), and the #/runs/<id> link that run.get_portal_url() gives. The runs are
 * made with the CLI commands the SDK uses (run create / update / finish).
 */

let app: ServedApp;
let parent: string;

test.beforeAll(async () => {
  app = await serve();
  [parent] = JSON.parse(
    cli(app, ['--json', 'run', 'create', '-x', 'nb-parents', '--display-name', 'sweep', '--tag', 'kind=sweep']),
  ).map((r: { id: string }) => r.id);
  cli(app, ['run', 'create', '--parent', parent, '--tag-key', 'fold', '--tag-values', '["a","b"]']);
  cli(app, ['run', 'update', `${parent}_0`, '--display-name', 'fold a']);
  cli(app, ['run', 'finish', `${parent}_0`]);
});
test.afterAll(() => app?.stop());

test('child runs show under their parent, live; a #/runs/<id> link opens the run', async ({ page }) => {
  await page.goto(`${app.url}#/runs/${parent}`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByRole('heading', { name: parent })).toBeVisible();
  await page.getByRole('tab', { name: 'Overview' }).click();
  await expect(page.getByText('Child runs')).toBeVisible();

  await page.getByRole('button', { name: 'Back to runs' }).click();
  const rows = page.getByRole('table', { name: 'Runs' }).getByRole('row');
  // Only the parent is a top-level row until it is opened.
  await expect(rows.filter({ hasText: `${parent}_0` })).toHaveCount(0);
  await page.getByRole('button', { name: `Show the 2 child runs of ${parent}` }).click();
  const first = rows.filter({ hasText: `${parent}_0` });
  await expect(first).toContainText('fold a');
  await expect(first).toContainText('Completed');
  await expect(first).toHaveAttribute('aria-level', '2');
  const second = rows.filter({ hasText: `${parent}_1` });
  await expect(second).toContainText('Running');

  // Ended from Python (another process): the open list follows.
  cli(app, ['run', 'finish', `${parent}_1`, '--status', 'Failed', '--error', 'bad fold']);
  await expect(second).toContainText('Failed', { timeout: 10_000 });
  // A third child appears under the open parent.
  cli(app, ['run', 'create', '--parent', parent, '--display-name', 'late child']);
  await expect(rows.filter({ hasText: 'late child' })).toHaveCount(1, { timeout: 10_000 });

  // A metric a Python process appends to a run without a supervisor shows in the list while it is live.
  fs.appendFileSync(
    path.join(app.workspace, 'runs', parent, 'events.jsonl'),
    `${JSON.stringify({ type: 'scalar', name: 'rows_seen', value: 442, t: Date.now() / 1000 })}\n`,
  );
  await expect(page.getByRole('columnheader', { name: 'rows_seen' })).toBeVisible({ timeout: 10_000 });
  await expect(rows.filter({ hasText: 'sweep' }).first()).toContainText('442');

  await page.getByRole('button', { name: `Hide the 3 child runs of ${parent}` }).click();
  await expect(rows.filter({ hasText: `${parent}_0` })).toHaveCount(0);
  await rows.filter({ hasText: parent }).getByRole('button', { name: parent, exact: true }).click();
  await expect(page.getByRole('heading', { name: parent })).toBeVisible();
});
