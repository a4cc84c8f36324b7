import { stripAnsi } from '../../../shared/ansi';
import { BenchtopError } from '../../../shared/errors';
import { missingFromPipOutput } from '../builds/pipOutput';

/** pip's words when the package index cannot be reached (no network, a proxy, DNS). */
const UNREACHABLE =
  /NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution|Network is unreachable|Name or service not known|ProxyError|ConnectTimeoutError|Max retries exceeded/;

/** A tool's `pip install` failed: what is missing, and how to supply it (a wheel in the workspace). */
export function pipFailure(log: string, requirements: string[], offline: boolean, code: number): BenchtopError {
  const plain = stripAnsi(log);
  const missing = missingFromPipOutput(plain);
  const unreachable = UNREACHABLE.test(plain);
  if (missing.length > 0 || unreachable) {
    const what = missing.length > 0 ? missing.join(', ') : requirements.join(', ');
    const where = offline
      ? 'offline (only the workspace wheels are used)'
      : unreachable
        ? 'the package index cannot be reached and the workspace wheels do not have it'
        : 'neither on the package index nor among the workspace wheels';
    return new BenchtopError(
      'PACKAGE_UNAVAILABLE',
      `Benchtop's tool environment needs ${what}: not available, ${where}.`,
      `On a machine with network access run \`pip download ${requirements.join(' ')} -d wheels/\`, then ` +
        '`benchtop wheel add wheels/FILE.whl` for each file (its dependencies too)' +
        (offline ? ', or turn offline mode off.' : ', or connect to the package index and try again.'),
    );
  }
  return new BenchtopError(
    'BUILD_FAILED',
    `pip install failed (exit code ${code}) while building a tool environment.`,
    'The log above shows pip’s own error.',
  );
}
