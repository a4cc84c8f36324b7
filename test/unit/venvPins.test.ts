import { describe, expect, it } from 'vitest';
import { pickInterpreter, pipPinOf, pipRequirementsFor } from '../../src/main/core/builds/venvBackend';
import { findInterpreters } from '../../src/main/core/python/interpreters';
import { isAzureDefaultBaseImage, scaffoldDefinition, withPackages } from '../../src/shared/environments/definition';

describe('venv backend: pins from a conda file', () => {
  it('installs a pinned pip instead of dropping it, and names the mapping', () => {
    expect(pipPinOf('pip=20.2.4')).toBe('pip==20.2.4');
    expect(pipPinOf('pip=23.1')).toBe('pip==23.1.*');
    expect(pipPinOf('pip 23.1')).toBe('pip==23.1.*');
    expect(pipPinOf('conda-forge::pip>=21')).toBe('pip>=21');
    expect(pipPinOf('pip')).toBeNull();
    expect(pipPinOf('pipx=1.0')).toBeNull();
    const notes: string[] = [];
    const def = withPackages(scaffoldDefinition('p', '3.11'), ['numpy=1.26', 'pip=23.1.2'], ['joblib']);
    expect(pipRequirementsFor(def, (n) => notes.push(n))).toEqual(['pip==23.1.2', 'numpy==1.26.*', 'joblib']);
    expect(notes).toContain("conda -> pip: pip=23.1.2 -> pip==23.1.2 (the venv's pip is set to it)");
  });

  it("uses the closest interpreter, saying which and why, when the pinned Python isn't here", async () => {
    const found = await findInterpreters();
    if (found.length === 0) return;
    const old = await pickInterpreter('3.1.2', false);
    expect(old.reason).toMatch(
      /^instead of python=3\.1\.2: no Python 3\.1 on this machine and every one here is newer \(found .+\), so the default interpreter/,
    );
    // Newer than anything here: still an error listing what was found (the code may need that Python).
    await expect(pickInterpreter('3.99.1', false)).rejects.toThrow(/No Python 3\.99\.1 interpreter/);
    const first = found[0]!;
    const [major, minor] = first.version.split('.');
    const same = await pickInterpreter(`${major}.${minor}.999`, false);
    expect(same.interpreter.version.startsWith(`${major}.${minor}.`)).toBe(true);
    expect(same.reason).toContain(`is the same ${major}.${minor} series`);
    expect((await pickInterpreter(first.version, false)).reason).toBe(`matches python=${first.version}`);
  });

  it("recognises Azure's default base images of every SDK release", () => {
    expect(isAzureDefaultBaseImage('mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1')).toBe(true);
    expect(isAzureDefaultBaseImage('mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04')).toBe(true);
    expect(isAzureDefaultBaseImage('mcr.microsoft.com/azureml/openmpi3.1.2-ubuntu18.04:20220208.v1')).toBe(true);
    expect(isAzureDefaultBaseImage('mcr.microsoft.com/azureml/openmpi4.1.0-cuda11.8-cudnn8-ubuntu22.04')).toBe(false);
    expect(isAzureDefaultBaseImage('benchtop/base:bookworm-python')).toBe(false);
    expect(isAzureDefaultBaseImage(null)).toBe(false);
  });
});
