import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeEnvFolder } from '../helpers/workspace';

describe('CLI: bad input gets a clear error with a hint, exit 2, and nothing written', () => {
  const workspace = tempDir('bt-errors-');

  it('--help works on every level', async () => {
    for (const args of [
      ['--help'],
      ['env', '--help'],
      ['env', 'build', '--help'],
      ['wheel', 'add', '--help'],
      ['serve', '--help'],
    ]) {
      const r = await runCli(args, { workspace });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: benchtop');
    }
  });

  it('unknown options and commands are usage errors', async () => {
    expect((await runCli(['env', 'list', '--bogus'], { workspace })).code).toBe(2);
    expect((await runCli(['nonsense'], { workspace })).code).toBe(2);
  });

  it('a missing folder', async () => {
    const r = await runCli(['env', 'register', '-d', '/no/such/folder'], { workspace });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: Folder not found: \/no\/such\/folder/m);
    expect(r.stderr).toMatch(/^hint: /m);
  });

  it('malformed YAML names the file, line and column; --json gives the error as JSON', async () => {
    const dir = writeEnvFolder(tempDir('bt-bad-'), 'bad', []);
    fs.writeFileSync(path.join(dir, 'conda_dependencies.yml'), 'name: x\ndependencies:\n  - numpy\n - scipy\n');
    const r = await runCli(['env', 'register', '-d', dir], { workspace });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/conda_dependencies\.yml: invalid YAML at line 4, column \d+/);
    const json = await runCli(['--json', 'env', 'register', '-d', dir], { workspace });
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'PARSE_ERROR' } });
    const list = await runCli(['--json', 'env', 'list'], { workspace });
    expect((JSON.parse(list.stdout) as { name: string }[]).map((e) => e.name)).not.toContain('bad');
  });

  it('malformed JSON names the line', async () => {
    const dir = writeEnvFolder(tempDir('bt-badjson-'), 'badjson', []);
    fs.writeFileSync(path.join(dir, 'azureml_environment.json'), '{\n  "name": "badjson",\n  "version": null,,\n}\n');
    const r = await runCli(['env', 'register', '-d', dir], { workspace });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid JSON at line 3, column 19/);
  });

  it('reserved and invalid names', async () => {
    for (const [name, pattern] of [
      ['AzureML-Mine', /reserved for curated/],
      ['Benchtop-x', /reserved/],
      ['bad name', /not a valid environment name/],
    ] as const) {
      const r = await runCli(['env', 'register', '-d', writeEnvFolder(tempDir('bt-name-'), name, [])], { workspace });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).toMatch(/^hint: /m);
    }
  });

  it('a Python version no interpreter here has lists the versions found', async () => {
    const dir = writeEnvFolder(tempDir('bt-py-'), 'py399', [], { python: '3.99' });
    expect((await runCli(['env', 'register', '-d', dir], { workspace })).code).toBe(0);
    const r = await runCli(['env', 'build', '-n', 'py399', '--backend', 'venv'], { workspace });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No Python 3\.99 interpreter/);
    expect(r.stderr).toMatch(/hint: Found: 3\.\d+\.\d+ \(/);
  });

  it('backend conda with no conda-family tool', async () => {
    writeEnvFolder(tempDir('bt-conda-'), 'condaless', []);
    await runCli(['env', 'register', '-d', writeEnvFolder(tempDir('bt-conda-'), 'condaless', [])], { workspace });
    const r = await runCli(['env', 'build', '-n', 'condaless', '--backend', 'conda'], {
      workspace,
      env: { BENCHTOP_CONDA: '/nonexistent/micromamba' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs conda, mamba or micromamba/);
    expect(r.stderr).toMatch(/hint: .*--backend venv/);
  });

  it('an interpreter path that does not exist (user-managed)', async () => {
    const dir = writeEnvFolder(tempDir('bt-um-'), 'um-missing', []);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'azureml_environment.json'), 'utf8')) as {
      python: Record<string, unknown>;
    };
    json.python = { userManagedDependencies: true, interpreterPath: '/opt/nope/bin/python3' };
    fs.writeFileSync(path.join(dir, 'azureml_environment.json'), JSON.stringify(json));
    await runCli(['env', 'register', '-d', dir], { workspace });
    const r = await runCli(['env', 'build', '-n', 'um-missing'], { workspace });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/The interpreter "\/opt\/nope\/bin\/python3" does not exist/);
  });

  it('an unknown environment suggests what exists', async () => {
    const r = await runCli(['env', 'show', '-n', 'Benchtop-Minimall'], { workspace });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No environment named "Benchtop-Minimall"/);
    expect(r.stderr).toMatch(/Did you mean .*Benchtop-Minimal/);
  });

  it('a file that is not a wheel', async () => {
    const file = path.join(tempDir('bt-whl-'), 'notes.txt');
    fs.writeFileSync(file, 'x');
    const r = await runCli(['wheel', 'add', file], { workspace });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a wheel file name/);
  });
});
