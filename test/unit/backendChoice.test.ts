import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { condaToolFor, rattlerCanBuild, resolveAuto } from '../../src/main/core/builds/backendChoice';
import { TOOL_MARKER } from '../../src/main/core/tools/toolEnvironment';

/** auto's order on real folders: a conda binary (here named by BENCHTOP_CONDA), then rattler once installed, then venv. */

let dir: string;
let tools: string;
const saved = { conda: process.env.BENCHTOP_CONDA, path: process.env.PATH };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-auto-'));
  tools = path.join(dir, 'tools');
  delete process.env.BENCHTOP_CONDA;
  // No conda, mamba or micromamba of the machine's may be found on PATH.
  process.env.PATH = path.join(dir, 'empty-bin');
});

afterEach(() => {
  process.env.PATH = saved.path;
  if (saved.conda === undefined) delete process.env.BENCHTOP_CONDA;
  else process.env.BENCHTOP_CONDA = saved.conda;
  fs.rmSync(dir, { recursive: true, force: true });
});

function installRattler(marker = true) {
  const prefix = path.join(tools, 'rattler-0123456789abcdef01234567');
  fs.mkdirSync(prefix, { recursive: true });
  if (marker) fs.writeFileSync(path.join(prefix, TOOL_MARKER), '{}');
}

describe('auto backend resolution', () => {
  it('is venv with no conda binary and no rattler tool, and says how to get rattler', () => {
    expect(resolveAuto(null, tools)).toMatchObject({ backend: 'venv', condaTool: null });
    expect(resolveAuto(null, tools).reason).toMatch(/--backend rattler/);
    installRattler(false); // a half-built tool (no marker) does not count
    expect(resolveAuto(null, tools).backend).toBe('venv');
  });

  it('is rattler once its tool environment is installed, and a conda binary wins over it', () => {
    installRattler();
    expect(resolveAuto(null, tools)).toMatchObject({ backend: 'conda', condaTool: 'rattler' });
    const micromamba = path.join(dir, 'micromamba');
    fs.writeFileSync(micromamba, '#!/bin/sh\n', { mode: 0o755 });
    process.env.BENCHTOP_CONDA = micromamba;
    const pick = resolveAuto(null, tools);
    expect(pick).toMatchObject({ backend: 'conda', condaTool: 'conda-binary' });
    expect(pick.reason).toBe(`auto: micromamba found at ${micromamba}`);
  });

  it('maps explicit choices: rattler and conda name their tool, venv and docker none', () => {
    const auto = resolveAuto(null, tools);
    expect(condaToolFor('rattler', auto)).toBe('rattler');
    expect(condaToolFor('conda', auto)).toBe('conda-binary');
    expect(condaToolFor('venv', auto)).toBeNull();
    expect(condaToolFor('auto', { ...auto, condaTool: 'rattler' })).toBe('rattler');
  });
});

describe("auto's rattler offline", () => {
  it('builds only conda files whose channels are all local; network or unnamed channels fall back to venv', () => {
    expect(rattlerCanBuild(['conda-forge'], false)).toBe(true);
    expect(rattlerCanBuild(['conda-forge'], true)).toBe(false);
    expect(rattlerCanBuild(undefined, true)).toBe(false); // no channels means conda-forge
    expect(rattlerCanBuild(['file:///srv/channel', '/mnt/mirror', './local'], true)).toBe(true);
    expect(rattlerCanBuild(['file:///srv/channel', 'defaults'], true)).toBe(false);
  });
});
