import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../src/main/core/core';
import { writeSettings } from '../../src/main/core/workspace/settings';
import { stripAnsi } from '../../src/shared/ansi';
import { exec, hasVenvPython, makeVenv, notebookEnv, sdkInstall } from '../helpers/sdkVenv';
import { CLI, ROOT, python, requireComponent, runCli, tempDir } from '../helpers/workspace';

/**
 * The notebook side of Azure ML v1 in a user's own Python: a plain venv gets the package the
 * documented way (`benchtop sdk install --python VENV/bin/python`), then notebook-style scripts
 * (test/python/notebook_*.py) run there against real workspaces, with no PYTHONPATH and no
 * BENCHTOP_NODE/BENCHTOP_CLI: the installed package finds the CLI on its own.
 */

const DRIVERS = path.join(ROOT, 'test', 'python');
const WHEEL = path.join(ROOT, 'dist', 'python', 'benchtop_sdk-0.1.0-py3-none-any.whl');

/** `benchtop ARGS` as a user types it (no workspace flag unless given). */
function benchtop(args: string[], env: NodeJS.ProcessEnv = notebookEnv()) {
  return exec(process.execPath, [CLI, ...args], { env });
}

let hasPython = false;
const root = tempDir('bt-sdk-nb-');
const venv = path.join(root, 'venv');
const venvPython = path.join(venv, 'bin', 'python');
const workspace = path.join(root, 'ws');
const other = path.join(root, 'other-ws');
let installOutput = '';

beforeAll(async () => {
  hasPython = await hasVenvPython();
  if (!hasPython) return;
  expect(fs.existsSync(WHEEL), 'node scripts/build.mjs writes dist/python/*.whl').toBe(true);
  await makeVenv(venv);
  installOutput = await sdkInstall(venvPython);
  // Two workspaces, the first with an experiment's run and a model (what ws.experiments / ws.models list).
  for (const ws of [workspace, other]) {
    const listed = await runCli(['env', 'list'], { workspace: ws, env: notebookEnv() });
    expect(listed.code, listed.stderr).toBe(0);
  }
  const src = path.join(root, 'src');
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'hello.py'), 'print("hello from nb-exp")\n');
  fs.writeFileSync(path.join(src, 'model.txt'), 'weights\n');
  const ran = await runCli(['run', 'submit', '-d', src, '-s', 'hello.py', '-x', 'nb-exp', '--wait'], {
    workspace,
    env: notebookEnv(),
  });
  expect(ran.code, ran.stderr + ran.stdout).toBe(0);
  const model = await runCli(['model', 'register', '-n', 'nb-model', '-p', path.join(src, 'model.txt')], {
    workspace,
    env: notebookEnv(),
  });
  expect(model.code, model.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('benchtop sdk install: the package in a plain venv', () => {
  it('installs the wheel built from src/runtime, recording where the CLI is; dist/python has the wheel for pip', async (ctx) => {
    if (!hasPython) return ctx.skip();
    expect(installOutput).toMatch(/^Python 3\.\d+\.\d+ at /m);
    expect(installOutput).toContain(`Installed benchtop_sdk 0.1.0 (the azureml-core 1.61.0 API) into ${venv}`);
    expect(installOutput).toContain(`It calls the Benchtop CLI as: ${process.execPath} ${CLI}`);
    expect(installOutput).toMatch(/Jupyter: no ipykernel in this Python/);
    // From another folder, no PYTHONPATH: the installed copy, which knows the CLI.
    const check = await exec(
      venvPython,
      [
        '-c',
        'import azureml.core, benchtop._cli as c, json; print(json.dumps([azureml.core.__file__, c.installed_cli()]))',
      ],
      { cwd: root },
    );
    expect(check.code, check.stderr).toBe(0);
    const [file, cli] = JSON.parse(check.stdout) as [string, string[]];
    expect(file.startsWith(path.join(venv, 'lib'))).toBe(true);
    expect(cli).toEqual([process.execPath, CLI]);

    // The dist wheel: packages benchtop + azureml, no sitecustomize (that is for runs only), no CLI location.
    const listing = await exec(venvPython, [
      '-c',
      'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))',
      WHEEL,
    ]);
    const names = listing.stdout.trim().split('\n');
    expect(names).toContain('azureml/core/__init__.py');
    expect(names).toContain('benchtop/_workspace.py');
    expect(names).toContain('benchtop_sdk-0.1.0.dist-info/RECORD');
    expect(names.some((n) => n.includes('sitecustomize') || n.endsWith('_install.json'))).toBe(false);
    const target = path.join(root, 'plain-pip');
    const pip = await exec(venvPython, [
      '-m',
      'pip',
      'install',
      '-q',
      '--no-deps',
      '--no-index',
      '--target',
      target,
      WHEEL,
    ]);
    expect(pip.code, pip.stderr).toBe(0);
    const plain = await exec(venvPython, ['-c', 'import benchtop._cli as c; print(c.installed_cli())'], {
      env: notebookEnv({ PYTHONPATH: target }),
      cwd: root,
    });
    expect(plain.stdout.trim()).toBe('None');
  });

  it('refuses an interpreter that is not there, with the fix', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const missing = await benchtop(['sdk', 'install', '--python', path.join(root, 'no', 'python')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`error: Could not run ${path.join(root, 'no', 'python')}`);
    expect(missing.stderr).toContain('hint: Give the path of a Python interpreter');
  });
});

describe('benchtop workspace config', () => {
  it('writes DIR/config.json naming the workspace, keeps Azure keys, and from_config opens it', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const dir = path.join(root, 'project-cfg');
    fs.mkdirSync(dir);
    const azure = { subscription_id: 'sub', resource_group: 'rg', workspace_name: 'cloud-name' };
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(azure));
    const wrote = await benchtop(['--workspace', workspace, 'workspace', 'config', '-d', dir]);
    expect(wrote.code, wrote.stderr).toBe(0);
    expect(wrote.stdout).toContain(`Wrote ${path.join(dir, 'config.json')}: workspace "cloud-name" at ${workspace}.`);
    expect(wrote.stdout).toContain('Azure keys kept');
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, string>;
    expect(config).toEqual({ ...azure, benchtop_workspace: workspace });
    const opened = await exec(
      venvPython,
      ['-c', 'from azureml.core import Workspace; ws = Workspace.from_config(); print(ws.name, ws.path)'],
      { cwd: dir },
    );
    expect(opened.code, opened.stderr).toBe(0);
    // The local folder wins, with no notice: it is named, not guessed.
    expect(opened.stdout).toBe(`cloud-name ${workspace}\n`);
    const missing = await benchtop(['workspace', 'config', '-d', path.join(root, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: Folder not found');
  });
});

describe('notebook code against a real workspace (test/python drivers)', () => {
  it('Workspace: from_config search order and not-found error, Azure names mapped with one notice, write_config, contents', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const docker = (await benchtop(['--workspace', workspace, 'docker', 'status'])).code === 0;
    const scratch = path.join(root, 'nb-workspace');
    const result = await exec(venvPython, [path.join(DRIVERS, 'notebook_workspace.py'), scratch], {
      cwd: root,
      env: notebookEnv({
        BENCHTOP_TEST_WS: workspace,
        BENCHTOP_TEST_OTHER_WS: other,
        BENCHTOP_TEST_DOCKER: docker ? '1' : '0',
      }),
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const oks = result.stdout.split('\n').filter((l) => l.startsWith('OK '));
    expect(oks.map((l) => l.split(':')[0])).toEqual([
      'OK imports',
      'OK from_config search order',
      'OK from_config not found',
      'OK bad configs',
      'OK Azure configs and constructors map to the default workspace with one notice each',
      'OK write_config writes .azureml/config.json that from_config reads back',
      'OK workspace contents',
    ]);
    expect(result.stdout).toContain("experiments ['nb-exp']");
  });

  it("an Azure workspace without BENCHTOP_WORKSPACE is the CLI's own default workspace (the OS app-data folder)", async (ctx) => {
    if (!hasPython || process.platform !== 'linux') return ctx.skip();
    const data = path.join(root, 'xdg');
    const env = notebookEnv({ XDG_DATA_HOME: data });
    const script = [
      'from azureml.core import Workspace, Environment',
      'ws = Workspace("sub", "rg", "cloud-ws")',
      'print("PATH", ws.path)',
      'print("ENVS", len(Environment.list(ws)))',
    ].join('\n');
    const result = await exec(venvPython, ['-c', script], { cwd: root, env });
    expect(result.code, result.stderr).toBe(0);
    const folder = path.join(data, 'benchtop');
    expect(result.stdout).toContain(
      `Benchtop: Azure ML workspace 'cloud-ws' (subscription sub, resource group rg) is the local workspace ${folder} (Benchtop's default workspace).`,
    );
    expect(result.stdout).toContain(`PATH ${folder}\n`);
    expect(fs.existsSync(path.join(folder, 'benchtop.db'))).toBe(true);
    // The CLI with no flag opens that same folder.
    const listed = await benchtop(['--json', 'env', 'list'], env);
    expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(Number(/ENVS (\d+)/.exec(result.stdout)?.[1]));
  });

  it('Environments: list, get("AzureML-Minimal"), defaults, CondaDependencies, folders, add_private_pip_wheel, build(ws).wait_for_completion', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const core = openCore(workspace);
    writeSettings(core.db, { offline: true }); // builds install from the workspace's wheels only
    core.close();
    const pipWheel = await exec(venvPython, [
      '-c',
      [
        'import ensurepip, glob, os',
        'found = glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl"))',
        'found += glob.glob("/usr/share/python-wheels/pip-*.whl")',
        'print(found[0] if found else "")',
      ].join('\n'),
    ]);
    const wheel = pipWheel.stdout.trim();
    if (!requireComponent("pip's wheel (ensurepip's bundled copy)", wheel !== '')) return ctx.skip();
    const scratch = path.join(root, 'nb-envs');
    const result = await exec(venvPython, [path.join(DRIVERS, 'notebook_environments.py'), scratch], {
      cwd: root,
      env: notebookEnv({ BENCHTOP_TEST_WS: workspace, BENCHTOP_TEST_PIP_WHEEL: wheel }),
      timeoutMs: 240_000,
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const out = stripAnsi(result.stdout);
    expect(out.split('\n').filter((l) => l.startsWith('OK ')).length).toBe(8);
    // wait_for_completion(show_output=True) streamed the build as Azure's does, status first and last.
    expect(out).toMatch(
      /Image Build Status: Running\n[\s\S]*Offline: installing only from the workspace's wheels[\s\S]*Image Build Status: Succeeded/,
    );
    const pipVersion = path.basename(wheel).split('-')[1] as string;
    const shown = JSON.parse((await runCli(['--json', 'env', 'show', '-n', 'nb-built'], { workspace })).stdout) as {
      lock: { name: string; version: string }[];
    };
    expect(shown.lock).toContainEqual({ name: 'nbwheel', version: '1.0' });
    expect(shown.lock).toContainEqual({ name: 'pip', version: pipVersion });
    const built = /PYTHON_PATH (.+)/.exec(out)?.[1] as string;
    const imported = await exec(built, ['-c', 'import nbwheel; print(nbwheel.VALUE)']);
    expect(imported.stdout.trim()).toBe('from the private wheel');
    // save_to_directory wrote Azure's folder format: the CLI registers it as the same version.
    const again = await runCli(['--json', 'env', 'register', '-d', path.join(scratch, 'saved-env')], { workspace });
    expect(JSON.parse(again.stdout)).toMatchObject({ name: 'folder-env', version: '1', created: false });
  });
});

describe('Jupyter (needs ipykernel from the package index)', () => {
  it('a venv with Jupyter gets a kernel spec "Benchtop (Python X.Y)" whose kernel imports azureml.core', async (ctx) => {
    if (!hasPython) return ctx.skip();
    const jvenv = path.join(root, 'jupyter-venv');
    await exec(python(), ['-m', 'venv', jvenv]);
    const jpython = path.join(jvenv, 'bin', 'python');
    const pip = await exec(jpython, ['-m', 'pip', 'install', '-q', 'ipykernel'], { timeoutMs: 240_000 });
    if (!requireComponent('ipykernel from the package index', pip.code === 0)) return ctx.skip();
    const installed = await benchtop(['sdk', 'install', '--python', jpython]);
    expect(installed.code, installed.stderr).toBe(0);
    const version = /^Python (\d+\.\d+)\./m.exec(installed.stdout)?.[1] as string;
    const spec = path.join(jvenv, 'share', 'jupyter', 'kernels', `benchtop-python${version}`);
    expect(installed.stdout).toContain(`Jupyter kernel "Benchtop (Python ${version})" installed in ${spec}`);
    const kernel = JSON.parse(fs.readFileSync(path.join(spec, 'kernel.json'), 'utf8')) as {
      argv: string[];
      display_name: string;
    };
    expect(kernel.display_name).toBe(`Benchtop (Python ${version})`);
    expect(kernel.argv[0]).toBe(jpython);
    // Start that kernel by its name, as Jupyter does, and run a notebook cell in it.
    const cell = [
      'from jupyter_client.manager import start_new_kernel',
      `km, kc = start_new_kernel(kernel_name="benchtop-python${version}")`,
      'out = []',
      'reply = kc.execute_interactive("import azureml.core; print(azureml.core.VERSION)", timeout=60,',
      '    output_hook=lambda m: out.append(m["content"].get("text", "")))',
      'kc.stop_channels(); km.shutdown_kernel(now=True)',
      'print("STATUS", reply["content"]["status"], "OUT", "".join(out).strip())',
    ].join('\n');
    const ran = await exec(jpython, ['-c', cell], { cwd: root, timeoutMs: 120_000 });
    expect(ran.stdout, ran.stderr).toContain('STATUS ok OUT 1.61.0');
  }, 360_000);
});
