import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'bin', 'benchtop.js');

/** A fresh workspace folder per test. */
export function tempDir(prefix = 'bt-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs FILE ARGS to its end, collecting its output; killed, and rejected with that output, when it
 * runs past the timeout (180 s unless given). LABEL names it in that message (default: FILE).
 */
export function runProcess(
  file: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs?: number; label?: string; stdin?: string },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const spawnOptions = { cwd: options.cwd, env: options.env };
    // stdin stays /dev/null (as a CLI started from a script sees it) unless the test pipes something in.
    const child =
      options.stdin === undefined
        ? spawn(file, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(file, args, { ...spawnOptions, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.label ?? file} ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 180_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  });
}

/** Runs the real CLI (the built bin) as a separate process; STDIN, when given, is piped to it. */
export function runCli(
  args: string[],
  options: { workspace: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; stdin?: string },
): Promise<CliResult> {
  return runProcess(process.execPath, [CLI, '--workspace', options.workspace, ...args], {
    env: { ...process.env, ...options.env },
    timeoutMs: options.timeoutMs,
    stdin: options.stdin,
    label: 'benchtop',
  });
}

/** The Python that runs test helpers (the first python3 on PATH). */
export function python(): string {
  return process.env.BENCHTOP_TEST_PYTHON ?? 'python3';
}

/**
 * Writes a real, installable pure-Python wheel by hand (zip + dist-info), so
 * offline tests need no network and no build tools.
 */
export function makeWheel(dir: string, name: string, version: string, moduleSource = 'VALUE = 42\n'): string {
  fs.mkdirSync(dir, { recursive: true });
  const script = `
import base64, hashlib, sys, zipfile
name, version, out, src = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
mod = name.replace('-', '_')
info = f"{mod}-{version}.dist-info"
files = {
  f"{mod}/__init__.py": src,
  f"{info}/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n",
  f"{info}/WHEEL": "Wheel-Version: 1.0\\nGenerator: benchtop-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
record = []
path = f"{out}/{mod}-{version}-py3-none-any.whl"
with zipfile.ZipFile(path, "w") as z:
  for n, c in files.items():
    data = c.encode()
    z.writestr(n, data)
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record.append(f"{n},sha256={digest},{len(data)}")
  record.append(f"{info}/RECORD,,")
  z.writestr(f"{info}/RECORD", "\\n".join(record) + "\\n")
print(path)
`;
  return execFileSync(python(), ['-c', script, name, version, dir, moduleSource], { encoding: 'utf8' }).trim();
}

/**
 * A local source package whose in-tree build backend sleeps while a flag
 * file exists: a build that is reliably slow (for cancel and concurrency
 * tests) without network or setuptools.
 */
export function makeSlowPackage(dir: string, flagFile: string, seconds: number): string {
  const pkg = path.join(dir, 'slowpkg');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(
    path.join(pkg, 'pyproject.toml'),
    '[build-system]\nrequires = []\nbuild-backend = "slow_backend"\nbackend-path = ["."]\n\n[project]\nname = "slowpkg"\nversion = "1.0"\n',
  );
  fs.writeFileSync(
    path.join(pkg, 'slow_backend.py'),
    `import base64, hashlib, os, sys, time, zipfile
FLAG = ${JSON.stringify(flagFile)}
def get_requires_for_build_wheel(config_settings=None):
    return []
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    open(FLAG + ".started", "w").close()
    end = time.time() + ${seconds}
    while os.path.exists(FLAG) and time.time() < end:
        time.sleep(0.2)
    name = "slowpkg-1.0-py3-none-any.whl"
    files = {"slowpkg/__init__.py": b"SLOW = True\\n",
             "slowpkg-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\\nName: slowpkg\\nVersion: 1.0\\n",
             "slowpkg-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\\nGenerator: t\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}
    rec = []
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as z:
        for n, d in files.items():
            z.writestr(n, d)
            rec.append("%s,sha256=%s,%d" % (n, base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b"=").decode(), len(d)))
        rec.append("slowpkg-1.0.dist-info/RECORD,,")
        z.writestr("slowpkg-1.0.dist-info/RECORD", "\\n".join(rec) + "\\n")
    return name
`,
  );
  return pkg;
}

/** Writes an environment folder (azureml_environment.json + conda_dependencies.yml). */
export function writeEnvFolder(
  dir: string,
  name: string,
  pip: string[],
  options: { python?: string; conda?: string[] } = {},
): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'azureml_environment.json'),
    JSON.stringify(
      {
        name,
        version: null,
        environmentVariables: {},
        python: { userManagedDependencies: false, interpreterPath: 'python' },
      },
      null,
      4,
    ),
  );
  const deps = [
    `  - python${options.python ? `=${options.python}` : ''}`,
    ...(options.conda ?? []).map((c) => `  - ${c}`),
  ];
  if (pip.length) deps.push('  - pip:', ...pip.map((p) => `    - ${p}`));
  fs.writeFileSync(
    path.join(dir, 'conda_dependencies.yml'),
    `name: project_environment\nchannels:\n  - conda-forge\ndependencies:\n${deps.join('\n')}\n`,
  );
  return dir;
}

/** Fails (under CI=true) or returns false when a component the suite needs is missing. */
export function requireComponent(name: string, available: boolean): boolean {
  if (!available && process.env.CI === 'true')
    throw new Error(`${name} is required under CI=true but is not available on this machine.`);
  return available;
}

/** Polls until check() is true (a file appears, a process ends), failing after the timeout. */
export async function waitUntil(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
