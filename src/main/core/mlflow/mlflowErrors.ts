/**
 * MLflow's error answers, as mlflow/server/handlers.py makes them: `{"error_code", "message"}` with the
 * HTTP status MLflow maps each code to (mlflow/protos/databricks.proto, ERROR_CODE_TO_HTTP_STATUS).
 */
export type MlflowErrorCode =
  | 'ENDPOINT_NOT_FOUND'
  | 'INVALID_PARAMETER_VALUE'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'INVALID_STATE'
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'INTERNAL_ERROR';

const STATUS: Record<MlflowErrorCode, number> = {
  ENDPOINT_NOT_FOUND: 404,
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_STATE: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  INTERNAL_ERROR: 500,
};

/** Thrown by handlers; the router turns it into MLflow's error JSON. */
export class MlflowError extends Error {
  constructor(
    readonly errorCode: MlflowErrorCode,
    message: string,
    /** An HTTP status other than the code's usual one (413 for a body over the limit). */
    private readonly statusOverride?: number,
  ) {
    super(message);
    this.name = 'MlflowError';
  }

  get status(): number {
    return this.statusOverride ?? STATUS[this.errorCode];
  }

  toJSON(): { error_code: MlflowErrorCode; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

export function invalidParameter(message: string): MlflowError {
  return new MlflowError('INVALID_PARAMETER_VALUE', message);
}

export function doesNotExist(message: string): MlflowError {
  return new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
}

/**
 * A short, safe rendering of a value a client sent, for messages: never JSON.stringify of the whole thing (a
 * deeply nested value would overflow the stack; a huge one would make the message huge).
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}
