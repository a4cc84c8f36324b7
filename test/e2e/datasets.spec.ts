import { type Page, expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/workspace';
import { type ServedApp, cli, serve } from './serveFixture';

let app: ServedApp;
let data: string;
let project: string;

// Three rows, one value missing: the preview shows them as read, the profile's numbers are known.
const IRIS_CSV = 'sepal_length,sepal_width,species\n5.1,3.5,setosa\n4.9,,setosa\n6.3,3.3,virginica\n';

test.beforeAll(async () => {
  app = await serve();
  data = tempDir('bt-e2e-data-');
  fs.writeFileSync(path.join(data, 'iris.csv'), IRIS_CSV);
  fs.writeFileSync(path.join(data, 'train.csv'), 'x,y\n1,2\n3,4\n');
  fs.writeFileSync(path.join(data, 'ragged.csv'), 'x,y\n1,2\n3,4,5\n');
  fs.mkdirSync(path.join(data, 'images', 'cats'), { recursive: true });
  fs.writeFileSync(path.join(data, 'images', 'cats', 'a.txt'), 'meow');
  fs.writeFileSync(path.join(data, 'images', 'b.txt'), 'woof');
  project = tempDir('bt-e2e-data-project-');
  fs.writeFileSync(
    path.join(project, 'train.py'),
    'import os\nos.makedirs("outputs", exist_ok=True)\nopen("outputs/model.txt", "w").write("weights")\n',
  );
});
test.afterAll(() => app?.stop());

async function openData(page: Page) {
  await page.goto(app.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await page.keyboard.press('Alt+7');
}

const list = (page: Page) => page.getByRole('navigation', { name: 'Datasets' });
const row = (page: Page, name: string) => list(page).getByRole('button', { name: new RegExp(`^${name}\\b`) });

test('empty state, then a CSV registered through the form shows its preview rows and profile', async ({ page }) => {
  await openData(page);
  await expect(list(page).getByText('No datasets yet')).toBeVisible();
  await expect(list(page).getByText('benchtop data register -n NAME')).toBeVisible();

  await list(page).getByRole('button', { name: 'Register dataset' }).click();
  const form = page.getByRole('article', { name: 'Register dataset' });
  // A path that is not there: the registry's message shows beside the paths, nothing is registered.
  const missing = path.join(data, 'nope.csv');
  await form.getByLabel('Paths').fill(missing);
  await expect(form.getByLabel('Name', { exact: true })).toHaveValue('nope');
  await form.getByRole('button', { name: 'Register', exact: true }).click();
  await expect(form.getByRole('alert')).toContainText(missing);

  // A table whose rows do not fit its header: refused, with the line, beside the table options.
  await form.getByLabel('Paths').fill(path.join(data, 'ragged.csv'));
  await form.getByRole('radio', { name: /Tabular dataset/ }).check();
  await form.getByRole('button', { name: 'Register', exact: true }).click();
  await expect(form.getByRole('alert')).toContainText('ragged.csv line 3: expected 2 fields (as the header), found 3.');
  expect(JSON.parse(cli(app, ['--json', 'data', 'list', '--all']))).toEqual([]);

  await form.getByLabel('Paths').fill(path.join(data, 'iris.csv'));
  await form.getByLabel('Name', { exact: true }).fill('iris-csv');
  await expect(form.getByLabel('Format')).toContainText('From the extension (csv)');
  await form.getByLabel('Tags').fill('source=e2e');
  await form.getByRole('button', { name: 'Register', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Registered iris-csv:1.' })).toBeVisible();

  const version = page.getByRole('region', { name: 'Version 1' });
  await expect(version.getByRole('heading', { name: 'iris-csv:1' })).toBeVisible();
  const preview = version.getByRole('table', { name: 'Preview rows' });
  await expect(preview.getByRole('columnheader')).toHaveText([/^sepal_length/, /^sepal_width/, /^species/]);
  await expect(preview.getByRole('row').nth(1).getByRole('cell')).toHaveText(['5.1', '3.5', 'setosa']);
  await expect(preview.getByRole('row').nth(2).getByRole('cell')).toHaveText(['4.9', '', 'setosa']);
  await expect(preview.getByRole('row').nth(3).getByRole('cell')).toHaveText(['6.3', '3.3', 'virginica']);

  const profile = version.getByRole('region', { name: 'Profile' });
  await expect(profile).toContainText('3 rows, 3 columns');
  const column = (name: string) => profile.getByRole('row', { name: new RegExp(`^${name}`) }).getByRole('cell');
  await expect(column('sepal_length')).toHaveText(['float', '0', '4.9', '6.3', '5.43333']);
  await expect(column('sepal_width')).toHaveText(['float', '1', '3.3', '3.5', '3.4']);
  await expect(column('species')).toHaveText(['string', '0', '', '', '']);
  await expect(row(page, 'iris-csv')).toContainText('3 rows');
  await expect(row(page, 'iris-csv')).toContainText('source=e2e');

  // Other content under the name without create_new_version: Azure's refusal, beside the name.
  await page.getByRole('button', { name: 'Register new version…' }).click();
  await expect(form.getByLabel('Paths')).toHaveValue(path.join(data, 'iris.csv'));
  await expect(form.getByRole('radio', { name: /Tabular dataset/ })).toBeChecked();
  await expect(form.getByLabel('Format')).toHaveValue('csv');
  await form.getByLabel('Paths').fill(path.join(data, 'train.csv'));
  await form.getByLabel('Name', { exact: true }).fill('iris-csv');
  await form.getByLabel(/register a new version/).uncheck();
  await form.getByRole('button', { name: 'Register', exact: true }).click();
  await expect(form.getByRole('alert')).toContainText('There is already a dataset registered under name "iris-csv"');
  // The same content again is the same version.
  await form.getByLabel('Paths').fill(path.join(data, 'iris.csv'));
  await form.getByRole('button', { name: 'Register', exact: true }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Identical content: existing version 1 of iris-csv.' }),
  ).toBeVisible();
  await expect(page.getByRole('region', { name: 'Version 1' })).toBeVisible();
});

test('a dataset registered from the CLI appears live; arrow keys move through the list in screen order', async ({
  page,
}) => {
  await openData(page);
  await expect(row(page, 'iris-csv')).toBeVisible();
  cli(app, ['data', 'register', '-n', 'images', '-p', path.join(data, 'images'), '--tag', 'kind=pictures']);
  await expect(row(page, 'images')).toBeVisible();
  await expect(row(page, 'images')).toContainText('2 files');
  cli(app, ['data', 'register', '-n', 'a-first', '-p', path.join(data, 'train.csv'), '--tabular', '--no-profile']);
  await expect(row(page, 'a-first')).toBeVisible();

  await expect(list(page).locator('[data-dataset-row]')).toHaveText([/^a-first/, /^images/, /^iris-csv/]);
  await row(page, 'a-first').click();
  await expect(row(page, 'a-first')).toHaveAttribute('aria-current', 'true');
  // Registered without its profile: computed here, as a job, once.
  const first = page.getByRole('region', { name: 'Version 1' });
  await expect(first.getByRole('region', { name: 'Profile' })).toContainText('Not computed yet');
  await first.getByRole('button', { name: 'Compute profile' }).click();
  await expect(first.getByRole('region', { name: 'Profile' })).toContainText('2 rows, 2 columns');
  await expect(row(page, 'a-first')).toContainText('2 rows');
  // The description edits in place (datasets.update).
  await first.getByRole('button', { name: 'Edit' }).click();
  await first.getByLabel('Description').fill('two points');
  await first.getByRole('button', { name: 'Save' }).click();
  await expect(first.getByRole('definition').filter({ hasText: 'two points' })).toBeVisible();
  expect(JSON.parse(cli(app, ['--json', 'data', 'show', 'a-first'])).description).toBe('two points');
  await row(page, 'a-first').focus();
  await page.keyboard.press('ArrowDown');
  await expect(row(page, 'images')).toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('article', { name: 'Dataset images' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Files' })).toContainText('cats/');
  await page.keyboard.press('ArrowDown');
  await expect(row(page, 'iris-csv')).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(row(page, 'iris-csv')).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('ArrowUp');
  await expect(row(page, 'images')).toHaveAttribute('aria-current', 'true');

  // Tags edit through datasets.update, and the CLI sees it.
  const version = page.getByRole('region', { name: 'Version 1' });
  await version.getByLabel('New tag key').fill('stage');
  await version.getByLabel('New tag value').fill('raw');
  await version.getByRole('button', { name: 'Add tag' }).click();
  await expect(version.getByRole('region', { name: 'Tags' }).getByText('stage=raw')).toBeVisible();
  expect(JSON.parse(cli(app, ['--json', 'data', 'show', 'images:1'])).tags).toEqual({ kind: 'pictures', stage: 'raw' });

  // Download to a folder: the files at their relative paths; a second time asks before overwriting.
  const target = tempDir('bt-e2e-data-dl-');
  fs.writeFileSync(path.join(target, 'b.txt'), 'not woof');
  await version.getByLabel('To folder').fill(target);
  await version.getByRole('button', { name: 'Download to folder' }).click();
  const overwrite = version.getByRole('group', { name: 'Overwrite files' });
  await expect(overwrite).toContainText('b.txt');
  expect(fs.readFileSync(path.join(target, 'b.txt'), 'utf8')).toBe('not woof');
  await overwrite.getByRole('button', { name: 'Overwrite them' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Downloaded images:1 to` })).toBeVisible();
  expect(fs.readFileSync(path.join(target, 'b.txt'), 'utf8')).toBe('woof');
  expect(fs.readFileSync(path.join(target, 'cats', 'a.txt'), 'utf8')).toBe('meow');

  for (const [width, height] of [
    [1024, 700],
    [1440, 900],
    [1920, 1080],
  ] as const) {
    await row(page, 'iris-csv').click();
    await page.setViewportSize({ width, height });
    await expect(page.getByRole('region', { name: 'Profile' })).toContainText('3 rows');
    await page.screenshot({ path: `test-results/datasets-${width}x${height}.png` });
  }

  // A version nothing uses deletes after the confirmation; the list follows.
  await row(page, 'a-first').click();
  await page.getByRole('button', { name: 'Delete version 1…' }).click();
  await expect(page.getByRole('group', { name: 'Confirm delete' })).toContainText('Delete a-first:1?');
  await page.getByRole('button', { name: 'Delete a-first:1' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Deleted a-first:1 (freed' })).toBeVisible();
  await expect(row(page, 'a-first')).toHaveCount(0);
});

test('which data trained this model: from the model to its dataset, its run and back; delete refused while used', async ({
  page,
}) => {
  cli(app, ['data', 'register', '-n', 'train-data', '-p', path.join(data, 'train.csv'), '--tabular']);
  const run = JSON.parse(
    cli(app, ['--json', 'run', 'submit', '-d', project, '-s', 'train.py', '--input', 'training=train-data', '--wait']),
  ) as { id: string };
  cli(app, ['model', 'register', '-n', 'lineage-model', '--run', run.id, '-p', 'outputs/model.txt']);

  await openData(page);
  await page.keyboard.press('Alt+3');
  await page
    .getByRole('navigation', { name: 'Models' })
    .getByRole('button', { name: /^lineage-model/ })
    .click();
  const model = page.getByRole('region', { name: 'Version 1' });
  await expect(model.getByRole('heading', { name: 'lineage-model:1' })).toBeVisible();
  await page.screenshot({ path: 'test-results/datasets-model-1280x860.png' });
  await model.getByRole('region', { name: 'Datasets' }).getByRole('button', { name: 'train-data:1' }).click();

  const dataset = page.getByRole('article', { name: 'Dataset train-data' });
  await expect(dataset.getByRole('heading', { name: 'train-data:1' })).toBeVisible();
  const lineage = dataset.getByRole('region', { name: 'Lineage' });
  await expect(lineage.getByRole('list', { name: 'Used by runs' }).getByRole('button', { name: run.id })).toBeVisible();
  await expect(lineage.getByRole('list', { name: 'Used by runs' })).toContainText('input "training"');
  await expect(
    lineage.getByRole('list', { name: 'Models made from it' }).getByRole('button', { name: 'lineage-model:1' }),
  ).toBeVisible();

  // Delete: the confirmation names the users, and the registry's refusal (naming the run) shows.
  await dataset.getByRole('button', { name: 'Delete version 1…' }).click();
  await expect(dataset.getByRole('group', { name: 'Confirm delete' })).toContainText(`run ${run.id}`);
  await dataset.getByRole('button', { name: 'Delete train-data:1' }).click();
  await expect(page.getByRole('alert')).toContainText(run.id);
  expect(JSON.parse(cli(app, ['--json', 'data', 'list', '-n', 'train-data'])) as unknown[]).toHaveLength(1);

  // From the dataset to the run, whose Inputs link back to the version.
  await lineage.getByRole('button', { name: run.id }).click();
  const runView = page.getByRole('article', { name: `Run ${run.id}` });
  await runView.getByRole('tab', { name: 'Overview' }).click();
  await expect(runView.getByRole('list', { name: 'Inputs' })).toContainText('training');
  await page.screenshot({ path: 'test-results/datasets-run-1280x860.png' });
  // A re-run starts from the versions the run recorded.
  await runView.getByRole('button', { name: 'Re-run…' }).click();
  const recorded = page.getByRole('group', { name: 'Inputs' }).getByRole('group', { name: 'Input 1' });
  await expect(recorded.getByLabel('Input name')).toHaveValue('training');
  await expect(recorded.getByLabel('Version')).toHaveValue('1');
  await expect(recorded).toContainText('as recorded');
  await page.getByRole('button', { name: '← Back' }).click();
  await runView.getByRole('tab', { name: 'Overview' }).click();
  await runView.getByRole('list', { name: 'Inputs' }).getByRole('button', { name: 'train-data:1' }).click();
  await expect(page.getByRole('article', { name: 'Dataset train-data' })).toBeVisible();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByRole('region', { name: 'Lineage' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/datasets-lineage-1440x900.png' });
});

test('the run form takes a dataset input (newest version, mode by kind) and the run records it', async ({ page }) => {
  await openData(page);
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  await page.getByRole('button', { name: 'Submit run' }).click();
  await page.getByLabel(/Source folder/).fill(project);
  await page.getByLabel(/^Script/).fill('train.py');
  const inputs = page.getByRole('group', { name: 'Inputs' });
  await inputs.getByRole('button', { name: 'Add input' }).click();
  const input = inputs.getByRole('group', { name: 'Input 1' });
  await input.getByLabel('Dataset').selectOption('images');
  await expect(input.getByLabel('Input name')).toHaveValue('images');
  await expect(input.getByLabel('Mode')).toHaveValue('mount');
  await input.getByLabel('Input name').fill('2bad');
  await expect(input.getByText('The input name is letters')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Submit', exact: true })).toBeDisabled();
  await input.getByLabel('Input name').fill('pictures');
  await input.getByLabel('Mode').selectOption('download');
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  const runView = page.getByRole('article', { name: /^Run / });
  await expect(runView).toBeVisible();
  await runView.getByRole('tab', { name: 'Overview' }).click();
  await expect(runView.getByRole('list', { name: 'Inputs' })).toContainText('pictures');
  await expect(runView.getByRole('list', { name: 'Inputs' })).toContainText('images:1');
  await expect(runView.getByRole('list', { name: 'Inputs' })).toContainText('download');
});
