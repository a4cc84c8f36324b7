import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, jsonIn, runDriver, sdkNotebookPaths, setUpSdkNotebook } from '../helpers/sdkVenv';
import { startServeProcess } from '../helpers/serveProcess';
import { ROOT } from '../helpers/workspace';

/**
 * Runs from the notebook (issue 11, Build 3 and the compute half of Build 5): the driver code of
 * Azure ML v1's how-to pages (test/python/notebook_runs.py, one section per test) in a plain venv
 * with the package installed the documented way, against a real workspace: submit and stream,
 * metrics, files, tags, models, child runs, interactive runs, failures, cancel, the Estimator,
 * AmlCompute names resolved here, and Azure's errors for bad input.
 */

const DRIVER = path.join(ROOT, 'test', 'python', 'notebook_runs.py');

let hasPython = false;
const nb = sdkNotebookPaths('bt-sdk-runs-');
const { root, workspace, venvPython, notebook } = nb;

const runJson = <T>(args: string[]) => jsonIn<T>(workspace, args);

/** Runs sections of the driver in the notebook folder; each must end with `ok SECTION`. */
function driver(...sections: string[]): Promise<string> {
  return runDriver(venvPython, DRIVER, sections, { cwd: notebook, timeoutMs: 200_000 });
}

interface RunJson {
  id: string;
  status: string;
  reason: string | null;
  tags: Record<string, string>;
  properties: Record<string, string>;
  displayName: string | null;
  parentRunId: string | null;
  children: number;
  target: string;
  metrics: Record<string, unknown>;
}

beforeAll(async () => {
  hasPython = await setUpSdkNotebook(nb);
}, 300_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('runs from the notebook (Python SDK against a real workspace)', () => {
  it('submits a ScriptRunConfig, streams it like Azure, and reads back metrics, files, tags and the model', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const out = await driver('submit');
    // wait_for_completion(show_output=True) in Azure's words, with the script's own output in order.
    expect(out).toMatch(
      /RunId: nb-train_\d+_[0-9a-f]{8}\nWeb View: .*\n\nStreaming azureml-logs\/70_driver_log\.txt\n={40}\n\n/,
    );
    const streamed = out.slice(out.indexOf('Streaming'), out.indexOf('Execution Summary'));
    expect(streamed.indexOf('training with alpha 0.5 name a b')).toBeLessThan(streamed.indexOf('done training'));
    expect(out).toMatch(/Execution Summary\n=================\nRunId: nb-train_\S+\nWeb View: /);
    expect(out).toContain('Benchtop: no environment given: the run uses Benchtop-Minimal');
    const submitted = /submit returned in ([\d.]+) s/.exec(out);
    expect(Number(submitted?.[1])).toBeLessThan(10);

    // What the notebook changed is what the app shows.
    const [first] = await runJson<RunJson[]>(['run', 'list', '-x', 'nb-train', '--tag', 'reviewed']);
    expect(first?.displayName).toBe('first try');
    expect(first?.tags).toEqual({ team: 'ml', stage: 'dev', reviewed: 'yes', score: '0.93' });
    expect(first?.properties).toEqual({ seed: '7', approved_by: 'me' });
    expect(first?.metrics).toMatchObject({ alpha: 0.5, loss: 0.2 });
    const models = await runJson<{ name: string; runId: string }[]>(['model', 'list', '-n', 'nb-model']);
    expect(models[0]?.runId).toBe(first?.id);
  });

  it('links a run to its page in the local UI while `benchtop serve` runs (get_portal_url, Web View)', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const [run] = await runJson<RunJson[]>(['run', 'list', '-x', 'nb-train', '--limit', '1']);
    const serve = await startServeProcess(workspace);
    try {
      const code =
        'import sys; from azureml.core.workspace import Workspace; from azureml.core.run import Run; ' +
        'print(Run.get(Workspace.from_config(), sys.argv[1]).get_portal_url())';
      const r = await exec(venvPython, ['-c', code, run?.id as string], { cwd: notebook });
      expect(r.code, r.stderr).toBe(0);
      const url = r.stdout.trim();
      expect(url).toBe(`http://127.0.0.1:${serve.port}/?token=${serve.token}#/runs/${run?.id}`);
      const page = await fetch(url.split('#')[0] as string);
      expect(page.status).toBe(200);
    } finally {
      await serve.stop();
    }
    expect(fs.existsSync(path.join(workspace, 'ui.json'))).toBe(false);
  });

  it('makes child runs inside a script and from the notebook; a child the script left open ends with it', async (ctx) => {
    if (!hasPython) return ctx.skip();
    await driver('children');
    const [parent] = await runJson<RunJson[]>(['run', 'list', '-x', 'nb-children', '--top-level']);
    expect(parent?.children).toBe(9);
    const children = await runJson<RunJson[]>(['run', 'list', '--parent', parent?.id as string]);
    expect(children.every((c) => c.parentRunId === parent?.id)).toBe(true);
    expect(children.filter((c) => c.target === 'local').map((c) => c.id)).toEqual([`${parent?.id}_8`]);
    const leftOpen = children.find((c) => c.displayName === 'left-open');
    expect(leftOpen?.status).toBe('Completed');
    expect(children.map((c) => c.id).sort()).toContain(`${parent?.id}_0`);
  });

  it('logs interactive runs (start_logging) live, ending Completed or Failed; one left open fails when Python exits', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const out = await driver('interactive');
    const leftOpen = /left open: (\S+)/.exec(out)?.[1] as string;
    const run = await runJson<RunJson>(['run', 'show', leftOpen]);
    expect(run.status).toBe('Failed');
    expect(run.reason).toMatch(/The Python process that logged to this run \(pid \d+\) ended without completing it/);
    const runs = await runJson<RunJson[]>(['run', 'list', '-x', 'nb-interactive']);
    expect(runs.map((r) => r.status).sort()).toEqual([
      'Canceled',
      'Completed',
      'Completed',
      'Failed',
      'Failed',
      'Failed',
    ]);
    const first = runs[runs.length - 1];
    expect(first?.metrics).toEqual({ alpha: 0.1, curve: 4 });
    const files = await runJson<string[]>(['run', 'files', first?.id as string]);
    expect(files).toContain('outputs/result.txt');
  });

  it('raises ActivityFailedException for a failed script, or prints the error with raise_on_error=False', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const out = await driver('failure');
    expect(out).toContain('about to fail');
    expect(out).toMatch(
      /\nError:\n\{\n {4}"error": \{\n {8}"code": "UserError",\n {8}"message": "The script exited with code 1/,
    );
  });

  it('cancels a running script from the notebook', async (ctx) => {
    if (!hasPython) return ctx.skip();
    await driver('cancel');
  });

  it('registers an Environment object on submit (identical content: the same version) and runs in it', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const out = await driver('environment');
    expect(out).toContain(`NB_FLAG from-the-environment python ${venvPython}`);
    const versions = await runJson<{ version: string }[]>(['env', 'show', '-n', 'nb-env']);
    expect(JSON.stringify(versions)).toContain('"version":"1"');
  });

  it('runs the deprecated Estimator as a ScriptRunConfig (script_params as arguments)', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const out = await driver('estimator');
    // Estimator's use_docker=True: a container only where one can run Azure's image; here a local process.
    expect(out).toContain('Benchtop: the run asks for Docker (use_docker=True) and runs as a local process instead');
    expect(out).toContain('training with alpha 0.25');
  });

  it('resolves AmlCompute created with ComputeTarget.create to this machine, saying so once', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const out = await driver('compute');
    expect(out).toContain(
      'Succeeded\nAmlCompute wait for completion finished\n\nMinimum number of nodes requested have been provisioned',
    );
    const notices = out.match(/Benchtop: compute target 'cpu-cluster' \(AmlCompute\) runs as a local process/g) ?? [];
    expect(notices).toHaveLength(1);
    expect(out).toContain('Benchtop: the run asks for 2 nodes/processes (IntelMpi); here it runs as one process.');
    const recorded = JSON.parse(fs.readFileSync(path.join(workspace, 'compute_targets.json'), 'utf8')) as Record<
      string,
      { type: string; vmSize: string }
    >;
    expect(recorded['cpu-cluster']).toMatchObject({ type: 'AmlCompute', vmSize: 'STANDARD_D2_V2' });
  });

  it('fails bad input the way azureml-core does: unknown run id, unknown target, wrong keywords', async (ctx) => {
    if (!hasPython) return ctx.skip();
    await driver('errors');
  });
});
