// Glue only: no conda-family binary can be had on the development machine, so this
// drives the conda backend with a stand-in `micromamba` script that records the
// command line it gets and answers `list --json`. It proves what Benchtop sends and
// how it reads the answer, not that a real solver works (README: conda untested).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeEnvFolder } from '../helpers/workspace';

function standIn(dir: string): { tool: string; calls: string } {
  const calls = path.join(dir, 'calls.log');
  const tool = path.join(dir, 'micromamba');
  fs.writeFileSync(
    tool,
    `#!/bin/sh
echo "$@" >> ${JSON.stringify(calls)}
if [ "$1" = "create" ]; then
  prefix=""; file=""
  while [ $# -gt 0 ]; do case "$1" in -p) prefix="$2"; shift;; -f) file="$2"; shift;; esac; shift; done
  cp "$file" ${JSON.stringify(path.join(dir, 'spec.yml'))}
  mkdir -p "$prefix/bin" && ln -s "$(command -v python3)" "$prefix/bin/python"
  echo "Transaction finished"
elif [ "$1" = "list" ]; then
  echo '[{"name":"python","version":"3.11.7","channel":"local"},{"name":"numpy","version":"1.26.4","channel":"local"}]'
fi
`,
  );
  fs.chmodSync(tool, 0o755);
  return { tool, calls };
}

describe('conda backend glue (stand-in tool)', () => {
  it('auto picks conda when a tool is configured, sends the spec without its name, reads the lock from `list --json`', async () => {
    const dir = tempDir('bt-conda-glue-');
    const { tool, calls } = standIn(dir);
    const workspace = tempDir('bt-conda-ws-');
    await runCli(
      [
        'env',
        'register',
        '-d',
        writeEnvFolder(tempDir('bt-src-'), 'conda-env', ['six'], { python: '3.11', conda: ['numpy=1.26'] }),
      ],
      { workspace },
    );
    const built = await runCli(['env', 'build', '-n', 'conda-env', '--offline'], {
      workspace,
      env: { BENCHTOP_CONDA: tool },
    });
    expect(built.code, built.stdout + built.stderr).toBe(0);
    expect(built.stdout).toContain('Backend: conda (auto)');
    expect(built.stdout).toContain(`Using micromamba at ${tool}`);

    const recorded = fs.readFileSync(calls, 'utf8');
    const [create, list] = recorded.trim().split('\n');
    expect(recorded, built.stdout).toMatch(/\nlist /);
    expect(create).toMatch(/^create -y -p \S+\/cache\/envs\/[0-9a-f]{32} -f \S+\.environment\.yml --offline$/);
    expect(list).toMatch(/^list -p \S+ --json$/);
    const spec = fs.readFileSync(path.join(dir, 'spec.yml'), 'utf8');
    expect(spec).not.toMatch(/^name:/m);
    expect(spec).toMatch(/- python=3\.11\n\s+- numpy=1\.26\n\s+- pip:\n\s+- six/);

    const shown = JSON.parse(
      (await runCli(['--json', 'env', 'show', '-n', 'conda-env'], { workspace, env: { BENCHTOP_CONDA: tool } })).stdout,
    ) as { backend: string; buildState: string; lock: unknown[] };
    expect(shown).toMatchObject({ backend: 'conda', buildState: 'ready' });
    expect(shown.lock).toEqual([
      { name: 'numpy', version: '1.26.4' },
      { name: 'python', version: '3.11.7' },
    ]);
  });
});
