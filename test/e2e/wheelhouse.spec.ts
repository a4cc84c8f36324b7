import { type Page, expect, test } from '@playwright/test';
import { makeWheel, tempDir, writeEnvFolder } from '../helpers/workspace';
import { READY } from './seed';
import { type ServedApp, cli, serve } from './serveFixture';

/** "Make offline-ready" on the Build tab: disabled until built (wh-unbuilt differs in content, so it has another build key), then says what the workspace wheels hold. */

let app: ServedApp;

test.beforeAll(async () => {
  app = await serve();
  // A private wheel (no network): the built environment's lock names it, and the workspace has it.
  cli(app, ['wheel', 'add', makeWheel(tempDir('bt-wheel-'), 'bt-wh', '1.0')]);
  cli(app, ['env', 'register', '-d', writeEnvFolder(tempDir('bt-src-'), 'wh-built', ['bt-wh==1.0'])]);
  cli(app, ['env', 'build', '-n', 'wh-built', '--backend', 'venv']);
  cli(app, ['env', 'register', '-d', writeEnvFolder(tempDir('bt-src-'), 'wh-unbuilt', ['bt-wh'])]);
});

test.afterAll(() => app?.stop());

async function openBuildTab(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Environments' }).getByText(name, { exact: true }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await page.getByRole('tab', { name: 'Build' }).click();
}

test('an unbuilt environment cannot be made offline-ready; a built one reports its wheels present', async ({
  page,
}) => {
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', READY);

  await openBuildTab(page, 'wh-unbuilt');
  const button = page.getByRole('button', { name: 'Make offline-ready' });
  await expect(button).toBeDisabled();
  await expect(page.getByText('Build it first; its lock names the wheels to fetch.')).toBeVisible();

  await openBuildTab(page, 'wh-built');
  await expect(button).toBeEnabled();
  await button.click();
  await expect(page.getByRole('status').filter({ hasText: 'Offline-ready' })).toHaveText(
    'Offline-ready: 0 wheel(s) fetched, 1 already in the workspace. Offline builds find them all.',
  );
});
