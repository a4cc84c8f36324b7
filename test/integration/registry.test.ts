import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, openCore } from '../../src/main/core/core';
import { scaffoldDefinition, withPackages } from '../../src/shared/environments/definition';
import { runCli, tempDir, writeEnvFolder } from '../helpers/workspace';

describe('environment registry (real SQLite)', () => {
  let workspace: string;
  let core: Core;
  beforeAll(() => {
    workspace = tempDir('bt-reg-');
    core = openCore(workspace);
  });
  afterAll(() => core.close());

  it('numbers versions 1, 2, ... and returns the existing version for identical content', () => {
    const def = withPackages(scaffoldDefinition('reg-a', '3.11'), [], ['six==1.16.0']);
    const first = core.environments.register(def);
    expect(first).toMatchObject({ created: true, environment: { name: 'reg-a', version: '1' } });
    expect(core.environments.register({ ...def, version: '1' })).toMatchObject({
      created: false,
      environment: { version: '1' },
    });
    const changed = core.environments.register(withPackages(def, [], ['six==1.16.0', 'packaging']));
    expect(changed).toMatchObject({ created: true, environment: { version: '2' } });
    // Only environment variables changed: a new version, the same build key.
    const vars = core.environments.register({
      ...withPackages(def, [], ['six==1.16.0', 'packaging']),
      environmentVariables: { A: '1' },
    });
    expect(vars.environment.version).toBe('3');
    expect(vars.environment.buildKey).toBe(changed.environment.buildKey);
    expect(core.environments.versions('reg-a').map((v) => v.version)).toEqual(['3', '2', '1']);
  });

  it('seeds read-only curated environments that can be cloned', () => {
    const curated = core.environments.list({ curated: true }).map((e) => e.name);
    expect(curated).toEqual([
      'AzureML-Minimal',
      'AzureML-minimal-ubuntu18.04-py37-cpu-inference',
      'AzureML-Scikit-learn-0.20.3',
      'AzureML-sklearn-0.24-ubuntu18.04-py37-cpu',
      'AzureML-sklearn-1.0-ubuntu20.04-py38-cpu',
      'AzureML-Tutorial',
      'Benchtop-Minimal',
      'Benchtop-SKLearn',
    ]);
    // Azure's curated names are local definitions with the content of Benchtop's: one build serves both.
    expect(core.environments.get('AzureML-Minimal').buildKey).toBe(core.environments.get('Benchtop-Minimal').buildKey);
    expect(core.environments.get('AzureML-Tutorial').buildKey).toBe(core.environments.get('Benchtop-SKLearn').buildKey);
    expect(() => core.environments.register({ ...core.environments.get('AzureML-Minimal').definition })).toThrow(
      /reserved/,
    );
    const sklearn = core.environments.get('Benchtop-SKLearn');
    expect(JSON.stringify(sklearn.definition)).toMatch(/scikit-learn.*pandas.*joblib.*matplotlib/);
    expect(() => core.environments.register(sklearn.definition)).toThrow(/reserved/);
    const clone = core.environments.register({ ...sklearn.definition, name: 'my-sklearn' });
    expect(clone.environment.buildKey).toBe(sklearn.buildKey);
  });

  it('survives reopening: migrations are idempotent and curated seeding adds nothing', () => {
    core.close();
    core = openCore(workspace);
    expect(core.environments.versions('Benchtop-Minimal')).toHaveLength(1);
    expect(core.environments.versions('reg-a')).toHaveLength(3);
  });

  it('says what is missing and suggests close names', () => {
    expect(() => core.environments.get('reg-b')).toThrow(/No environment named "reg-b"/);
    expect(() => core.environments.get('reg-a', '9')).toThrow(/has no version 9/);
  });
});

describe('registering from the CLI', () => {
  it('download then register gives back the same version, files round-trip with unknown fields kept', async () => {
    const workspace = tempDir('bt-cli-reg-');
    const src = writeEnvFolder(tempDir('bt-src-'), 'roundtrip', ['six==1.16.0']);
    const json = JSON.parse(fs.readFileSync(path.join(src, 'azureml_environment.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    fs.writeFileSync(
      path.join(src, 'azureml_environment.json'),
      JSON.stringify(
        { ...json, spark: { repositories: [], packages: [], precachePackages: true }, inferencingStackVersion: null },
        null,
        4,
      ),
    );
    const first = await runCli(['--json', 'env', 'register', '-d', src], { workspace });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ name: 'roundtrip', version: '1', created: true });

    const out = path.join(tempDir('bt-dl-'), 'env');
    expect((await runCli(['env', 'download', '-n', 'roundtrip', '-d', out], { workspace })).code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['azureml_environment.json', 'conda_dependencies.yml']);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'azureml_environment.json'), 'utf8')).spark).toEqual({
      repositories: [],
      packages: [],
      precachePackages: true,
    });
    const again = await runCli(['--json', 'env', 'register', '-d', out], { workspace });
    expect(JSON.parse(again.stdout)).toMatchObject({ version: '1', created: false });

    // Downloading over a non-empty folder needs --overwrite.
    const refused = await runCli(['env', 'download', '-n', 'roundtrip', '-d', out], { workspace });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/hint: .*--overwrite/);
    expect((await runCli(['env', 'download', '-n', 'roundtrip', '-d', out, '--overwrite'], { workspace })).code).toBe(
      0,
    );
  });

  it('registers from a conda file and from pip requirements, and scaffolds', async () => {
    const workspace = tempDir('bt-cli-src-');
    const dir = tempDir('bt-files-');
    fs.writeFileSync(
      path.join(dir, 'env.yml'),
      'name: x\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - numpy\n  - pip:\n    - six\n',
    );
    fs.writeFileSync(path.join(dir, 'requirements.txt'), '# pinned\nsix==1.16.0\n');
    const conda = await runCli(
      ['--json', 'env', 'register', '-n', 'from-conda', '--conda-file', path.join(dir, 'env.yml')],
      { workspace },
    );
    expect(JSON.parse(conda.stdout).definition.python.condaDependencies.dependencies).toEqual([
      'python=3.11',
      'numpy',
      { pip: ['six'] },
    ]);
    const pip = await runCli(
      ['--json', 'env', 'register', '-n', 'from-pip', '--pip-requirements', path.join(dir, 'requirements.txt')],
      { workspace },
    );
    expect(JSON.stringify(JSON.parse(pip.stdout).definition.python.condaDependencies.dependencies)).toContain(
      'six==1.16.0',
    );
    const scaffold = path.join(dir, 'scaffolded');
    expect((await runCli(['env', 'scaffold', '-n', 'scaf', '-d', scaffold], { workspace })).code).toBe(0);
    expect((await runCli(['env', 'register', '-d', scaffold], { workspace })).stdout).toContain(
      'Registered scaf version 1',
    );
  });

  it('two processes registering the same name at once get distinct versions, and the database stays sound', async () => {
    const workspace = tempDir('bt-race-');
    const folders = Array.from({ length: 6 }, (_, i) =>
      writeEnvFolder(tempDir('bt-race-src-'), 'raced', [`pkg${i}==1.0`]),
    );
    const results = await Promise.all(
      folders.map((dir) => runCli(['--json', 'env', 'register', '-d', dir], { workspace })),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const versions = results
      .map((r) => (JSON.parse(r.stdout) as { version: string }).version)
      .sort((a, b) => Number(a) - Number(b));
    expect(versions).toEqual(['1', '2', '3', '4', '5', '6']);
    // The same content from several processes at once: one version.
    const same = writeEnvFolder(tempDir('bt-race-same-'), 'same', ['one==1']);
    const identical = await Promise.all(
      [0, 1, 2, 3].map(() => runCli(['--json', 'env', 'register', '-d', same], { workspace })),
    );
    expect(new Set(identical.map((r) => (JSON.parse(r.stdout) as { version: string }).version))).toEqual(
      new Set(['1']),
    );
    expect(identical.filter((r) => (JSON.parse(r.stdout) as { created: boolean }).created)).toHaveLength(1);
    const db = new Database(path.join(workspace, 'benchtop.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
