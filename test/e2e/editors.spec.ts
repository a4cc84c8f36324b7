import { type Locator, type Page, expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/workspace';
import { seedQuickEnvironment, seedRun } from './seed';
import { type ServedApp, serve } from './serveFixture';

let app: ServedApp;
let runId: string;

test.beforeAll(async () => {
  app = await serve();
  // No venv build: the run only has to exist (its files are what the viewer shows).
  seedQuickEnvironment(app);
  const project = tempDir('bt-e2e-editors-');
  fs.writeFileSync(path.join(project, 'train.py'), 'print("trained")\n');
  // A score.py that would not import: the tuple on line 3 is never closed.
  fs.writeFileSync(
    path.join(project, 'score.py'),
    ['import json', 'def init():', '    global model = (1,', 'def run(raw):', '    return json.loads(raw)', ''].join(
      '\n',
    ),
  );
  runId = await seedRun(app, project, 'train.py');
});
test.afterAll(() => app?.stop());

async function open(page: Page, hash = '') {
  await page.goto(`${app.url}${hash}`);
  // The first page of a fresh serve can take a few seconds on a busy machine.
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
}

/** The colour of the first token with this text inside an editor, and of the editor's plain text. */
async function colours(editor: Locator, token: string) {
  return editor.evaluate((el, text) => {
    const span = [...el.querySelectorAll('.cm-line span')].find((s) => s.textContent === text);
    return { token: span ? getComputedStyle(span).color : null, plain: getComputedStyle(el).color };
  }, token);
}

test('a YAML definition with a syntax error shows it at its line; fixing it clears it; the Dockerfile is checked and coloured', async ({
  page,
}) => {
  await open(page, '#/environments');
  await page.getByRole('button', { name: 'New environment' }).click();
  await page.getByLabel('Name').fill('editor-env');

  // The base Dockerfile field: an unknown instruction is marked at its line, keywords are coloured.
  const dockerfile = page.getByRole('textbox', { name: 'Base Dockerfile', exact: true });
  await dockerfile.fill('FROM benchtop/base:bookworm-python\nRUNN echo hi\n');
  const dockerProblems = page.getByRole('list', { name: 'Problems in Base Dockerfile' });
  await expect(dockerProblems).toContainText('Line 2, column 1: Unknown instruction RUNN.');
  const painted = await colours(dockerfile, 'FROM');
  expect(painted.token).not.toBeNull();
  expect(painted.token).not.toBe(painted.plain);
  await dockerfile.fill('FROM benchtop/base:bookworm-python\nRUN echo hi\n');
  await expect(dockerProblems).toHaveCount(0);

  await page.getByRole('tab', { name: 'YAML' }).click();
  const editor = page.getByRole('textbox', { name: 'Definition (YAML)', exact: true });
  await expect(editor.locator('.cm-line').first()).toBeVisible();
  const text = (await editor.locator('.cm-line').allTextContents()).join('\n');
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('environmentVariables')) + 1;
  lines.splice(at, 0, '  BROKEN: [unclosed');
  await editor.fill(lines.join('\n'));

  // Inline: the range is underlined and marked in the gutter, and the list names the line.
  await expect(editor.locator('.cm-lintRange-error').first()).toBeVisible();
  await expect(page.locator('.cm-lint-marker-error').first()).toBeVisible();
  const problems = page.getByRole('list', { name: 'Problems in Definition (YAML)' });
  const reported = Number(/Line (\d+)/.exec((await problems.textContent()) ?? '')?.[1]);
  expect(reported).toBeGreaterThanOrEqual(at + 1);
  expect(reported).toBeLessThanOrEqual(at + 2);
  await expect(page.getByRole('alert')).toContainText('YAML');
  await expect(page.getByRole('button', { name: 'Register' })).toBeDisabled();

  await editor.fill(text);
  await expect(page.getByText('Valid definition.')).toBeVisible();
  await expect(problems).toHaveCount(0);
  await expect(editor.locator('.cm-lintRange-error')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Register' })).toBeEnabled();
});

test("a run's score.py with a syntax error shows it inline in the file viewer; train.py shows none", async ({
  page,
}) => {
  await open(page, `#/runs/${runId}`);
  await page.getByRole('tab', { name: 'Files' }).click();
  const snapshot = page.getByRole('listitem').filter({ hasText: 'score.py' });
  await snapshot.getByRole('button', { name: 'View' }).click();
  const viewer = page.getByRole('region', { name: 'File snapshot/score.py' });
  const code = viewer.getByRole('textbox', { name: 'Contents of snapshot/score.py', exact: true });
  await expect(code).toContainText('def run(raw):');
  await expect(viewer.getByTestId('editor-problems')).toContainText('Line 3');
  await expect(code.locator('.cm-lintRange-error').first()).toBeVisible();
  await expect(code).toHaveAttribute('contenteditable', 'false');
  const painted = await colours(code, 'def');
  expect(painted.token).not.toBe(painted.plain);

  await page.getByRole('listitem').filter({ hasText: 'train.py' }).getByRole('button', { name: 'View' }).click();
  const train = page.getByRole('region', { name: 'File snapshot/train.py' });
  await expect(train.getByRole('textbox', { name: 'Contents of snapshot/train.py', exact: true })).toContainText(
    'print("trained")',
  );
  await expect(train.getByTestId('editor-problems')).toHaveCount(0);
});
