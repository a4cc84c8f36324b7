// Types for scripts/prepare-test-machine.mjs (used by its unit test).
type Log = (line: string) => void;
export interface Component {
  name: string;
  package: string | null;
  hint?: string;
  present: () => boolean;
  for: string;
}
export function which(name: string, env?: NodeJS.ProcessEnv): string | null;
export function components(env?: NodeJS.ProcessEnv): Component[];
export function canInstall(env?: NodeJS.ProcessEnv): boolean;
export function missingLine(missing: Component[], where: { root: boolean; apt: boolean }): string;
export function startDockerd(options?: {
  socket?: string;
  dataRoot?: string;
  execRoot?: string;
  pidfile?: string;
  extraArgs?: string[];
  logFile?: string;
  timeoutMs?: number;
  log?: Log;
}): Promise<{ pid: number; stop: () => Promise<void> } | null>;
export function prepareTestMachine(options?: {
  dryRun?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: Log;
  interrupted?: () => boolean;
}): Promise<{ stop: () => Promise<void> }>;
