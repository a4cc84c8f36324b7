import { type ApiError, BenchtopError, isInputError, toApiError } from '../../shared/errors';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An operation that ran and failed (a build failed): exit 1, with the error already printed or to print. */
export class OperationFailed extends Error {
  /** `print: false` when the error is already on screen (e.g. in a JSON result); it still sets the exit code. */
  constructor(
    readonly error: ApiError | null,
    readonly print = true,
  ) {
    super(error?.message ?? 'failed');
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints `error:` / `hint:` (or the JSON form) and returns the exit code for it. */
export function reportError(err: unknown, json: boolean): number {
  if (err instanceof OperationFailed) {
    if (err.error && err.print) writeError(err.error, json);
    return err.error && isInputError(err.error.code) ? EXIT_USAGE : EXIT_FAILED;
  }
  const data = toApiError(err);
  writeError(data, json);
  if (err instanceof BenchtopError || data.code !== 'INTERNAL')
    return isInputError(data.code) ? EXIT_USAGE : EXIT_FAILED;
  return EXIT_FAILED;
}

function writeError(error: ApiError, json: boolean): void {
  if (json) {
    printJson({ error: { code: error.code, message: error.message, hint: error.hint ?? null } });
    return;
  }
  process.stderr.write(`error: ${error.message}\n`);
  if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
}

/** A plain text table: columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
