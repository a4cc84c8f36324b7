import { type Rng, jsonValue } from './fuzzGrammar';

/**
 * Generators for fuzzing Benchtop's MLflow tracking endpoint: the REST calls the official client
 * makes (mlflow/protos/service.proto's paths, mlflow-artifacts), with the token as MLflow's clients
 * send it (first path segment or bearer) or wrong, and bodies the handlers must refuse cleanly:
 * wrong types, huge and non-finite numbers, deep nesting, bad UTF-8, prototype keys, and artifact
 * paths that try to leave the run's folder. Seeded (see fuzzGrammar.ts's rng).
 */

export interface MlflowTarget {
  port: number;
  token: string;
  /** A real experiment and run made before fuzzing, so calls reach past "does not exist". */
  experimentId: string;
  runId: string;
}

/** A name no file outside the workspace may ever get: the test looks for it afterwards. */
export const ESCAPE_CANARY = 'bt-mlflow-escape-canary';

const API = '/api/2.0/mlflow';
const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';

const ENDPOINTS: { method: string; path: string }[] = [
  { method: 'POST', path: `${API}/experiments/create` },
  { method: 'GET', path: `${API}/experiments/get` },
  { method: 'GET', path: `${API}/experiments/get-by-name` },
  { method: 'POST', path: `${API}/experiments/search` },
  { method: 'GET', path: `${API}/experiments/search` },
  { method: 'POST', path: `${API}/experiments/update` },
  { method: 'POST', path: `${API}/experiments/set-experiment-tag` },
  { method: 'POST', path: `${API}/runs/create` },
  { method: 'POST', path: `${API}/runs/update` },
  { method: 'GET', path: `${API}/runs/get` },
  { method: 'POST', path: `${API}/runs/search` },
  { method: 'POST', path: `${API}/runs/log-metric` },
  { method: 'POST', path: `${API}/runs/log-parameter` },
  { method: 'POST', path: `${API}/runs/log-batch` },
  { method: 'POST', path: `${API}/runs/set-tag` },
  { method: 'POST', path: `${API}/runs/delete-tag` },
  { method: 'POST', path: `${API}/runs/log-inputs` },
  { method: 'POST', path: `${API}/runs/log-model` },
  { method: 'POST', path: `${API}/runs/delete` },
  { method: 'GET', path: `${API}/metrics/get-history` },
  { method: 'GET', path: `${API}/artifacts/list` },
  { method: 'POST', path: `${API}/logged-models` },
  { method: 'GET', path: `${API}/registered-models/search` },
  { method: 'POST', path: `${API}/registered-models/create` },
  { method: 'DELETE', path: `${API}/registered-models/alias` },
  { method: 'POST', path: `${API}/model-versions/create` },
  { method: 'GET', path: `${API}/model-versions/get-download-uri` },
  { method: 'GET', path: `${API}/model-versions/search` },
  { method: 'POST', path: `/api/3.0/mlflow/runs/search` },
  { method: 'GET', path: `/health` },
  { method: 'GET', path: `/version` },
];

const TRAVERSALS = [
  '../../../../../../tmp',
  '..%2f..%2f..%2f..%2ftmp',
  '%2e%2e/%2e%2e/%2e%2e/%2e%2e/tmp',
  '....//....//....//tmp',
  '/tmp',
  '//tmp',
  '..\\..\\..\\..\\tmp',
  'a/../../../../../../tmp',
  '%252e%252e/%252e%252e/tmp',
  'outputs/%00/../../..',
];

/**
 * An artifact path as mlflow-artifacts names them (runs/<run id>/<path>, where the run's artifact_uri points),
 * plain or trying to climb out of the run's folder to a canary file.
 */
export function artifactPath(r: Rng, target: MlflowTarget): string {
  const root = r.pick([
    `runs/${target.runId}/`,
    `runs/${target.runId}/`,
    `runs/${target.runId}/`,
    'runs/nope/',
    'models/x/',
    'registry/iris/1/',
    'registry/../1/',
    '',
  ]);
  if (r.chance(0.4))
    return root + r.pick(['model/MLmodel', 'outputs/x.txt', 'a/b/c.json', '', '.', 'x%20y', '\u00e9t\u00e9']);
  return `${root}${r.pick(TRAVERSALS)}/${ESCAPE_CANARY}-${r.int(1000)}`;
}

/** A value of the wrong kind, or an extreme one of the right kind. */
function oddValue(r: Rng): unknown {
  return r.pick([
    () => jsonValue(r),
    () => r.pick([1e308, -1e308, 2 ** 63, -(2 ** 63), 5e-324, 0, -0]),
    () => r.pick(['NaN', 'Infinity', '-Infinity', 'nan', '1e999', '0x10', '', ' 1']),
    () => r.pick([[], {}, null, true, [1, 2], { value: 1 }]),
    () => 'x'.repeat(r.pick([251, 501, 6_001, 100_000, 1_000_000])),
    () => r.text(r.int(40), 'abc\u0000\u0001\n\t"\\/\u2028\ud800'),
  ])();
}

function field(r: Rng, good: () => unknown): unknown {
  return r.chance(0.55) ? good() : oddValue(r);
}

/** A body for a call, mostly shaped like the real client's, with some fields wrong or extreme. */
function bodyFor(r: Rng, path: string, target: MlflowTarget): Record<string, unknown> {
  const runId = () => r.pick([target.runId, target.runId, 'nope', '../x', target.runId + '/..', ''] as const);
  const metric = () => ({
    key: field(r, () => r.pick(['loss', 'acc', 'a/b', 'x'.repeat(300), '../k', ''])),
    value: field(r, () => r.pick([0.5, 1e308, -1, 3])),
    timestamp: field(r, () => Date.now()),
    step: field(r, () => r.int(10)),
  });
  const param = () => ({ key: field(r, () => r.pick(['lr', 'depth', '../p'])), value: field(r, () => '0.1') });
  const tag = () => ({
    key: field(r, () => r.pick(['mlflow.runName', 'mlflow.parentRunId', 'team', 'mlflow.user'])),
    value: field(r, () => r.pick(['x', target.runId, 'nope'])),
  });
  const list = <T>(make: () => T) =>
    r.chance(0.1) ? oddValue(r) : Array.from({ length: r.pick([0, 1, 3, 1001]) }, make);
  const base: Record<string, unknown> = {
    run_id: field(r, runId),
    run_uuid: field(r, runId),
    experiment_id: field(r, () => r.pick([target.experimentId, '0', '999999', '-1', 'x'])),
  };
  if (path.endsWith('log-metric')) Object.assign(base, metric());
  else if (path.endsWith('log-parameter') || path.endsWith('set-tag') || path.endsWith('delete-tag'))
    Object.assign(base, param());
  else if (path.endsWith('log-batch'))
    Object.assign(base, { metrics: list(metric), params: list(param), tags: list(tag) });
  else if (path.endsWith('runs/create'))
    Object.assign(base, { start_time: field(r, () => Date.now()), tags: list(tag), run_name: field(r, () => 'r') });
  else if (path.endsWith('runs/update'))
    Object.assign(base, {
      status: field(r, () => r.pick(['RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'SCHEDULED', 'BOGUS'])),
      end_time: field(r, () => Date.now()),
    });
  else if (path.endsWith('search'))
    Object.assign(base, {
      experiment_ids: field(r, () => [target.experimentId]),
      filter: field(r, () =>
        r.pick([
          "metrics.loss < 1 and params.lr = '0.1'",
          "tags.`mlflow.runName` LIKE '%x%'",
          'attributes.status = ',
          "name = 'Default'",
          'metrics.loss < 1 and and',
          '('.repeat(2_000),
        ]),
      ),
      max_results: field(r, () => r.pick([1, 1000, 50001, 0, -1])),
      order_by: field(r, () => [r.pick(['metrics.loss DESC', 'attributes.start_time', 'x y z'])]),
      page_token: field(r, () => r.pick(['', 'abc', 'eyJvZmZzZXQiOiAtMX0=', '%%%'])),
    });
  else if (path.includes('/registered-models/') || path.includes('/model-versions/'))
    Object.assign(base, {
      name: field(r, () => r.pick(['iris', `fuzz-${r.text(6)}`, '../x', 'a'.repeat(300), ''])),
      version: field(r, () => r.pick(['1', '0', '-1', 'latest', '99999999999'])),
      alias: field(r, () => r.pick(['champion', 'latest', 'v1', '../a'])),
      source: field(r, () =>
        r.pick([
          `runs:/${target.runId}/model`,
          `runs:/${target.runId}/../../../../tmp`,
          `mlflow-artifacts:/runs/${target.runId}/..`,
          'models:/m-00',
          '/etc',
          'file:///etc',
        ]),
      ),
    });
  else if (path.endsWith('experiments/create'))
    Object.assign(base, {
      name: field(r, () => `fuzz-${r.text(6)}`),
      artifact_location: field(r, () => r.pick(['', `file:///tmp/${ESCAPE_CANARY}`, '../../x', 's3://b/x'])),
    });
  else if (path.endsWith('log-inputs'))
    Object.assign(base, {
      datasets: list(() => ({
        dataset: field(r, () => ({ name: 'd', digest: 'x', source_type: 'local', source: '{}' })),
      })),
    });
  else if (path.endsWith('log-model'))
    Object.assign(base, { model_json: field(r, () => JSON.stringify(jsonValue(r))) });
  for (let i = r.int(3); i > 0; i--) base[r.pick(['__proto__', 'constructor', 'prototype', r.text(4)])] = oddValue(r);
  return base;
}

function query(r: Rng, target: MlflowTarget): string {
  const pairs = [
    ['run_id', r.pick([target.runId, 'nope', '', '%zz', '../..'])],
    ['experiment_id', r.pick([target.experimentId, '0', '%', '99999999999999999999999'])],
    ['experiment_name', r.pick(['Default', '', '%E0%A4%A', 'x'.repeat(3_000)])],
    ['metric_key', r.pick(['loss', '', '%00'])],
    ['path', encodeURIComponent(artifactPath(r, target))],
    ['max_results', r.pick(['1', '-1', 'x', '1e99'])],
    ['page_token', r.pick(['', 'x', '%%'])],
  ];
  return pairs
    .filter(() => r.chance(0.5))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** The token as the client sends it, or not quite: prefix, bearer, none, wrong. */
function credentials(r: Rng, target: MlflowTarget): { prefix: string; headers: string[]; authorized: boolean } {
  const roll = r.next();
  if (roll < 0.45) return { prefix: `/${target.token}`, headers: [], authorized: true };
  if (roll < 0.8) return { prefix: '', headers: [`Authorization: Bearer ${target.token}`], authorized: true };
  return {
    prefix: r.pick(['', `/${target.token}x`, '/x', `/${target.token.slice(1)}`, '/%00']),
    headers: r.pick([[], ['Authorization: Bearer nope'], ['Authorization: Basic Zm9vOmJhcg=='], ['Authorization: ']]),
    authorized: false,
  };
}

export interface MlflowFuzzRequest {
  bytes: Buffer;
  kind: string;
  /** The request carries the right token (a 401 to it is a failure, unless the body is what is wrong). */
  authorized: boolean;
}

function frame(method: string, target: string, port: number, headers: string[], body: Buffer): Buffer {
  const head = [
    `${method} ${target} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    ...headers,
    ...(body.length || method === 'POST' || method === 'PUT' ? [`Content-Length: ${body.length}`] : []),
    'Connection: close',
  ];
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** One well-framed HTTP request of the grammar (the HTTP layer itself is fuzzed by fuzzGrammar.ts). */
export function mlflowRequest(r: Rng, target: MlflowTarget): MlflowFuzzRequest {
  const auth = credentials(r, target);
  const roll = r.next();
  if (roll < 0.2) {
    // mlflow-artifacts: upload, download, list, with paths that try to climb out.
    const method = r.pick(['PUT', 'GET', 'GET', 'DELETE']);
    const path = artifactPath(r, target);
    const url = r.chance(0.7)
      ? `${auth.prefix}${ARTIFACTS}/${r.chance(0.5) ? path : encodeURI(path)}`
      : `${auth.prefix}${ARTIFACTS}?path=${encodeURIComponent(path)}`;
    const body = method === 'PUT' ? Buffer.from(`escaped ${r.text(8)}\n`) : Buffer.alloc(0);
    return { bytes: frame(method, url, target.port, auth.headers, body), kind: `artifacts-${method}`, ...auth };
  }
  const endpoint = r.pick(ENDPOINTS);
  const method = r.chance(0.9) ? endpoint.method : r.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
  const url = `${auth.prefix}${endpoint.path}${method === 'GET' && r.chance(0.8) ? `?${query(r, target)}` : ''}`;
  let body: Buffer = Buffer.alloc(0);
  let kind = 'call';
  if (method !== 'GET') {
    const shape = r.next();
    if (shape < 0.6) body = Buffer.from(JSON.stringify(bodyFor(r, endpoint.path, target)));
    else if (shape < 0.7) {
      kind = 'deep';
      const depth = r.pick([100, 10_000, 200_000]);
      body = Buffer.from(`{"run_id":${'['.repeat(depth)}${']'.repeat(r.chance(0.5) ? depth : 0)}}`);
    } else if (shape < 0.8) {
      kind = 'bad-utf8';
      body = Buffer.concat([
        Buffer.from('{"run_id":"'),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]),
        Buffer.from('"}'),
      ]);
    } else if (shape < 0.9) {
      kind = 'not-json';
      body = Buffer.from(r.pick(['', 'null', '[]', '"x"', '{', '{"a":1e99999}', '1'.repeat(5000), '{"a":-}']));
    } else {
      kind = 'random-json';
      body = Buffer.from(JSON.stringify(jsonValue(r)));
    }
  }
  const headers = [...auth.headers];
  if (body.length && r.chance(0.8))
    headers.push(
      `Content-Type: ${r.pick(['application/json', 'application/json; charset=utf-8', 'text/plain', 'x/y'])}`,
    );
  return { bytes: frame(method, url, target.port, headers, body), kind, ...auth };
}
