import path from 'node:path';
import type { ServiceRecord } from '../../../shared/api/serviceTypes';
import type { EnvironmentRecord, Settings } from '../../../shared/api/types';
import type { ServiceLayout } from './serviceLayout';

/** What the scoring server (python -m benchtop.serving) is started with, on the host or in a container. */
export interface ServerLaunch {
  args: string[];
  /** The variables the scoring code sees (Azure's names), also all a container gets. */
  serviceVariables: Record<string, string>;
}

export function serverLaunch(options: {
  service: ServiceRecord;
  layout: ServiceLayout;
  environment: EnvironmentRecord;
  script: string;
  modelDir: string;
  settings: Settings;
}): ServerLaunch {
  const { service, layout, script } = options;
  // Azure sets it to the folder's name in the app root; an absolute path joins onto AML_APP_ROOT the same.
  const sourceVariable: Record<string, string> = service.sourceDirectory
    ? { AZUREML_SOURCE_DIRECTORY: layout.appSource(service.sourceDirectory) }
    : {};
  const serviceVariables: Record<string, string> = {
    ...options.environment.definition.environmentVariables,
    AZUREML_MODEL_DIR: options.modelDir,
    AZUREML_ENTRY_SCRIPT: script,
    ...sourceVariable,
    AML_APP_ROOT: layout.app,
    SERVICE_NAME: service.name,
  };
  const args = [
    '--entry-script',
    script,
    '--source-directory',
    service.sourceDirectory ? layout.appSource(service.sourceDirectory) : path.dirname(script),
    '--port',
    String(service.port),
    '--workers',
    String(service.workers),
    '--timeout-ms',
    String(service.timeoutMs),
    '--max-body-mb',
    String(service.maxBodyMb),
    ...serverLimitArgs(options.settings),
    '--status-file',
    layout.status,
  ];
  return { args, serviceVariables };
}

/** A host server's whole environment: this process's, the service's, and the runtime and Python on the paths. */
export function hostServerEnvironment(
  launch: ServerLaunch,
  options: { python: string; runtime: string; log: string },
): NodeJS.ProcessEnv {
  const variables: NodeJS.ProcessEnv = {
    ...process.env,
    ...launch.serviceVariables,
    PYTHONPATH: [options.runtime, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
    PATH: [path.dirname(options.python), process.env.PATH].filter(Boolean).join(path.delimiter),
    BENCHTOP_SERVICE_LOG: options.log,
    PYTHONUNBUFFERED: '1',
  };
  delete variables.ELECTRON_RUN_AS_NODE;
  return variables;
}

/** The workspace's limits for every scoring server (Settings), as the server's flags. */
function serverLimitArgs(settings: Settings): string[] {
  return [
    '--header-timeout-s',
    String(settings.serviceHeaderTimeoutS),
    '--body-timeout-s',
    String(settings.serviceBodyTimeoutS),
    '--idle-timeout-s',
    String(settings.serviceIdleTimeoutS),
    '--write-timeout-s',
    String(settings.serviceWriteTimeoutS),
    '--max-connections',
    String(settings.serviceMaxConnections),
  ];
}
