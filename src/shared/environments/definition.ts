import { z } from 'zod';

/**
 * An environment definition in Azure ML v1's shape (`azureml_environment.json`
 * with `python.condaDependencies` inline). Unknown keys are kept (loose
 * objects) so a downloaded folder round-trips unchanged.
 */
export const PipSection = z.looseObject({ pip: z.array(z.string()) });
export const CondaDependency = z.union([z.string(), PipSection]);
export type CondaDependency = z.infer<typeof CondaDependency>;

export const CondaSpec = z.looseObject({
  name: z.string().optional(),
  channels: z.array(z.string()).optional(),
  dependencies: z.array(CondaDependency),
});
export type CondaSpec = z.infer<typeof CondaSpec>;

export const PythonSection = z.looseObject({
  userManagedDependencies: z.boolean().default(false),
  interpreterPath: z.string().min(1).default('python'),
  condaDependencies: CondaSpec.nullable().default(null),
});

export const DockerSection = z.looseObject({
  baseImage: z.string().nullable().default(null),
  baseDockerfile: z.string().nullable().default(null),
  arguments: z.array(z.string()).default([]),
});

export const EnvironmentDefinition = z.looseObject({
  name: z.string(),
  version: z.string().nullable().default(null),
  environmentVariables: z.record(z.string(), z.string()).default({}),
  python: PythonSection.prefault({}),
  docker: DockerSection.prefault({}),
});
export type EnvironmentDefinition = z.infer<typeof EnvironmentDefinition>;

export const BACKENDS = ['venv', 'conda', 'docker', 'user-managed'] as const;
export type Backend = (typeof BACKENDS)[number];
/** `rattler` builds the conda backend with py-rattler (no conda binary); the build is a conda one. */
export const BackendChoice = z.enum(['auto', 'venv', 'conda', 'rattler', 'docker']);
export type BackendChoice = z.infer<typeof BackendChoice>;

/** Azure's late-SDK default base image; kept as data, only the docker backend uses it. */
export const DEFAULT_BASE_IMAGE = 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04';

/**
 * Whether an image is one of the CPU base images azureml-core sets by default (`Environment()`'s
 * docker.base_image across SDK releases, any tag: 1.61 sets openmpi4.1.0-ubuntu22.04:20251130.v1).
 * None can be pulled offline, so the docker backend treats them all as "Azure's default".
 */
export function isAzureDefaultBaseImage(image: string | null | undefined): boolean {
  const name = (image ?? '').trim().replace(/:[^/:]+$/, '');
  return (
    name === DEFAULT_BASE_IMAGE ||
    /^mcr\.microsoft\.com\/azureml\/(openmpi[\d.]+-ubuntu\d\d\.04|base|intelmpi2018\.3-ubuntu16\.04)$/.test(name)
  );
}

export function condaPackagesOf(def: EnvironmentDefinition): string[] {
  const deps = def.python.condaDependencies?.dependencies ?? [];
  return deps.filter((d): d is string => typeof d === 'string');
}

export function pipPackagesOf(def: EnvironmentDefinition): string[] {
  const deps = def.python.condaDependencies?.dependencies ?? [];
  return deps.flatMap((d) => (typeof d === 'string' ? [] : d.pip));
}

const PYTHON_SPEC = /^python\s*(?:(==?|>=|<=|~=|\s)\s*([0-9][0-9.*]*))?/i;

/** "3.11" from `python=3.11`, `python==3.11.7`, `python 3.10`; null when not pinned. */
export function pythonVersionOf(def: EnvironmentDefinition): string | null {
  for (const pkg of condaPackagesOf(def)) {
    const bare = pkg.replace(/^[\w.-]+::/, '').trim();
    if (!/^python(\s|=|>|<|~|$)/i.test(bare)) continue;
    const match = PYTHON_SPEC.exec(bare);
    const version = match?.[2]?.replace(/\.\*$/, '');
    return version ? version : null;
  }
  return null;
}

/** Returns a copy with the python version set (adds `python=X` first if missing). */
export function withPythonVersion(def: EnvironmentDefinition, version: string): EnvironmentDefinition {
  const spec: CondaSpec = def.python.condaDependencies ?? {
    name: 'project_environment',
    channels: ['conda-forge'],
    dependencies: [],
  };
  const deps = spec.dependencies.filter(
    (d) => typeof d !== 'string' || !/^python(\s|=|>|<|~|$)/i.test(d.replace(/^[\w.-]+::/, '')),
  );
  return {
    ...def,
    python: { ...def.python, condaDependencies: { ...spec, dependencies: [`python=${version}`, ...deps] } },
  };
}

/** Replaces the conda and pip package lists, keeping python and everything else. */
export function withPackages(def: EnvironmentDefinition, conda: string[], pip: string[]): EnvironmentDefinition {
  const spec: CondaSpec = def.python.condaDependencies ?? {
    name: 'project_environment',
    channels: ['conda-forge'],
    dependencies: [],
  };
  const python = spec.dependencies.filter((d) => typeof d === 'string' && /^python(\s|=|>|<|~|$)/i.test(d));
  const pipSection = spec.dependencies.find((d): d is z.infer<typeof PipSection> => typeof d !== 'string');
  const dependencies: CondaDependency[] = [...python, ...conda.filter((c) => !/^python(\s|=|>|<|~|$)/i.test(c))];
  if (pip.length > 0) dependencies.push({ ...(pipSection ?? {}), pip });
  return { ...def, python: { ...def.python, condaDependencies: { ...spec, dependencies } } };
}

/** A new definition as `benchtop env scaffold` writes it (Azure late-SDK defaults). */
export function scaffoldDefinition(name: string, pythonVersion: string): EnvironmentDefinition {
  return EnvironmentDefinition.parse({
    name,
    version: null,
    environmentVariables: { EXAMPLE_ENV_VAR: 'EXAMPLE_VALUE' },
    python: {
      userManagedDependencies: false,
      interpreterPath: 'python',
      condaDependenciesFile: null,
      baseCondaEnvironment: null,
      condaDependencies: {
        name: 'project_environment',
        dependencies: [`python=${pythonVersion}`, { pip: [] }],
        channels: ['anaconda', 'conda-forge'],
      },
    },
    docker: {
      enabled: false,
      baseImage: DEFAULT_BASE_IMAGE,
      baseDockerfile: null,
      buildContext: null,
      sharedVolumes: true,
      shmSize: '2g',
      arguments: [],
      baseImageRegistry: { address: null, username: null, password: null, registryIdentity: null },
      platform: { os: 'Linux', architecture: 'amd64' },
    },
    spark: { repositories: [], packages: [], precachePackages: true },
    databricks: { mavenLibraries: [], pypiLibraries: [], rcranLibraries: [], jarLibraries: [], eggLibraries: [] },
    r: null,
    inferencingStackVersion: null,
  });
}
