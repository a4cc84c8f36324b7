import { BenchtopError } from '../errors';

/** Azure ML's asset name rule. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
/** Prefixes kept for curated environments (Azure reserves AzureML and Microsoft). */
export const RESERVED_PREFIXES = ['AzureML', 'Microsoft', 'Benchtop'] as const;

export function assertValidName(name: string, kind = 'environment'): void {
  if (!NAME_PATTERN.test(name)) {
    throw new BenchtopError(
      'INVALID_NAME',
      `"${name}" is not a valid ${kind} name.`,
      'Use 1-255 characters: letters, digits, ".", "_" or "-", starting with a letter or digit.',
    );
  }
}

export function assertNotReserved(name: string): void {
  const prefix = RESERVED_PREFIXES.find((p) => name.toLowerCase().startsWith(p.toLowerCase()));
  if (prefix) {
    throw new BenchtopError(
      'RESERVED_NAME',
      `Environment names starting with "${prefix}" are reserved for curated environments.`,
      `Pick another name, e.g. "my-${name.slice(prefix.length).replace(/^[-_.]+/, '') || 'env'}". To start from a curated environment, clone it.`,
    );
  }
}

/** Parses NAME or NAME:VERSION (the CLI's and the Run API's environment reference). */
export function parseNameVersion(ref: string): { name: string; version?: string } {
  const idx = ref.lastIndexOf(':');
  if (idx <= 0) return { name: ref };
  const version = ref.slice(idx + 1);
  if (!/^\d+$/.test(version)) {
    throw new BenchtopError(
      'BAD_INPUT',
      `"${ref}": the version after ":" must be a number.`,
      'Write NAME or NAME:VERSION, e.g. my-env:2.',
    );
  }
  return { name: ref.slice(0, idx), version };
}
