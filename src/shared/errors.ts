/**
 * Errors cross every boundary (IPC, WebSocket, CLI) as plain data so the UI
 * and the CLI can show what went wrong *and* how to fix it.
 */
export const ERROR_CODES = [
  'BAD_INPUT',
  'PARSE_ERROR',
  'INVALID_NAME',
  'RESERVED_NAME',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'READ_ONLY',
  'NO_INTERPRETER',
  'NO_CONDA',
  'PACKAGE_UNAVAILABLE',
  'BUILD_FAILED',
  'CANCELED',
  'DISK_FULL',
  'CHECKSUM_MISMATCH',
  'IN_USE',
  'UNSUPPORTED',
  'ENGINE_UNAVAILABLE',
  'IMAGE_MISSING',
  'UNAUTHORIZED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
  hint?: string;
  /** Where in a file the problem is (1-based), for inline editor errors. */
  location?: { file?: string; line?: number; column?: number };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Codes of operations that ran and failed (CLI exit 1); every other code is bad input (exit 2). */
const FAILURE_CODES: ReadonlySet<ErrorCode> = new Set([
  'PACKAGE_UNAVAILABLE',
  'BUILD_FAILED',
  'CANCELED',
  'DISK_FULL',
  'CHECKSUM_MISMATCH',
  'ENGINE_UNAVAILABLE',
  'INTERNAL',
]);

export class BenchtopError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly location?: ApiError['location'];

  constructor(code: ErrorCode, message: string, hint?: string, location?: ApiError['location']) {
    super(message);
    this.name = 'BenchtopError';
    this.code = code;
    this.hint = hint;
    this.location = location;
  }

  static from(data: ApiError): BenchtopError {
    return new BenchtopError(data.code, data.message, data.hint, data.location);
  }

  toData(): ApiError {
    const data: ApiError = { code: this.code, message: this.message };
    if (this.hint) data.hint = this.hint;
    if (this.location) data.location = this.location;
    return data;
  }
}

export function isInputError(code: ErrorCode): boolean {
  return !FAILURE_CODES.has(code);
}

/** Turns anything thrown into transportable error data; unknown errors become INTERNAL. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof BenchtopError) return err.toData();
  const message = err instanceof Error ? err.message : String(err);
  return {
    code: 'INTERNAL',
    message,
    hint: 'This is a bug in Benchtop. The details are in the log; please report it.',
  };
}
