import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/workspace';
import { type ServedApp, cli, serve } from './serveFixture';

let app: ServedApp;
let project: string;

test.beforeAll(async () => {
  app = await serve();
  cli(app, ['env', 'build', '-n', 'Benchtop-Minimal']);
  // A pure-Python "model" (a threshold) and an Azure-style score.py that reads it from AZUREML_MODEL_DIR.
  const modelDir = tempDir('bt-e2e-svc-model-');
  fs.writeFileSync(path.join(modelDir, 'threshold.json'), '{"threshold": 2.5}');
  cli(app, ['model', 'register', '-n', 'threshold', '-p', path.join(modelDir, 'threshold.json')]);
  project = tempDir('bt-e2e-svc-src-');
  fs.writeFileSync(
    path.join(project, 'score.py'),
    [
      'import json, os',
      'def init():',
      '    global threshold',
      '    threshold = json.load(open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "threshold.json")))["threshold"]',
      '    print("init: threshold", threshold)',
      'def run(raw):',
      '    rows = json.loads(raw)["data"]',
      '    return ["big" if sum(r) > threshold else "small" for r in rows]',
    ].join('\n'),
  );
});
test.afterAll(() => {
  try {
    cli(app, ['service', 'delete', 'e2e-svc']);
  } catch {
    // Already deleted by the test.
  }
  app?.stop();
});

test('deploys from the UI, scores in the test console, shows the log line, reloads and deletes', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.keyboard.press('Alt+4');
  await expect(page.getByText('No services yet')).toBeVisible();
  await page.getByRole('navigation', { name: 'Services' }).getByRole('button', { name: 'Deploy' }).click();
  const form = page.getByRole('article', { name: 'Deploy service' });
  await form.getByLabel('Name').fill('E2E');
  await expect(form.getByText('Use 3 to 32 lower-case letters')).toBeVisible();
  await form.getByLabel('Name').fill('e2e-svc');
  await form.getByRole('group', { name: 'Models' }).getByLabel('threshold:1').check();
  await form.getByLabel(/^Entry script/).fill('score.py');
  await form.getByLabel(/^Source folder/).fill(project);
  await form.getByRole('button', { name: 'Deploy', exact: true }).click();

  const detail = page.getByRole('article', { name: 'Service e2e-svc' });
  await expect(detail.getByTestId('service-state')).toHaveText('running', { timeout: 60_000 });
  const uri = (await detail.locator('dd code').first().textContent()) as string;
  expect(uri).toMatch(/^http:\/\/localhost:\d+\/score$/);

  const console = detail.getByRole('region', { name: 'Test console' });
  await console.getByLabel('Request body (JSON)').fill('{"data": [[1, 1], [2, 3]]}');
  await console.getByRole('button', { name: 'Send' }).click();
  await expect(console.getByTestId('response-status')).toHaveText('200');
  await expect(console.getByLabel('Response body')).toHaveText('["small", "big"]');
  await expect(console.getByLabel('curl command')).toContainText(`curl -X POST ${uri}`);
  const log = detail.getByLabel('Service log');
  await expect(log).toContainText('init: threshold 2.5');
  await expect(log).toContainText(/POST \/score 200 [\d.]+ms/);

  // A run() error: 500 in the console, the traceback in the log, and the next request is fine.
  await console.getByLabel('Request body (JSON)').fill('{"rows": []}');
  await console.getByRole('button', { name: 'Send' }).click();
  await expect(console.getByTestId('response-status')).toHaveText('500');
  await expect(log).toContainText("KeyError: 'data'");

  // Reload after editing score.py.
  fs.writeFileSync(
    path.join(project, 'score.py'),
    fs.readFileSync(path.join(project, 'score.py'), 'utf8').replace('"big"', '"BIG"'),
  );
  await detail.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Reloaded e2e-svc.' })).toBeVisible();
  await console.getByLabel('Request body (JSON)').fill('{"data": [[2, 3]]}');
  await console.getByRole('button', { name: 'Send' }).click();
  await expect(console.getByLabel('Response body')).toHaveText('["BIG"]');

  await detail.getByRole('button', { name: 'Delete…' }).click();
  await detail.getByRole('button', { name: 'Delete e2e-svc' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Deleted e2e-svc; port \d+ is free\./ })).toBeVisible();
  await expect(page.getByText('No services yet')).toBeVisible();
});
