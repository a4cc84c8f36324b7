import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHash } from '../../src/renderer/routing/routes';
import { ROOT, tempDir } from '../helpers/workspace';

/**
 * The links the Python SDK gives (Run.get_portal_url(), Experiment.get_portal_url(), wait_for_completion's
 * "Web View") are hashes the UI's router opens: the real _portal.py, run by a real Python, parsed by the UI's
 * parseHash. Loaded from its file so the package's heavier imports stay out of it.
 */
function portal(workspace: string, call: string): string {
  const script = [
    'import importlib.util, sys',
    `spec = importlib.util.spec_from_file_location("_portal", ${JSON.stringify(path.join(ROOT, 'src/runtime/benchtop/_portal.py'))})`,
    'portal = importlib.util.module_from_spec(spec); spec.loader.exec_module(portal)',
    `print(portal.${call})`,
  ].join('\n');
  return execFileSync('python3', ['-c', script, workspace], { encoding: 'utf8' }).trim();
}

describe('SDK portal links open in the UI', () => {
  const workspace = tempDir('bt-portal-');
  const served = 'http://127.0.0.1:4321/?token=abc123';
  // A UI serving the workspace: ui.json as `benchtop serve` records it (this test's pid is alive).
  fs.writeFileSync(path.join(workspace, 'ui.json'), JSON.stringify({ url: served, pid: process.pid }));

  it('Run.get_portal_url(): #/runs/<id>, odd characters kept through the quoting', () => {
    const runId = 'Default_1700000000_ab/c d+é';
    const url = portal(workspace, `run_url(sys.argv[1], ${JSON.stringify(runId)})`);
    expect(url.startsWith(`${served}#/runs/`)).toBe(true);
    expect(parseHash(new URL(url).hash)).toEqual({ kind: 'run', runId });
  });

  it("Experiment.get_portal_url(): the experiment's runs", () => {
    const url = portal(workspace, 'experiment_url(sys.argv[1], "my exp+1")');
    expect(parseHash(new URL(url).hash)).toEqual({ kind: 'runs', experiment: 'my exp+1' });
  });

  it('with no UI serving the workspace, says how to open one instead of a dead link', () => {
    const idle = tempDir('bt-portal-idle-');
    expect(portal(idle, 'run_url(sys.argv[1], "r1")')).toMatch(
      /no Benchtop UI is serving this workspace: run `benchtop/,
    );
  });
});
