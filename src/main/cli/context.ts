import { type BenchtopClient, createDomainClient } from '../../shared/api/client';
import type { EventName, EventPayload } from '../../shared/api/contract';
import { handlers } from '../core/api/handlers';
import { dispatch } from '../core/api/router';
import { type Core, openCore } from '../core/core';
import { resolveWorkspaceDir } from '../core/workspace/paths';

export interface GlobalOptions {
  workspace?: string;
  json?: boolean;
}

export interface CliContext {
  core: Core;
  client: BenchtopClient;
  json: boolean;
  /** Where live logs go: stdout normally, stderr under --json so stdout stays one JSON document. */
  log: NodeJS.WriteStream;
  /** Live output reaches the terminal only after the replay it follows (see followJob). */
  output: HeldOutput;
}

/** Holds live output that arrives before the replay has been printed, so the log stays in order. */
export class HeldOutput {
  private held: string[] | null = [];
  constructor(private readonly stream: NodeJS.WriteStream) {}
  write(data: string): void {
    if (this.held) this.held.push(data);
    else this.stream.write(data);
  }
  release(replay: string): void {
    const held = this.held ?? [];
    this.held = null;
    this.stream.write(replay + held.join(''));
  }
}

let opened: CliContext | null = null;

/** Opens the workspace once per CLI invocation; the CLI calls the core through the same contract as the UI. */
export function cliContext(options: GlobalOptions): CliContext {
  if (opened) return opened;
  const core = openCore(resolveWorkspaceDir(options.workspace));
  const log = options.json ? process.stderr : process.stdout;
  const output = new HeldOutput(log);
  const viewer = { id: 'cli', acknowledges: false, write: (data: string) => output.write(data) };
  const client: BenchtopClient = {
    ...createDomainClient((name, input) =>
      dispatch(handlers, core, name, input, { connectionId: 'cli', viewerFor: () => viewer }),
    ),
    on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => core.bus.on(event, listener),
  };
  opened = { core, client, json: Boolean(options.json), log, output };
  return opened;
}

export function closeCliContext(): void {
  opened?.core.close();
  opened = null;
}
