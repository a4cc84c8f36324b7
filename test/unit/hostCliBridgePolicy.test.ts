import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { refuseBridgeRequest } from '../../src/main/supervisor/bridgePolicy';
import { HostCliBridge } from '../../src/main/supervisor/hostCliBridge';

// A script in a container reaches the host's CLI through the run's folder; it must not be able
// to make that CLI write or read host paths outside the run (overwriting ~/.bashrc with a
// "model" download, registering ~/.ssh as a model) or act on other runs or workspaces.

const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-bridge-run-'));
const scope = { runDir, runId: 'exp_1_abcd' };
const inRun = (...parts: string[]) => path.join(runDir, ...parts);

describe('host CLI bridge policy', () => {
  it('lets through what the runtime sends, with paths inside the run', () => {
    for (const args of [
      ['--json', 'model', 'register', '-n', 'm', '-p', inRun('work', 'outputs', 'model.pkl')],
      ['--json', 'model', 'register', '-n', 'm', '-p', 'outputs/model.pkl', '--run', 'exp_1_abcd'],
      ['--json', 'model', 'download', 'm:1', '-d', inRun('work', 'dl')],
      ['--json', 'model', 'list', '-n', 'm', '--tag', 'a=b'],
      ['--json', 'env', 'show', '-n', 'e'],
      ['--json', 'service', 'deploy', '-n', 'svc', '-m', 'm:1', '--entry-script', 'score.py', '-d', inRun('work')],
      ['--json', 'data', 'show', 'titanic:1'],
      ['--json', 'data', 'use', 'titanic', '--run', 'exp_1_abcd', '--as', 'train'],
      ['--json', 'data', 'register', '-n', 'out', '-p', inRun('work', 'outputs', 'x.csv'), '--run', 'exp_1_abcd'],
    ])
      expect(refuseBridgeRequest(args, scope), args.join(' ')).toBeNull();
  });

  it('refuses host paths outside the run, links out of it, other runs, other workspaces and other commands', () => {
    fs.mkdirSync(inRun('work'), { recursive: true });
    fs.symlinkSync(os.homedir(), inRun('work', 'home'));
    const refused: [string[], RegExp][] = [
      [['--json', 'model', 'download', 'm:1', '-d', os.homedir(), '--exist-ok'], /-d .* is outside the run's folder/],
      [['model', 'download', 'm:1', `--directory=${os.homedir()}`], /--directory .* is outside the run's folder/],
      [['model', 'download', 'm:1', `-d${os.homedir()}`], /-d .* is outside the run's folder/],
      [['model', 'download', 'm:1', '-d', inRun('work', 'home')], /outside the run's folder/],
      [['model', 'register', '-n', 'k', '-p', path.join(os.homedir(), '.ssh')], /-p .* is outside/],
      [['model', 'register', '-n', 'k', '-p', inRun('..', 'x')], /-p .* is outside/],
      [['model', 'register', '-n', 'k', '-p', 'outputs/x', '--run', 'other_2_ffff'], /its own run \(exp_1_abcd\) only/],
      [['service', 'deploy', '-n', 's', '--entry-script', '../../../etc/x.py', '-d', inRun('work')], /outside/],
      [['--workspace', '/elsewhere', 'model', 'list'], /--workspace is not allowed/],
      [['env', 'download', '-n', 'e', '-d', inRun('x'), '--overwrite'], /"benchtop env download" cannot be run/],
      [['env', 'cache', 'prune'], /cannot be run from a container run/],
      [['run', 'download', 'exp_1_abcd', '-d', inRun('x')], /cannot be run from a container run/],
      // A dataset's --run names the run that made it; its paths are host paths, checked like any other.
      [
        ['data', 'register', '-n', 'd', '-p', path.join(os.homedir(), '.ssh'), '--run', 'exp_1_abcd'],
        /-p .* is outside/,
      ],
      [['data', 'use', 'titanic', '--run', 'other_2_ffff'], /its own run \(exp_1_abcd\) only/],
      [['data', 'download', 'titanic:1', '-o', os.homedir()], /cannot be run from a container run/],
      [['data', 'delete', 'titanic:1'], /cannot be run from a container run/],
    ];
    for (const [args, why] of refused) expect(refuseBridgeRequest(args, scope), args.join(' ')).toMatch(why);
  });

  it('the bridge answers a refused request with the error, without running the CLI', async () => {
    const dir = inRun('host-cli');
    const bridge = new HostCliBridge(dir, path.join(runDir, 'no-workspace'), '/nonexistent/cli.js', scope);
    bridge.start();
    try {
      const id = 'a'.repeat(32);
      fs.writeFileSync(
        path.join(dir, `${id}.json`),
        JSON.stringify({ args: ['--json', 'model', 'download', 'm:1', '-d', os.homedir(), '--exist-ok'] }),
      );
      const reply = path.join(dir, `${id}.reply.json`);
      for (let i = 0; i < 200 && !fs.existsSync(reply); i++) await new Promise((r) => setTimeout(r, 20));
      const answer = JSON.parse(fs.readFileSync(reply, 'utf8')) as { code: number; stdout: string; stderr: string };
      expect(answer.code).toBe(2);
      expect(JSON.parse(answer.stdout)).toMatchObject({ error: { code: 'BAD_INPUT' } });
      expect(answer.stderr).toMatch(/^error: -d .* is outside the run's folder/);
    } finally {
      bridge.stop();
    }
  });
});
