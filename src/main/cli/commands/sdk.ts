import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { GlobalOptions } from '../context';
import { printJson } from '../output';
import { runtimeDir } from '../../core/python/runtimeDir';
import { installSdk } from '../../core/sdk/sdkInstall';
import { sdkWheelFileName } from '../../core/sdk/sdkWheel';

declare const BENCHTOP_VERSION: string | undefined;

/** bin/benchtop.js of this build: what the installed package runs (with this node) to reach a workspace. */
function benchtopBin(): string {
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'bin', 'benchtop.js');
    if (fs.existsSync(candidate)) return candidate;
  }
  return path.resolve(process.argv[1] ?? 'benchtop');
}

export function registerSdkCommands(program: Command): void {
  const sdk = program.command('sdk').description('The Python package (azureml.core + benchtop) for your own Python');
  sdk
    .command('install')
    .description(
      'Install the package into a Python (default: python3 on PATH), plus a Jupyter kernel if it has Jupyter',
    )
    .option('--python <path>', 'the interpreter to install into, e.g. ~/.venvs/ml/bin/python')
    // No workspace is opened: installing a package touches none.
    .action(async (opts: { python?: string }, command: Command) => {
      const { json } = command.optsWithGlobals<GlobalOptions>();
      const version = typeof BENCHTOP_VERSION === 'string' ? BENCHTOP_VERSION : '0.0.0-dev';
      const log = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
      const result = await installSdk({
        python: opts.python,
        version,
        runtimeDir: runtimeDir(),
        node: process.execPath,
        cli: benchtopBin(),
        log,
      });
      const dist = path.join(path.dirname(benchtopBin()), '..', 'dist', 'python', sdkWheelFileName(version));
      if (json) return printJson({ ...result, wheel: fs.existsSync(dist) ? path.resolve(dist) : null });
      log(`Try it: ${result.python} -c "import azureml.core; print(azureml.core.VERSION)"`);
      if (fs.existsSync(dist))
        log(`The wheel for pip elsewhere: ${path.resolve(dist)} (set BENCHTOP_CLI and BENCHTOP_NODE there).`);
    });
}
