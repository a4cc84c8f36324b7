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
}

let opened: CliContext | null = null;

/** Opens the workspace once per CLI invocation; the CLI calls the core through the same contract as the UI. */
export function cliContext(options: GlobalOptions): CliContext {
  if (opened) return opened;
  const core = openCore(resolveWorkspaceDir(options.workspace));
  const viewer = { id: 'cli', acknowledges: false, write: (data: string) => (options.json ? process.stderr : process.stdout).write(data) };
  const client: BenchtopClient = {
    ...createDomainClient((name, input) => dispatch(handlers, core, name, input, { connectionId: 'cli', viewerFor: () => viewer })),
    on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => core.bus.on(event, listener),
  };
  opened = { core, client, json: Boolean(options.json), log: options.json ? process.stderr : process.stdout };
  return opened;
}

export function closeCliContext(): void {
  opened?.core.close();
  opened = null;
}
