import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../src/main/core/mlflow/mlflowErrors';
import {
  type Clause,
  matchesAll,
  pageOffset,
  pageToken,
  parseOrderBy,
  parseSearchFilter,
  sortBy,
} from '../../src/main/core/mlflow/searchFilter';

/** The error a bad filter gives: MLflow's code, and a message naming the part. */
function refusal(filter: string): { code: string; message: string } {
  try {
    parseSearchFilter(filter);
  } catch (err) {
    expect(err).toBeInstanceOf(MlflowError);
    return { code: (err as MlflowError).errorCode, message: (err as MlflowError).message };
  }
  throw new Error(`${filter} was accepted`);
}

interface Fake {
  id: string;
  start: number;
  metrics: Record<string, number>;
  params: Record<string, string>;
  tags: Record<string, string>;
  status: string;
  name: string;
}

const runs: Fake[] = [
  {
    id: 'a',
    start: 3,
    metrics: { acc: 0.9 },
    params: { lr: '0.1' },
    tags: { t: 'x' },
    status: 'FINISHED',
    name: 'alpha',
  },
  { id: 'b', start: 2, metrics: { acc: 0.5 }, params: { lr: '0.2' }, tags: {}, status: 'FAILED', name: 'Beta' },
  { id: 'c', start: 1, metrics: {}, params: {}, tags: { t: 'y' }, status: 'RUNNING', name: 'gamma_1' },
];

const valueOf = (r: Fake, type: Clause['type'], key: string) => {
  if (type === 'metric') return r.metrics[key];
  if (type === 'parameter') return r.params[key];
  if (type === 'tag') return r.tags[key];
  return ({ status: r.status, run_name: r.name, start_time: r.start, run_id: r.id } as Record<string, string | number>)[
    key
  ];
};
const search = (filter: string) =>
  runs.filter((r) => matchesAll(r, parseSearchFilter(filter), valueOf)).map((r) => r.id);

describe('MLflow search filters', () => {
  it('parses the entity aliases, quoted keys and every comparator', () => {
    expect(
      parseSearchFilter(
        "metrics.acc >= 0.5 AND params.lr = '0.1' AND tags.\"mlflow.runName\" LIKE 'a%' AND attributes.status != 'FAILED'",
      ),
    ).toEqual([
      { type: 'metric', key: 'acc', comparator: '>=', value: 0.5 },
      { type: 'parameter', key: 'lr', comparator: '=', value: '0.1' },
      { type: 'tag', key: 'mlflow.runName', comparator: 'LIKE', value: 'a%' },
      { type: 'attribute', key: 'status', comparator: '!=', value: 'FAILED' },
    ]);
    expect(parseSearchFilter('metric.`my metric` < -1e3 and run.start_time > 5')).toEqual([
      { type: 'metric', key: 'my metric', comparator: '<', value: -1000 },
      { type: 'attribute', key: 'start_time', comparator: '>', value: 5 },
    ]);
    expect(parseSearchFilter("attributes.run_id IN ('a', 'b') AND tags.t IS NOT NULL")).toEqual([
      { type: 'attribute', key: 'run_id', comparator: 'IN', value: ['a', 'b'] },
      { type: 'tag', key: 't', comparator: 'IS NOT NULL', value: null },
    ]);
    expect(parseSearchFilter(`attributes.\`Run Name\` = 'x'`)[0]?.key).toBe('run_name');
    expect(parseSearchFilter('')).toEqual([]);
  });

  it('matches as MLflow does: missing values never match, LIKE is anchored, ILIKE ignores case', () => {
    expect(search('metrics.acc > 0.6')).toEqual(['a']);
    expect(search('metrics.acc != 0.9')).toEqual(['b']); // c has no acc: no match
    expect(search("params.lr = '0.2'")).toEqual(['b']);
    expect(search("attributes.run_name LIKE 'gamma\\_%'")).toEqual([]); // no escapes in MLflow's LIKE
    expect(search("attributes.run_name LIKE 'gamma_%'")).toEqual(['c']);
    expect(search("attributes.run_name ILIKE 'beta'")).toEqual(['b']);
    expect(search("attributes.run_name LIKE 'beta'")).toEqual([]);
    expect(search('tags.t IS NULL')).toEqual(['b']);
    expect(search("attributes.status = 'RUNNING' AND tags.t = 'y'")).toEqual(['c']);
    expect(search("attributes.run_id NOT IN ('a')")).toEqual(['b', 'c']);
  });

  it('refuses what is outside the grammar with INVALID_PARAMETER_VALUE naming the part', () => {
    expect(refusal("metrics.acc > 1 OR params.lr = '1'")).toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining("'OR'"),
    });
    expect(refusal("metrics.acc = 'high'").message).toContain("numeric value for metric 'acc'");
    expect(refusal('params.lr = 1').message).toContain('quoted string');
    expect(refusal("metrics.acc LIKE '1'").message).toContain("comparator 'LIKE'");
    expect(refusal("attributes.colour = 'red'").message).toContain("attribute key 'colour'");
    expect(refusal("things.x = 'y'").message).toContain("entity type 'things'");
    expect(refusal("params.lr = 'open").message).toContain('unclosed');
    expect(refusal('metrics.acc IS NULL').message).toContain('only supported for tags and params');
    expect(refusal("attributes.status IN ('a')").message).toContain('run_id');
    expect(refusal('metrics.acc >').message).toContain('numeric value');
  });

  it('orders as SearchUtils.sort: start time descending by default, missing values last either way', () => {
    const natural = (x: Fake, y: Fake) => y.start - x.start || (x.id < y.id ? -1 : 1);
    const order = (...clauses: string[]) =>
      sortBy(
        runs,
        clauses.map((c) => parseOrderBy(c)),
        valueOf,
        natural,
      ).map((r) => r.id);
    expect(order()).toEqual(['a', 'b', 'c']);
    expect(order('metrics.acc')).toEqual(['b', 'a', 'c']);
    expect(order('metrics.acc DESC')).toEqual(['a', 'b', 'c']);
    expect(order('params.lr DESC')).toEqual(['b', 'a', 'c']);
    expect(order('attributes.start_time ASC')).toEqual(['c', 'b', 'a']);
    expect(() => parseOrderBy('metrics.acc SIDEWAYS')).toThrow(MlflowError);
  });

  it("pages with MLflow's base64 {offset} tokens and refuses a forged one", () => {
    expect(pageOffset(pageToken(25))).toBe(25);
    expect(pageOffset(undefined)).toBe(0);
    expect(() => pageOffset('not-a-token')).toThrow(/Invalid page token/);
  });
});
