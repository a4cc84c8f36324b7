import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MlflowModelInfo } from '../../src/shared/api/modelTypes';
import { inspectMlflowModel } from '../../src/main/core/models/mlflowModel';
import { scanSource } from '../../src/main/core/models/modelSource';
import { servingRequirements } from '../../src/main/core/services/mlflowDeploy';
import { readyBody } from '../../src/renderer/screens/services/requestBodies';

function folder(files: Record<string, string>): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bt-mlmodel-')), 'model');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const inspect = (files: Record<string, string>) => {
  const dir = folder(files);
  return inspectMlflowModel(scanSource(dir, dir));
};

const info = (requirements: string[], mlflowVersion: string | null = '3.17.2') =>
  ({ requirements, mlflowVersion }) as MlflowModelInfo;

describe('MLmodel environments', () => {
  it('reads conda.yaml when there is no python_env.yaml (an older model, env given as one file name)', () => {
    const { info: read, warning } = inspect({
      MLmodel: 'flavors:\n  python_function:\n    env: my_conda.yaml\n    loader_module: mlflow.sklearn\n',
      'my_conda.yaml':
        'channels: [conda-forge]\ndependencies:\n- python=3.10.4\n- pip<=23\n- libgomp\n- pip:\n  - mlflow==2.9.2\n  - scikit-learn==1.3.0\n',
    });
    expect(warning).toBeNull();
    expect(read).toMatchObject({
      pythonVersion: '3.10.4',
      requirements: ['mlflow==2.9.2', 'scikit-learn==1.3.0'],
      condaDependencies: ['libgomp'],
      environmentFile: 'model/my_conda.yaml',
    });
  });

  it('falls back to requirements.txt and the flavor python_version; versions stay text (YAML 1.1, as PyYAML)', () => {
    const { info: read } = inspect({
      MLmodel:
        "flavors:\n  python_function:\n    python_version: '3.10'\n    loader_module: m\nmlflow_version: 2.0.1\n",
      'requirements.txt': '# comment\nmlflow==2.0.1\n\n-r extra.txt\n',
      'extra.txt': 'numpy<2  # pinned\n',
    });
    expect(read).toMatchObject({
      pythonVersion: '3.10',
      requirements: ['mlflow==2.0.1', 'numpy<2'],
      environmentFile: 'model/requirements.txt',
      mlflowVersion: '2.0.1',
    });
  });

  it('names the problem of a broken MLmodel', () => {
    expect(inspect({ MLmodel: 'flavors: [' }).warning).toMatch(/model\/MLmodel is not valid YAML/);
    expect(inspect({ MLmodel: '- a\n- b\n' }).warning).toMatch(/is not a YAML mapping/);
    expect(inspect({ MLmodel: "flavors: {pf: {a: 1}}\nsignature: {inputs: '[x'}\n" }).warning).toMatch(
      /signature's inputs in model\/MLmodel is not JSON/,
    );
    expect(
      inspect({
        MLmodel: 'flavors:\n  python_function:\n    loader_module: m\n',
        'python_env.yaml': 'dependencies: [-r nope.txt]\n',
      }).warning,
    ).toMatch(/-r nope.txt names a file the model does not have/);
  });
});

describe('serving requirements', () => {
  it('maps mlflow to mlflow-skinny of the same version, keeping markers; adds pandas when nothing names it', () => {
    expect(servingRequirements(info(['mlflow==3.17.2', 'scikit-learn==1.9.1'])).requirements).toEqual([
      'mlflow-skinny==3.17.2',
      'scikit-learn==1.9.1',
      'pandas',
    ]);
    expect(servingRequirements(info(['MLflow>=2.0; python_version>"3.8"', 'pandas==2'])).requirements).toEqual([
      'mlflow-skinny>=2.0; python_version>"3.8"',
      'pandas==2',
    ]);
  });

  it("keeps skops for a model in mlflow 3.17's default scikit-learn format (mlflow-skinny does not bring it)", () => {
    // requirements.txt as mlflow.sklearn.save_model 3.17.2 writes it for serialization_format=skops
    const served = servingRequirements(
      info(['mlflow==3.17.2', 'pandas==3.1.1', 'scikit-learn==1.9.1', 'skops==0.16.0']),
    ).requirements;
    expect(served).toEqual(['mlflow-skinny==3.17.2', 'pandas==3.1.1', 'scikit-learn==1.9.1', 'skops==0.16.0']);
  });

  it('leaves mlflow with extras and mlflow-skinny alone; adds mlflow-skinny when no line names mlflow', () => {
    expect(servingRequirements(info(['mlflow[genai]==3.1', 'pandas'])).requirements).toEqual([
      'mlflow[genai]==3.1',
      'pandas',
    ]);
    expect(servingRequirements(info(['mlflow-skinny==3.1', 'pandas'])).requirements).toEqual([
      'mlflow-skinny==3.1',
      'pandas',
    ]);
    const added = servingRequirements(info(['torch']));
    expect(added.requirements).toEqual(['torch', 'mlflow-skinny==3.17.2', 'pandas']);
    expect(added.notes[0]).toMatch(/added mlflow-skinny==3.17.2/);
  });
});

describe('test console bodies', () => {
  const columns = [
    { type: 'double', name: 'a', required: true },
    { type: 'string', name: 'b', required: true },
  ];
  const model = { signature: { inputs: columns, outputs: null, params: null }, servingInputExample: null };

  it('builds every shape from a signature with named columns', () => {
    const from = (kind: Parameters<typeof readyBody>[0]) => readyBody(kind, model as unknown as MlflowModelInfo);
    expect(JSON.parse(from('dataframe_split'))).toEqual({
      dataframe_split: { columns: ['a', 'b'], data: [[0, 'text']] },
    });
    expect(JSON.parse(from('dataframe_records'))).toEqual({ dataframe_records: [{ a: 0, b: 'text' }] });
    expect(JSON.parse(from('instances'))).toEqual({ instances: [{ a: 0, b: 'text' }] });
    expect(JSON.parse(from('inputs'))).toEqual({ inputs: { a: [0], b: ['text'] } });
    expect(from('csv')).toBe('a,b\n0,text');
    expect(JSON.parse(from('score'))).toEqual({ input_data: { columns: ['a', 'b'], index: [0], data: [[0, 'text']] } });
  });

  it('builds a tensor of its shape, and keeps the generic Azure example for other models', () => {
    const tensor = {
      signature: { inputs: [{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 2, 3] } }] },
      servingInputExample: null,
    } as unknown as MlflowModelInfo;
    expect(JSON.parse(readyBody('inputs', tensor))).toEqual({
      inputs: [
        [
          [0, 0, 0],
          [0, 0, 0],
        ],
      ],
    });
    expect(readyBody('score', null)).toBe('{"data": [[5.1, 3.5, 1.4, 0.2]]}');
  });
});
