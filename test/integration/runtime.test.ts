import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRunEvents, emptyMetrics } from '../../src/shared/api/runEvents';
import { readRunEvents } from '../../src/main/core/runs/readRunEvents';
import { ROOT, python, tempDir } from '../helpers/workspace';

const RUNTIME = path.join(ROOT, 'src', 'runtime');

/** Runs a real Python script with Benchtop's runtime on PYTHONPATH, inside or outside a "run". */
function runScript(source: string, live: boolean) {
  const dir = tempDir('bt-rt-');
  fs.writeFileSync(path.join(dir, 'train.py'), source);
  const events = path.join(dir, 'run', 'events.jsonl');
  fs.mkdirSync(path.dirname(events), { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: RUNTIME };
  if (live)
    Object.assign(env, {
      BENCHTOP_RUN_ID: 'run-123',
      AZUREML_RUN_ID: 'run-123',
      AZUREML_ARM_PROJECT_NAME: 'exp-a',
      BENCHTOP_RUN_EVENTS: events,
      BENCHTOP_RUN_FILES: path.join(dir, 'run'),
    });
  const result = spawnSync(python(), ['train.py'], { cwd: dir, env, encoding: 'utf8' });
  return { ...result, dir, events };
}

// An unmodified Azure-ML-style training script.
const AZURE_SCRIPT = `
from azureml.core.run import Run
from azureml.core import Run as CoreRun
from azureml.core.model import Model

run = Run.get_context()
assert CoreRun.get_context() is run
print("run", run.id, run.experiment.name)
for epoch in range(5):
    run.log("loss", 1.0 / (epoch + 1), step=epoch)
run.log("accuracy", 0.93, description="final")
run.log("diverged", float("nan"))
run.log("bound", float("-inf"))
run.log("best", "model-b")
run.log("n" * 300, 1)
run.log("", 2)
run.log_list("lr", [0.1, 0.01])
run.log_row("per_class", cls="a", f1=0.5)
run.log_row("per_class", cls="b", f1=0.7)
run.log_table("confusion", {"tp": [5, 1], "fp": [0, 3]})
run.tag("stage", "dev")
run.set_tags({"team": "ml"})
run.add_properties({"seed": "7"})
try:
    run.add_properties({"seed": "8"})
except ValueError as err:
    print("refused:", err)
with open("model.pkl", "w") as f:
    f.write("weights")
run.upload_file("outputs/model.pkl", "model.pkl")
metrics = run.get_metrics()
print("accuracy", metrics["accuracy"], "loss", metrics["loss"])
print("rows", metrics["per_class"])
`;

describe('Python runtime (azureml.core compatibility, real Python)', () => {
  it("records an unmodified Azure ML script's metrics, tags, properties, and files", () => {
    const r = runScript(AZURE_SCRIPT, true);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('run run-123 exp-a');
    expect(r.stdout).toContain("refused: Property 'seed' is already set to '7'");
    expect(r.stdout).toContain('accuracy 0.93 loss [1.0, 0.5, 0.3333333333333333, 0.25, 0.2]');
    expect(r.stdout).toContain("rows {'cls': ['a', 'b'], 'f1': [0.5, 0.7]}");
    // Names over 255 characters or empty are dropped with a warning, never a crash.
    expect(r.stderr).toMatch(/metric name 'n+'\.\.\. is 300 characters \(at most 255\); not logged/);
    expect(r.stderr).toMatch(/metric name '' is not a non-empty string/);

    const { events, offset } = readRunEvents(r.events);
    expect(offset).toBe(fs.statSync(r.events).size);
    const m = applyRunEvents(emptyMetrics(), events);
    expect(m.scalars.loss?.map((p) => [p.step, p.value])).toEqual([
      [0, 1],
      [1, 0.5],
      [2, 1 / 3],
      [3, 0.25],
      [4, 0.2],
    ]);
    expect(m.scalars.accuracy?.[0]?.value).toBe(0.93);
    expect(Number.isNaN(m.scalars.diverged?.[0]?.value)).toBe(true);
    expect(m.scalars.bound?.[0]?.value).toBe(Number.NEGATIVE_INFINITY);
    expect(m.scalars.best?.[0]?.value).toBe('model-b');
    expect(Object.keys(m.scalars)).toHaveLength(5);
    expect(m.lists.lr).toEqual([0.1, 0.01]);
    expect(m.rows.per_class).toEqual({ cls: ['a', 'b'], f1: [0.5, 0.7] });
    expect(m.tables.confusion).toEqual({ tp: [5, 1], fp: [0, 3] });
    expect(m.tags).toEqual({ stage: 'dev', team: 'ml' });
    expect(m.properties).toEqual({ seed: '7' });
    expect(m.files).toEqual(['outputs/model.pkl']);
    expect(fs.readFileSync(path.join(r.dir, 'run', 'uploads', 'outputs', 'model.pkl'), 'utf8')).toBe('weights');
  });

  it('log_image keeps a copy of the image with the run and records it', () => {
    const r = runScript(
      'from azureml.core import Run\nopen("cm.png", "wb").write(b"\\x89PNG fake")\nrun = Run.get_context()\nrun.log_image("confusion", path="cm.png")\ntry:\n    run.log_image("bad")\nexcept ValueError as e:\n    print("refused:", e)\n',
      true,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('refused: log_image needs exactly one of path= or plot=');
    const m = applyRunEvents(emptyMetrics(), readRunEvents(r.events).events);
    const stored = m.images.confusion?.[0] as string;
    expect(stored).toMatch(/^logs\/images\/confusion_[0-9a-f]{8}\.png$/);
    expect(fs.readFileSync(path.join(r.dir, 'run', stored)).toString('latin1')).toBe('\x89PNG fake');
  });

  it('outside a run, Run.get_context() is an offline run that prints what it would log', () => {
    const r = runScript(
      'from azureml.core import Run\nrun = Run.get_context()\nprint(run.id)\nrun.log("accuracy", 0.5)\nrun.log_list("l", [1])\n',
      false,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^OfflineRun_[0-9a-f-]{36}$/m);
    expect(r.stdout).toContain('Attempted to log scalar metric accuracy:\n0.5');
    expect(r.stdout).toContain('Attempted to log list metric l:\n[1]');
  });

  it('the native benchtop module offers the same run, and metrics are readable while the script is still running', async () => {
    const source =
      'import benchtop, time\nrun = benchtop.get_run()\nfor i in range(3):\n    benchtop.log("tick", i)\n    time.sleep(0.3)\ntime.sleep(3)\n';
    const dir = tempDir('bt-rt-live-');
    fs.writeFileSync(path.join(dir, 'train.py'), source);
    const events = path.join(dir, 'events.jsonl');
    const { spawn } = await import('node:child_process');
    const child = spawn(python(), ['train.py'], {
      cwd: dir,
      env: { ...process.env, PYTHONPATH: RUNTIME, BENCHTOP_RUN_ID: 'live-1', BENCHTOP_RUN_EVENTS: events },
    });
    let offset = 0;
    const m = emptyMetrics();
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && (m.scalars.tick?.length ?? 0) < 3) {
      await new Promise((r) => setTimeout(r, 100));
      const read = readRunEvents(events, offset);
      offset = read.offset;
      applyRunEvents(m, read.events);
    }
    // All three ticks arrived while the script was still sleeping (it runs for ~4 s).
    expect(child.exitCode).toBeNull();
    expect(m.scalars.tick?.map((p) => p.value)).toEqual([0, 1, 2]);
    child.kill();
  });

  it('Model.get_model_path resolves one model or several inside AZUREML_MODEL_DIR', () => {
    const root = tempDir('bt-models-');
    fs.mkdirSync(path.join(root, 'azureml-models', 'clf', '1'), { recursive: true });
    fs.writeFileSync(path.join(root, 'azureml-models', 'clf', '1', 'model.pkl'), 'x');
    fs.mkdirSync(path.join(root, 'azureml-models', 'clf', '2'), { recursive: true });
    fs.writeFileSync(path.join(root, 'azureml-models', 'clf', '2', 'model.pkl'), 'y');
    const script =
      'import os\nfrom azureml.core.model import Model\nprint(Model.get_model_path("clf"))\nprint(Model.get_model_path("clf", version=1))\n';
    const several = spawnSync(python(), ['-c', script], {
      env: { ...process.env, PYTHONPATH: RUNTIME, AZUREML_MODEL_DIR: path.join(root, 'azureml-models') },
      encoding: 'utf8',
    });
    expect(several.stdout.trim().split('\n')).toEqual([
      path.join(root, 'azureml-models', 'clf', '2', 'model.pkl'),
      path.join(root, 'azureml-models', 'clf', '1', 'model.pkl'),
    ]);
    const one = spawnSync(
      python(),
      ['-c', 'from azureml.core.model import Model\nprint(Model.get_model_path("clf"))'],
      {
        env: { ...process.env, PYTHONPATH: RUNTIME, AZUREML_MODEL_DIR: path.join(root, 'azureml-models', 'clf', '1') },
        encoding: 'utf8',
      },
    );
    expect(one.stdout.trim()).toBe(path.join(root, 'azureml-models', 'clf', '1', 'model.pkl'));
    const outside = spawnSync(python(), ['-c', 'from azureml.core.model import Model\nModel.get_model_path("clf")'], {
      env: { ...process.env, PYTHONPATH: RUNTIME, AZUREML_MODEL_DIR: '' },
      encoding: 'utf8',
    });
    // Outside a service and a run: azureml-core's search (the azureml-models cache, then ./clf) and its error.
    expect(outside.status).toBe(1);
    expect(outside.stderr).toContain('ModelNotFoundException');
    expect(outside.stderr).toContain('Model clf not found in cache at azureml-models or in current working directory');
  });
});
