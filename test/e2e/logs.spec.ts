import { type Locator, type Page, expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/workspace';
import { QUICK_ENV, seedQuickEnvironment } from './seed';
import { type ServedApp, cli, serve } from './serveFixture';

let app: ServedApp;
let project: string;

test.beforeAll(async () => {
  app = await serve();
  // No venv build here: the service and the input() run use a user-managed environment; the build-log test
  // builds Benchtop-Minimal itself (its first build, a real one, from the UI).
  seedQuickEnvironment(app);
  const modelDir = tempDir('bt-e2e-logs-model-');
  fs.writeFileSync(path.join(modelDir, 'weights.json'), '{"w": 1}');
  cli(app, ['model', 'register', '-n', 'weights', '-p', path.join(modelDir, 'weights.json')]);
  project = tempDir('bt-e2e-logs-src-');
  fs.writeFileSync(
    path.join(project, 'score.py'),
    [
      'import json',
      'def init():',
      '    # Enough start-up lines that the log scrolls.',
      '    for i in range(120):',
      '        print(f"warming {i}", flush=True)',
      'def run(raw):',
      '    data = json.loads(raw)',
      '    if data.get("fail"):',
      '        raise ValueError(f"bad input {data[\'fail\']}")',
      '    return {"ok": True}',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(project, 'ask.py'),
    ['name = input("who are you? ")', 'print("hello " + name, flush=True)', ''].join('\n'),
  );
  cli(app, [
    'service',
    'deploy',
    '-n',
    'logs-svc',
    '-m',
    'weights',
    '--entry-script',
    'score.py',
    '-d',
    project,
    '-e',
    QUICK_ENV,
  ]);
});
test.afterAll(() => {
  try {
    cli(app, ['service', 'delete', 'logs-svc']);
  } finally {
    app?.stop();
  }
});

async function open(page: Page, hash: string) {
  await page.goto(`${app.url}${hash}`);
  // The first page of a fresh serve can take a few seconds on a busy machine.
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
}

/** The text of the log's first two visible rows (the top of the view; a long line wraps onto the second). */
const topRows = async (log: Locator) =>
  (await log.locator('.xterm-rows > div').evaluateAll((rows) => rows.slice(0, 2).map((r) => r.textContent))).join('');

async function score(uri: string, body: unknown): Promise<number> {
  const res = await fetch(uri, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.status;
}

test('the service log follows new output, stays put when scrolled up, finds words and shows the traceback behind a 500', async ({
  page,
}) => {
  await open(page, '#/services/logs-svc');
  const detail = page.getByRole('article', { name: 'Service logs-svc' });
  const uri = (await detail.locator('dd code').first().textContent()) as string;
  const log = detail.getByRole('log', { name: 'Service log' });
  // Following: the newest start-up line is in view.
  await expect(log).toContainText('warming 119');
  await expect(detail.getByTestId('log-follow')).toHaveCount(0);

  // Scrolled up, new output does not move the view; "Jump to end" brings it back and follows again.
  await log.hover();
  await page.mouse.wheel(0, -3000);
  const jump = detail.getByTestId('log-follow');
  await expect(jump).toBeVisible();
  expect(await score(uri, { fail: 1 })).toBe(500);
  // The traceback has reached the log (its error lines are counted) but the view, scrolled up, did not move.
  await expect(detail.getByRole('button', { name: 'Latest error' })).toBeVisible();
  await expect(log).not.toContainText('bad input 1');
  await jump.click();
  await expect(log).toContainText('ValueError: bad input 1');
  await expect(log.locator('.log-error-marker').first()).toBeVisible();

  // A new traceback while following: it comes into view by itself.
  expect(await score(uri, { fail: 2 })).toBe(500);
  await expect(log).toContainText('ValueError: bad input 2');
  await expect(jump).toHaveCount(0);

  // More traffic after the tracebacks (one access line each), then one click puts each traceback at the top.
  for (let i = 0; i < 60; i++) expect(await score(uri, { ok: i })).toBe(200);
  await expect(log).not.toContainText('bad input 2', { timeout: 10_000 });
  await detail.getByRole('button', { name: 'Latest error' }).click();
  await expect.poll(() => topRows(log)).toContain('Traceback (most recent call last)');
  await expect(log).toContainText('bad input 2');
  await expect(log).not.toContainText('bad input 1');
  await detail.getByRole('button', { name: /First error \(of 2\)/ }).click();
  await expect.poll(() => topRows(log)).toContain('Traceback (most recent call last)');
  await expect(log).toContainText('bad input 1');

  // Ctrl+F inside the log: "warming 7" and "warming 70".."warming 79" are 11 matches.
  await log.click();
  await page.keyboard.press('Control+f');
  const find = detail.getByRole('textbox', { name: 'Find in log' });
  await expect(find).toBeFocused();
  await find.fill('warming 7');
  await expect(detail.getByTestId('log-search-count')).toHaveText(/^\d+ of 11$/);
  await find.press('Enter');
  await expect(log).toContainText('warming 7');
  await find.fill('no such words');
  await expect(detail.getByTestId('log-search-count')).toHaveText('No matches');
  await find.press('Escape');
  await expect(find).toHaveCount(0);
});

test('a build log follows the build to its end', async ({ page }) => {
  await open(page, '#/environments/Benchtop-Minimal/1');
  await page.getByRole('tab', { name: 'Build' }).click();
  await page.getByRole('button', { name: 'Rebuild', exact: true }).click();
  const log = page.getByRole('log', { name: /^Build log of Benchtop-Minimal:1/ });
  await expect(log).toContainText('Built: build key', { timeout: 60_000 });
  await expect(page.getByTestId('build-status')).toHaveText('completed');
  await expect(page.getByTestId('log-follow')).toHaveCount(0);
});

test('a run waiting for input() says so, has the focus, and typed input reaches the script', async ({ page }) => {
  cli(app, ['run', 'submit', '-d', project, '-s', 'ask.py', '-e', QUICK_ENV]);
  const runId = (JSON.parse(cli(app, ['--json', 'run', 'list'])) as { id: string }[])[0]?.id as string;
  await open(page, `#/runs/${runId}`);
  const terminal = page.getByRole('log', { name: `Terminal of ${runId}` });
  await expect(terminal).toContainText('who are you?', { timeout: 30_000 });
  await expect(page.getByTestId('waiting-for-input')).toHaveText(/Waiting for input/);
  // Focus is in the terminal already: typing without a click answers the prompt.
  await expect(terminal.locator('textarea')).toBeFocused();
  await page.keyboard.type('Ada\r');
  await expect(terminal).toContainText('hello Ada');
  await expect(page.getByTestId('waiting-for-input')).toHaveCount(0);
  await expect(page.getByTestId('run-status')).toHaveText('Completed', { timeout: 30_000 });
});
