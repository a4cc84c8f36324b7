import { type Page, expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { BASE_IMAGE, dockerReady, localDocker } from '../helpers/docker';
import { tempDir } from '../helpers/workspace';
import { type ServedApp, cli, serve } from './serveFixture';

let app: ServedApp;
let project: string;
let ready = false;

test.beforeAll(async () => {
  ready = await dockerReady();
  if (!ready) return;
  app = await serve();
  // An environment whose image is the base image plus nothing (user-managed): it builds in seconds, offline.
  const envDir = tempDir('bt-e2e-docker-env-');
  fs.writeFileSync(
    path.join(envDir, 'azureml_environment.json'),
    JSON.stringify({
      name: 'boxed',
      python: { userManagedDependencies: true, interpreterPath: '/usr/bin/python3' },
      docker: { baseImage: BASE_IMAGE, arguments: ['--shm-size', '128m'] },
    }),
  );
  cli(app, ['env', 'register', '-d', envDir]);
  // Built by an earlier run on this engine, the image would be reused: the test wants the live build.
  const key = /"buildKey":\s*"([0-9a-f]{32})"/.exec(cli(app, ['--json', 'docker', 'dockerfile', '-n', 'boxed']))?.[1];
  await localDocker()
    .getImage(`benchtop/env:${key}`)
    .remove({ force: true })
    .catch(() => undefined);
  const modelDir = tempDir('bt-e2e-docker-model-');
  fs.writeFileSync(path.join(modelDir, 'factor.txt'), '10');
  cli(app, ['model', 'register', '-n', 'factor', '-p', path.join(modelDir, 'factor.txt')]);
  project = tempDir('bt-e2e-docker-src-');
  fs.writeFileSync(
    path.join(project, 'train.py'),
    'import os, platform\nfrom azureml.core import Run\nrun = Run.get_context()\nrun.log("acc", 0.75)\nprint("hello from", "a container" if os.path.exists("/.dockerenv") else "the host")\n',
  );
  fs.writeFileSync(
    path.join(project, 'score.py'),
    'import json, os\n\ndef init():\n    global f\n    f = float(open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "factor.txt")).read())\n\ndef run(raw):\n    return [x * f for x in json.loads(raw)["data"]]\n',
  );
});
test.afterAll(() => {
  if (!app) return;
  try {
    cli(app, ['service', 'delete', 'boxed-svc']);
  } catch {
    // Deleted by the test.
  }
  app.stop();
});

async function open(page: Page) {
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
}

test('builds an environment image with the live log and shows its Dockerfile; the engine shows in Settings', async ({
  page,
}) => {
  test.skip(!ready, 'needs a Docker engine with the base image');
  await open(page);
  await page.getByRole('navigation', { name: 'Environments' }).getByText('boxed').click();
  await page.getByRole('tab', { name: 'Dockerfile' }).click();
  await expect(page.getByLabel('Generated Dockerfile')).toContainText(`FROM ${BASE_IMAGE}`);
  await expect(page.getByText('on the engine')).toBeVisible();

  await page.getByRole('tab', { name: 'Build' }).click();
  await page.getByLabel('Build as').selectOption('docker');
  await page.getByRole('button', { name: 'Build', exact: true }).click();
  const terminal = page.getByTestId('terminal').locator('.xterm-rows');
  await expect(terminal).toContainText('Step 1/', { timeout: 60_000 });
  await expect(terminal).toContainText('Successfully tagged benchtop/env:', { timeout: 120_000 });
  await expect(page.getByTestId('build-status')).toHaveText('completed');
  await page.getByRole('button', { name: 'Build', exact: true }).click();
  await expect(page.getByTestId('build-status')).toHaveText('cached');
  await page.getByRole('tab', { name: 'Dockerfile' }).click();
  await expect(page.getByTestId('image-build')).toContainText(/ready .*packages \(Python 3\./);

  await page.keyboard.press('Alt+6');
  const engine = page.getByRole('region', { name: 'Docker engine' });
  await expect(engine.getByTestId('engine-status')).toContainText('running');
  await expect(engine.getByRole('table', { name: 'Docker images' })).toContainText(BASE_IMAGE);
});

test('submits a container run from the UI and deploys a container service, scored in the test console', async ({
  page,
}) => {
  test.skip(!ready, 'needs a Docker engine with the base image');
  await open(page);
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  await page.getByRole('button', { name: 'Submit run' }).click();
  await page.getByLabel(/Source folder/).fill(project);
  await page.getByLabel(/^Script/).fill('train.py');
  await page.getByLabel('Environment').selectOption('boxed:1');
  await page.getByLabel('Run on').selectOption('docker');
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveText('Completed', { timeout: 120_000 });
  await expect(page.getByTestId('terminal').locator('.xterm-rows')).toContainText('hello from a container');
  await page.getByRole('tab', { name: 'Overview' }).click();
  await expect(page.getByText('a Docker container')).toBeVisible();
  await expect(page.getByText('acc=0.75')).toBeVisible();

  await page.keyboard.press('Alt+4');
  await page.getByRole('navigation', { name: 'Services' }).getByRole('button', { name: 'Deploy' }).click();
  const form = page.getByRole('article', { name: 'Deploy service' });
  await form.getByLabel('Name').fill('boxed-svc');
  await form.getByRole('group', { name: 'Models' }).getByLabel('factor:1').check();
  await form.getByLabel(/^Entry script/).fill('score.py');
  await form.getByLabel(/^Source folder/).fill(project);
  await form.getByLabel('Environment').selectOption('boxed:1');
  await form.getByLabel('Serve from').selectOption('docker');
  await form.getByRole('button', { name: 'Deploy', exact: true }).click();
  const detail = page.getByRole('article', { name: 'Service boxed-svc' });
  await expect(detail.getByTestId('service-state')).toHaveText('running', { timeout: 120_000 });
  await expect(detail.getByText(/a Docker container [0-9a-f]{12}/)).toBeVisible();
  const console = detail.getByRole('region', { name: 'Test console' });
  await console.getByLabel('Request body (JSON)').fill('{"data": [1, 2]}');
  await console.getByRole('button', { name: 'Send' }).click();
  await expect(console.getByTestId('response-status')).toHaveText('200');
  await expect(console.getByLabel('Response body')).toHaveText('[10.0, 20.0]');
  await detail.getByRole('button', { name: 'Delete…' }).click();
  await detail.getByRole('button', { name: 'Delete boxed-svc' }).click();
  await expect(page.getByText('No services yet')).toBeVisible();
});
