import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonIn, runDriver, sdkNotebookPaths, setUpSdkNotebook } from '../helpers/sdkVenv';
import { ROOT } from '../helpers/workspace';

/**
 * HyperDrive from the notebook (issue 13): the HyperDrive cells of Azure's sklearn sample notebook
 * (test/python/notebook_hyperdrive.py) in a plain venv with the package installed the documented way,
 * against a real workspace: the sweep runs in the core (queue owner, real trial runs), and what the
 * notebook reads back (sorted trials, best run, its model) is what the CLI shows.
 */

const DRIVER = path.join(ROOT, 'test', 'python', 'notebook_hyperdrive.py');

let hasPython = false;
const nb = sdkNotebookPaths('bt-sdk-hyperdrive-');
const { root, workspace, venvPython, notebook } = nb;

function driver(...sections: string[]): Promise<string> {
  return runDriver(venvPython, DRIVER, sections, { cwd: notebook, timeoutMs: 120_000 });
}

interface SweepJson {
  id: string;
  status: string;
  bestRunId: string | null;
  bestValue: number | null;
  config: { primaryMetric: { name: string }; sampling: { type: string; parameterSpace: Record<string, unknown> } };
  trials: { runId: string; status: string; params: Record<string, unknown> }[];
}

beforeAll(async () => {
  hasPython = await setUpSdkNotebook(nb);
}, 300_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('HyperDrive sweeps from the notebook', () => {
  it("checks what Azure checks on the client, in azureml-train-core's words", async (ctx) => {
    if (!hasPython) return ctx.skip();
    const out = await driver('validation');
    // Bayesian sampling with a policy is refused by the core at submit, with its text.
    expect(out).toMatch(/bayesian\+policy refused: .*[Bb]ayesian/);
  });

  it('runs the sample notebook: sweep, wait, trials by the primary metric, best run and its model', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const out = await driver('sweep');
    expect(Number(/submit returned in ([\d.]+) s/.exec(out)?.[1])).toBeLessThan(10);
    expect(out).toMatch(/RunId: HD_[0-9a-f-]+\nWeb View: .*\n\nStreaming azureml-logs\/hyperdrive\.txt\n/);
    expect(out).toMatch(/Execution Summary\n=================\nRunId: HD_/);
    const [, sweepId, bestId] = /sweep (HD_\S+) best (HD_\S+)/.exec(out) ?? [];
    // The notebook and the CLI agree on the sweep.
    const sweep = await jsonIn<SweepJson>(workspace, ['sweep', 'show', sweepId as string]);
    expect(sweep.status).toBe('Completed');
    expect(sweep.config.sampling).toMatchObject({
      type: 'random',
      parameterSpace: { '--kernel': ['choice', [['linear', 'rbf', 'poly', 'sigmoid']]] },
    });
    expect(sweep.trials).toHaveLength(4);
    expect(sweep.bestRunId).toBe(bestId);
    const models = await jsonIn<{ name: string; runId: string }[]>(workspace, ['model', 'list', '-n', 'sklearn-iris']);
    expect(models[0]?.runId).toBe(bestId);
  });

  it('sweeps an Estimator, dropping the script_params the space sweeps', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const out = await driver('estimator');
    expect(out).toContain('warned: The same input parameter(s) are specified in estimator/run_config script params');
    expect(out).toContain("['--lr'] is the list of overridden parameter(s).");
  });

  it('cancel() stops the running trials and never starts the queued ones', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const out = await driver('cancel');
    expect(out).toMatch(/canceled HD_\S+: \d trials, all Canceled/);
  });

  it('sends compute_target="pool" runs and trials to the Docker pool, which says when it has no engines', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const out = await driver('pool');
    expect(out).toMatch(/pool sweep Failed: .*no pool is set up/);
  });
});
