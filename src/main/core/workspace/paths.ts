import os from 'node:os';
import path from 'node:path';

/** The OS's app-data folder for Benchtop (what the app uses with no flag and no env var). */
export function defaultWorkspaceDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Benchtop');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Benchtop');
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'benchtop');
}

/** `--workspace DIR`, else `BENCHTOP_WORKSPACE`, else the OS default. */
export function resolveWorkspaceDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag || env.BENCHTOP_WORKSPACE || defaultWorkspaceDir(process.platform, env);
  return path.resolve(chosen);
}

/** Where everything lives inside a workspace; one place so no path is spelled twice. */
export class WorkspacePaths {
  constructor(readonly root: string) {}
  get database(): string {
    return path.join(this.root, 'benchtop.db');
  }
  get envCache(): string {
    return path.join(this.root, 'cache', 'envs');
  }
  get locks(): string {
    return path.join(this.root, 'cache', 'locks');
  }
  get wheels(): string {
    return path.join(this.root, 'wheels');
  }
  get jobLogs(): string {
    return path.join(this.root, 'logs', 'jobs');
  }
  get models(): string {
    return path.join(this.root, 'models');
  }
  /** Datastores are folders here (`workspaceblobstore` always); Datastore.upload copies into them. */
  get datastores(): string {
    return path.join(this.root, 'datastores');
  }
  serviceDir(name: string): string {
    return path.join(this.root, 'services', name);
  }
  get tmp(): string {
    return path.join(this.root, 'tmp');
  }
  runDir(runId: string): string {
    return path.join(this.root, 'runs', runId);
  }
  envDir(buildKey: string): string {
    return path.join(this.envCache, buildKey);
  }
  buildLock(buildKey: string): string {
    return path.join(this.locks, `${buildKey}.lock`);
  }
  jobLog(jobId: string): string {
    return path.join(this.jobLogs, `${jobId}.log`);
  }
}
