import http from 'node:http';
import type { ScoreResult, ScoringRoute, ServiceRecord } from '../../../shared/api/serviceTypes';
import { BenchtopError } from '../../../shared/errors';

/** POSTs a body to a running service's /score or /invocations (the test console and `service run`). */
export function scoreService(
  service: ServiceRecord,
  body: string,
  headers: Record<string, string>,
  route: ScoringRoute,
): Promise<ScoreResult> {
  const name = service.name;
  if (service.state !== 'running')
    throw new BenchtopError(
      'BAD_INPUT',
      `${name} is ${service.state}.`,
      service.state === 'failed' ? `See why: benchtop service logs ${name}` : 'Wait until it is running.',
    );
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: service.port,
        path: route,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({
            status: res.statusCode ?? 0,
            headers: out,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: Math.round((performance.now() - started) * 1000) / 1000,
          });
        });
      },
    );
    req.on('error', (err) =>
      reject(
        new BenchtopError(
          'INTERNAL',
          `Could not reach ${name} on port ${service.port}: ${err.message}`,
          `See its log: benchtop service logs ${name}`,
        ),
      ),
    );
    req.end(body);
  });
}
