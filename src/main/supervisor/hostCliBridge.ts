import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/workspace/files';
import { type BridgeScope, refuseBridgeRequest } from './bridgePolicy';

/**
 * Lets a script in a container call the Benchtop CLI of the app that started the run
 * (run.register_model, Model.register, ...): the container has no Node and no CLI. The
 * script writes `<id>.json` ({"args": [...]}) into a folder of the run, which a local
 * engine shares at the same path; this runs the CLI on the host against the run's
 * workspace and writes `<id>.reply.json` ({code, stdout, stderr}) back. Only what the
 * runtime needs, with paths inside the run's folder (bridgePolicy.ts).
 */
export class HostCliBridge {
  private timer: NodeJS.Timeout | null = null;
  private readonly taken = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly workspace: string,
    private readonly cli: string | null,
    private readonly scope: BridgeScope,
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  start(): void {
    this.timer = setInterval(() => this.poll(), 50);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private poll(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!/^[0-9a-f]{32}\.json$/.test(name) || this.taken.has(name)) continue;
      this.taken.add(name);
      void this.answer(name);
    }
  }

  private async answer(name: string): Promise<void> {
    const id = name.slice(0, -'.json'.length);
    const reply = (value: { code: number; stdout: string; stderr: string }) =>
      writeFileAtomic(path.join(this.dir, `${id}.reply.json`), JSON.stringify(value), false);
    let args: string[];
    try {
      args = (JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8')) as { args: string[] }).args.map(String);
    } catch (err) {
      return reply({ code: 2, stdout: '', stderr: `error: unreadable request: ${(err as Error).message}\n` });
    }
    if (!this.cli) return reply({ code: 2, stdout: '', stderr: 'error: The Benchtop CLI is not built here.\n' });
    const refused = refuseBridgeRequest(args, this.scope);
    if (refused) {
      // Answered as the CLI answers a bad input (exit 2; with --json the error as JSON on stdout).
      const hint = "From a container, give paths inside the run's folder (./outputs, the working copy).";
      return reply({
        code: 2,
        stdout: args.includes('--json')
          ? `${JSON.stringify({ error: { code: 'BAD_INPUT', message: refused, hint } })}\n`
          : '',
        stderr: `error: ${refused}\nhint: ${hint}\n`,
      });
    }
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [this.cli as string, '--workspace', this.workspace, ...args], {
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      child.on('error', (err) => resolve({ code: 1, stdout, stderr: `${stderr}${err.message}\n` }));
    });
    reply(result);
  }
}
