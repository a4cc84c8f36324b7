import type { Backend, EnvironmentDefinition } from './definition';

/** JSON with object keys sorted at every level: equal content, equal text. */
export function stableStringify(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/**
 * Normalises one package spec so cosmetic differences don't change the key:
 * surrounding and operator white space, and the case of the package name.
 * Order is kept on purpose (Azure: order changes the hash).
 */
export function canonicalPackage(spec: string): string {
  const trimmed = spec.trim().replace(/\s+/g, ' ');
  if (trimmed.startsWith('-')) return trimmed; // pip options such as --extra-index-url
  const compact = trimmed.replace(/\s*(===|==|>=|<=|~=|!=|=|<|>|,|;)\s*/g, '$1');
  const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(compact);
  if (!name) return compact;
  return name[0].toLowerCase() + compact.slice(name[0].length);
}

/**
 * The build-relevant content of a definition: the python section (conda and
 * pip dependencies in order, user-managed interpreter), the docker section and
 * the backend. Name, version and environment variables are deliberately out.
 */
export function buildRelevantContent(def: EnvironmentDefinition, backend: Backend): unknown {
  const conda = def.python.condaDependencies;
  const userManaged = def.python.userManagedDependencies;
  return {
    schema: 1,
    backend,
    python: userManaged
      ? { userManagedDependencies: true, interpreterPath: def.python.interpreterPath.trim() }
      : {
          userManagedDependencies: false,
          channels: (conda?.channels ?? []).map((c) => c.trim()),
          dependencies: (conda?.dependencies ?? []).map((d) =>
            typeof d === 'string'
              ? canonicalPackage(d)
              : { pip: d.pip.map(canonicalPackage).filter((p) => p.length > 0) },
          ),
        },
    docker: {
      baseImage: def.docker.baseImage?.trim() || null,
      baseDockerfile: def.docker.baseDockerfile ? def.docker.baseDockerfile.replace(/\r\n/g, '\n').trimEnd() : null,
      arguments: def.docker.arguments,
    },
  };
}

/** The part of a definition that makes a registration a new version (all but name and version). */
export function registrationContent(def: EnvironmentDefinition): string {
  const { name: _name, version: _version, ...rest } = def;
  return stableStringify(rest);
}
