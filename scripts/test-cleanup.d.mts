// Types for scripts/test-cleanup.mjs (used from test/globalSetup.ts and its unit test).
export const RUN_MARKER: 'BENCHTOP_TEST_RUN_DIR';
export const ENV_IMAGE_REPOSITORY: 'benchtop/env';

export interface TestRun {
  dir: string;
  startedAt: number;
  engine: boolean;
  images: string[];
  containers: string[];
  cleaned?: boolean;
}
export interface ContainerInfo {
  Id: string;
  Created: number;
  State?: string;
  Names?: string[];
  Labels?: Record<string, string>;
}
type Log = (line: string) => void;

export function envImageTags(images: { RepoTags?: string[] | null }[]): string[];
export function newEnvImages(before: string[], images: { RepoTags?: string[] | null }[]): string[];
export function leftoverContainers<C extends ContainerInfo>(run: TestRun, containers: C[]): C[];
export function markedProcesses(dir: string, procRoot?: string, self?: number): { pid: number; cmdline: string }[];
export function stopPids(pids: number[], graceMs?: number): Promise<number[]>;
export function mountsInside(dir: string, mountsText: string): string[];
export function snapshotTestRun(options?: { env?: NodeJS.ProcessEnv }): Promise<TestRun>;
export function runEnvironment(run: TestRun): Record<string, string>;
export function cleanupTestRun(run: TestRun, options?: { env?: NodeJS.ProcessEnv; log?: Log }): Promise<void>;
