import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BenchtopError } from '../../../shared/errors';
import { which } from '../python/interpreters';
import { pep440, writeSdkWheel } from './sdkWheel';

const run = promisify(execFile);

export interface SdkInstallOptions {
  /** The interpreter to install into; `python3` on PATH when absent. */
  python?: string;
  version: string;
  runtimeDir: string;
  /** The node binary and bin/benchtop.js that the installed package calls (recorded in the package). */
  node: string;
  cli: string;
  log: (line: string) => void;
}

export interface SdkInstallResult {
  python: string;
  pythonVersion: string;
  version: string;
  location: string;
  node: string;
  cli: string;
  kernel: { name: string; displayName: string; path: string | null } | null;
  jupyter: boolean;
}

interface PythonInfo {
  version: string;
  executable: string;
  inVenv: boolean;
}

const PROBE =
  "import json, sys; print(json.dumps({'version': '%d.%d.%d' % sys.version_info[:3], 'executable': sys.executable, 'inVenv': sys.prefix != getattr(sys, 'base_prefix', sys.prefix)}))";

/** Output of a Python command, with what it printed kept for the error. */
async function python(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, {
      env,
      cwd: os.tmpdir(),
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { ok: true, stdout, stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

async function probe(file: string): Promise<PythonInfo> {
  const probed = await python(file, ['-c', PROBE]);
  if (!probed.ok) {
    throw new BenchtopError(
      'NOT_FOUND',
      `Could not run ${file}: ${probed.stderr.trim().split('\n').pop()}`,
      'Give the path of a Python interpreter: benchtop sdk install --python /path/to/bin/python',
    );
  }
  const info = JSON.parse(probed.stdout.trim()) as PythonInfo;
  const [major, minor] = info.version.split('.').map(Number);
  if ((major ?? 0) < 3 || ((major ?? 0) === 3 && (minor ?? 0) < 8)) {
    throw new BenchtopError(
      'BAD_INPUT',
      `${file} is Python ${info.version}; the package needs Python 3.8 or later.`,
      'Pick a newer interpreter with --python.',
    );
  }
  return info;
}

/** The environment for the checks: no PYTHONPATH, so they see the installed package, not a source tree. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };
  delete env.PYTHONPATH;
  delete env.BENCHTOP_NODE;
  delete env.BENCHTOP_CLI;
  return env;
}

function pipFailure(file: string, output: string): BenchtopError {
  const tail = output.trim().split('\n').slice(-12).join('\n');
  if (/externally-managed-environment/.test(output)) {
    return new BenchtopError(
      'UNSUPPORTED',
      `${file} is managed by the operating system (PEP 668), so pip will not install into it.`,
      `Make a virtual environment and install there: python3 -m venv ~/.venvs/ml && benchtop sdk install --python ~/.venvs/ml/bin/python`,
    );
  }
  if (/No module named pip/.test(output)) {
    return new BenchtopError(
      'UNSUPPORTED',
      `${file} has no pip.`,
      `Add it with \`${file} -m ensurepip --upgrade\`, or use a virtual environment (python3 -m venv DIR).`,
    );
  }
  return new BenchtopError(
    'UNSUPPORTED',
    `pip could not install the package into ${file}:\n${tail}`,
    "See pip's error above.",
  );
}

/**
 * `benchtop sdk install`: the wheel built from src/runtime, with the CLI's location recorded in
 * benchtop/_install.json, installed by pip (no index: the wheel has no dependencies), then
 * checked by importing it; plus a Jupyter kernel spec when ipykernel is there.
 */
export async function installSdk(options: SdkInstallOptions): Promise<SdkInstallResult> {
  const requested = options.python ?? which('python3') ?? which('python');
  if (!requested) {
    throw new BenchtopError(
      'NOT_FOUND',
      'No python3 on PATH.',
      'Give the interpreter to install into: benchtop sdk install --python /path/to/bin/python',
    );
  }
  const info = await probe(requested);
  const file = options.python ? path.resolve(options.python) : requested;
  options.log(`Python ${info.version} at ${info.executable}`);

  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'benchtop-sdk-'));
  try {
    const installJson = JSON.stringify(
      { node: options.node, cli: options.cli, version: pep440(options.version), installedAt: new Date().toISOString() },
      null,
      2,
    );
    const wheel = writeSdkWheel({
      runtimeDir: options.runtimeDir,
      outDir: staging,
      version: options.version,
      extraFiles: { 'benchtop/_install.json': `${installJson}\n` },
    });
    const pip = await python(
      file,
      [
        '-m',
        'pip',
        'install',
        '--no-deps',
        '--force-reinstall',
        '--no-index',
        '--no-input',
        '--disable-pip-version-check',
        wheel,
      ],
      cleanEnv(),
    );
    if (!pip.ok) throw pipFailure(file, `${pip.stdout}\n${pip.stderr}`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }

  // Import it as a notebook will: from another folder, without PYTHONPATH.
  const check = await python(
    file,
    [
      '-c',
      'import json, os, azureml.core, benchtop._cli as c; print(json.dumps({"location": os.path.dirname(os.path.dirname(c.__file__)), "version": azureml.core.VERSION, "cli": c.installed_cli()}))',
    ],
    cleanEnv(),
  );
  if (!check.ok) {
    throw new BenchtopError(
      'UNSUPPORTED',
      `The package was installed but does not import in ${file}: ${check.stderr.trim().split('\n').pop()}`,
      'Run the import yourself to see the whole error: python -c "import azureml.core"',
    );
  }
  const imported = JSON.parse(check.stdout.trim()) as { location: string; version: string; cli: string[] | null };
  options.log(
    `Installed benchtop_sdk ${pep440(options.version)} (the azureml-core ${imported.version} API) into ${imported.location}`,
  );
  options.log(`It calls the Benchtop CLI as: ${options.node} ${options.cli} (recorded in benchtop/_install.json)`);

  let kernel: SdkInstallResult['kernel'] = null;
  const jupyter = (await python(file, ['-c', 'import ipykernel'], cleanEnv())).ok;
  if (jupyter) {
    const short = info.version.split('.').slice(0, 2).join('.');
    const name = `benchtop-python${short}`;
    const displayName = `Benchtop (Python ${short})`;
    // In a venv the kernel goes with it (its Jupyter finds it); otherwise into the user's kernels.
    const where = info.inVenv ? '--sys-prefix' : '--user';
    const made = await python(
      file,
      ['-m', 'ipykernel', 'install', where, '--name', name, '--display-name', displayName],
      cleanEnv(),
    );
    if (!made.ok) {
      options.log(`Jupyter kernel: not installed (${made.stderr.trim().split('\n').pop()})`);
    } else {
      const at = /Installed kernelspec \S+ in (.+)$/m.exec(`${made.stdout}\n${made.stderr}`)?.[1]?.trim() ?? null;
      kernel = { name, displayName, path: at };
      options.log(`Jupyter kernel "${displayName}" installed${at ? ` in ${at}` : ''}`);
    }
  } else {
    options.log(
      'Jupyter: no ipykernel in this Python, so no kernel spec (pip install ipykernel, then run this again).',
    );
  }
  return {
    python: file,
    pythonVersion: info.version,
    version: pep440(options.version),
    location: imported.location,
    node: options.node,
    cli: options.cli,
    kernel,
    jupyter,
  };
}
