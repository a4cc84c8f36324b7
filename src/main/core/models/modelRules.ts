import { MODEL_FRAMEWORKS, MODEL_NAME_PATTERN } from '../../../shared/api/modelTypes';
import { BenchtopError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';

export function checkModelName(name: string): string {
  if (!MODEL_NAME_PATTERN.test(name)) {
    throw new BenchtopError(
      'INVALID_NAME',
      `"${name}" is not a valid model name.`,
      'Use 1 to 255 letters, digits, ".", "_" or "-", starting with a letter or a digit (e.g. sklearn-iris).',
    );
  }
  return name;
}

/** Azure ML's rule: a framework version needs a framework. Known names are matched case-insensitively. */
export function checkFramework(
  framework: string | undefined,
  frameworkVersion: string | undefined,
): { framework: string; frameworkVersion: string | null } {
  const version = frameworkVersion?.trim() || null;
  const given = framework?.trim();
  if (!given) {
    if (version)
      throw new BenchtopError(
        'BAD_INPUT',
        `A framework version (${version}) was given without a framework.`,
        `Add the framework too, e.g. --framework ScikitLearn --framework-version ${version}.`,
      );
    return { framework: 'Custom', frameworkVersion: null };
  }
  const known = MODEL_FRAMEWORKS.find((f) => f.toLowerCase() === given.toLowerCase());
  if (!known)
    throw new BenchtopError(
      'BAD_INPUT',
      `Unknown framework "${given}".`,
      `Use one of: ${MODEL_FRAMEWORKS.join(', ')}.`,
    );
  return { framework: known, frameworkVersion: version };
}

/** "k=v" pairs from the command line. */
export function parsePairs(pairs: string[] | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0)
      throw new BenchtopError(
        'BAD_INPUT',
        `"${pair}" is not a ${what} (KEY=VALUE).`,
        `Write the ${what} as key=value, e.g. --${what} stage=candidate.`,
      );
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

/** ENOSPC becomes a message that says what stopped, that nothing was kept, and what to free. */
export function diskFullError(err: unknown, what: string, where: string, needed: number): unknown {
  if ((err as NodeJS.ErrnoException)?.code !== 'ENOSPC') return err;
  return new BenchtopError(
    'DISK_FULL',
    `The disk is full: ${what} stopped and nothing was kept.`,
    `Free at least ${formatBytes(needed)} on the disk holding ${where}, then try again.`,
  );
}
