import type { ApiError } from '../../../shared/errors';

/** The form field a registry error is about, so it shows beside that field. */
export type RegisterField = 'name' | 'paths' | 'tabular' | 'form';

/**
 * Which field an error from datasets.register belongs to: name rules and "already registered"
 * go by the name, a missing path or an empty glob by the paths (their message quotes the path),
 * a table that does not parse by the format options; anything else under the form.
 */
export function fieldOf(error: ApiError, paths: string[]): RegisterField {
  if (error.code === 'INVALID_NAME' || error.code === 'ALREADY_EXISTS' || error.code === 'RESERVED_NAME') return 'name';
  if (error.code === 'PARSE_ERROR') return 'tabular';
  if (error.code === 'NOT_FOUND' || paths.some((p) => error.message.includes(p))) return 'paths';
  return 'form';
}
