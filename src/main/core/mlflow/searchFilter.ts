import { invalidParameter } from './mlflowErrors';

/**
 * MLflow's search grammar for runs (mlflow.utils.search_utils.SearchUtils): comparisons joined by AND,
 * `metrics.x > 0.5`, `params.lr = '0.1'`, `tags."mlflow.runName" LIKE 'a%'`, `attributes.status = 'FINISHED'`.
 * MLflow parses it with sqlparse, which Node has no maintained equal of; the grammar is small enough to tokenize
 * here, and a differential test holds it to MLflow's own SearchUtils.
 */

export type EntityType = 'metric' | 'parameter' | 'tag' | 'attribute';

export interface Clause {
  type: EntityType;
  key: string;
  comparator: string;
  /** A number for metrics and numeric attributes, a string otherwise, a list for IN, null for IS [NOT] NULL. */
  value: number | string | string[] | null;
}

/** Which attribute keys a search accepts, and which of them are numbers. */
export interface AttributeKeys {
  strings: ReadonlySet<string>;
  numbers: ReadonlySet<string>;
}

export const RUN_ATTRIBUTES: AttributeKeys = {
  strings: new Set(['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'lifecycle_stage']),
  numbers: new Set(['start_time', 'end_time']),
};

const ENTITY_ALIASES: Record<string, EntityType> = {
  metric: 'metric',
  metrics: 'metric',
  parameter: 'parameter',
  parameters: 'parameter',
  param: 'parameter',
  params: 'parameter',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
};

const KEY_ALIASES: Record<string, string> = {
  created: 'start_time',
  Created: 'start_time',
  'run name': 'run_name',
  'Run name': 'run_name',
  'Run Name': 'run_name',
};

const METRIC_COMPARATORS = new Set(['>', '>=', '!=', '=', '<', '<=']);
const STRING_COMPARATORS = new Set(['!=', '=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL']);
const STRING_ATTRIBUTE_COMPARATORS = new Set(['!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN']);

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'quoted'; text: string; quote: string }
  | { kind: 'number'; text: string }
  | { kind: 'op'; text: string }
  | { kind: 'list'; values: string[] };

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (what: string) => invalidParameter(`Invalid filter '${filter}': ${what} at character ${i + 1}.`);
  const readQuoted = (): { text: string; quote: string } => {
    const quote = filter[i] as string;
    let text = '';
    for (i++; i < filter.length; i++) {
      if (filter[i] === quote) {
        if (filter[i + 1] === quote && quote !== '`') {
          text += quote; // SQL doubles a quote to escape it
          i++;
          continue;
        }
        i++;
        return { text, quote };
      }
      text += filter[i];
    }
    throw fail(`unclosed ${quote}`);
  };
  while (i < filter.length) {
    const c = filter[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"' || c === '`') {
      tokens.push({ kind: 'quoted', ...readQuoted() });
    } else if (/[<>=!]/.test(c)) {
      const two = filter.slice(i, i + 2);
      const op = ['>=', '<=', '!=', '<>'].includes(two) ? two : c;
      if (op === '!') throw fail("'!' without '='");
      tokens.push({ kind: 'op', text: op === '<>' ? '!=' : op });
      i += op.length;
    } else if (c === '(') {
      const values: string[] = [];
      i++;
      for (;;) {
        while (/\s/.test(filter[i] ?? '')) i++;
        if (filter[i] !== "'" && filter[i] !== '"') throw fail('a list holds only quoted strings');
        values.push(readQuoted().text);
        while (/\s/.test(filter[i] ?? '')) i++;
        if (filter[i] === ',') i++;
        else if (filter[i] === ')') break;
        else throw fail("expected ',' or ')' in a list");
      }
      i++;
      tokens.push({ kind: 'list', values });
    } else if (/[-+0-9.]/.test(c) && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.test(filter.slice(i))) {
      const text = (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(filter.slice(i)) as RegExpExecArray)[0];
      tokens.push({ kind: 'number', text });
      i += text.length;
    } else if (/[A-Za-z_]/.test(c)) {
      // An identifier: entity.key, where the key may itself be quoted (tags."mlflow.runName").
      let text = '';
      while (i < filter.length && /[\w.]/.test(filter[i] as string)) text += filter[i++];
      if (text.endsWith('.') && i < filter.length && /["`']/.test(filter[i] as string)) {
        tokens.push({ kind: 'word', text: text + '\u0000' + readQuoted().text });
      } else tokens.push({ kind: 'word', text });
    } else throw fail(`unexpected ${JSON.stringify(c)}`);
  }
  return tokens;
}

function identifier(token: Token, attributes: AttributeKeys): { type: EntityType; key: string } {
  let entity: string;
  let key: string;
  if (token.kind === 'word') {
    const quotedKey = token.text.indexOf('\u0000');
    if (quotedKey >= 0) {
      entity = token.text.slice(0, quotedKey - 1);
      key = token.text.slice(quotedKey + 1);
    } else {
      const dot = token.text.indexOf('.');
      entity = dot < 0 ? 'attribute' : token.text.slice(0, dot);
      key = dot < 0 ? token.text : token.text.slice(dot + 1);
    }
  } else if (token.kind === 'quoted' && token.quote !== "'") {
    entity = 'attribute';
    key = token.text;
  } else {
    throw invalidParameter(`Invalid clause: expected a column such as metrics.acc, params.lr or tags.name.`);
  }
  const type = ENTITY_ALIASES[entity];
  if (!type)
    throw invalidParameter(
      `Invalid entity type '${entity}'. Valid values are ['metric', 'parameter', 'tag', 'attribute'].`,
    );
  key = KEY_ALIASES[key] ?? key;
  if (type === 'attribute' && !attributes.strings.has(key) && !attributes.numbers.has(key))
    throw invalidParameter(
      `Invalid attribute key '${key}' specified. Valid keys are '${[...attributes.strings, ...attributes.numbers].sort().join("', '")}'.`,
    );
  return { type, key };
}

function comparatorAt(tokens: Token[], at: number): { comparator: string; used: number } | null {
  const word = (n: number) => {
    const t = tokens[at + n];
    return t?.kind === 'word' ? t.text.toUpperCase() : null;
  };
  const t = tokens[at];
  if (t?.kind === 'op') return { comparator: t.text, used: 1 };
  if (word(0) === 'LIKE' || word(0) === 'ILIKE' || word(0) === 'IN') return { comparator: word(0) as string, used: 1 };
  if (word(0) === 'NOT' && word(1) === 'IN') return { comparator: 'NOT IN', used: 2 };
  if (word(0) === 'IS' && word(1) === 'NULL') return { comparator: 'IS NULL', used: 2 };
  if (word(0) === 'IS' && word(1) === 'NOT' && word(2) === 'NULL') return { comparator: 'IS NOT NULL', used: 3 };
  return null;
}

function clauseValue(
  clause: Omit<Clause, 'value'>,
  token: Token | undefined,
  attributes: AttributeKeys,
): Clause['value'] {
  const numeric = clause.type === 'metric' || (clause.type === 'attribute' && attributes.numbers.has(clause.key));
  const allowed =
    clause.type === 'metric' || numeric
      ? METRIC_COMPARATORS
      : clause.type === 'attribute'
        ? STRING_ATTRIBUTE_COMPARATORS
        : STRING_COMPARATORS;
  if (!allowed.has(clause.comparator))
    throw invalidParameter(
      `Invalid comparator '${clause.comparator}' for ${clause.type} '${clause.key}': use one of ${[...allowed].join(', ')}.`,
    );
  if (numeric) {
    if (token?.kind !== 'number')
      throw invalidParameter(`Expected a numeric value for ${clause.type} '${clause.key}'.`);
    return Number(token.text);
  }
  if (clause.comparator === 'IN' || clause.comparator === 'NOT IN') {
    if (clause.key !== 'run_id')
      throw invalidParameter("Only ['run_id'] attributes support comparison with a list of quoted string values.");
    if (token?.kind !== 'list')
      throw invalidParameter(`Expected a list such as ('a', 'b') after ${clause.comparator}.`);
    return token.values;
  }
  if (token?.kind !== 'quoted' || token.quote === '`')
    throw invalidParameter(`Expected a quoted string value for ${clause.type} '${clause.key}' (e.g. 'my-value').`);
  return token.text;
}

/** Parses a filter into its AND-ed clauses; anything outside the grammar is INVALID_PARAMETER_VALUE naming it. */
export function parseSearchFilter(filter: string | undefined, attributes: AttributeKeys = RUN_ATTRIBUTES): Clause[] {
  if (!filter || !filter.trim()) return [];
  const tokens = tokenize(filter);
  const clauses: Clause[] = [];
  let at = 0;
  while (at < tokens.length) {
    if (clauses.length > 0) {
      const and = tokens[at];
      if (and?.kind !== 'word' || and.text.toUpperCase() !== 'AND')
        throw invalidParameter(
          `Invalid clause(s) in filter string: '${describe(and)}'. Join comparisons with AND (OR is not supported).`,
        );
      at++;
    }
    const id = identifier(tokens[at] ?? { kind: 'op', text: 'end of filter' }, attributes);
    const comparator = comparatorAt(tokens, at + 1);
    if (!comparator)
      throw invalidParameter(`Invalid comparison clause after '${describe(tokens[at])}': expected a comparator.`);
    const nullCheck = comparator.comparator === 'IS NULL' || comparator.comparator === 'IS NOT NULL';
    if (nullCheck && id.type !== 'tag' && id.type !== 'parameter')
      throw invalidParameter(
        `IS NULL / IS NOT NULL is only supported for tags and params, not for '${id.type}' '${id.key}'.`,
      );
    const partial = { ...id, comparator: comparator.comparator };
    at += 1 + comparator.used;
    if (nullCheck) clauses.push({ ...partial, value: null });
    else clauses.push({ ...partial, value: clauseValue(partial, tokens[at++], attributes) });
  }
  return clauses;
}

function describe(token: Token | undefined): string {
  if (!token) return 'end of filter';
  if (token.kind === 'list') return `(${token.values.join(', ')})`;
  return token.text.replace('\u0000', '');
}

/** SQL LIKE as MLflow evaluates it: % any run, _ one character, anchored unless the pattern starts/ends with %. */
function like(text: string, pattern: string, ignoreCase: boolean): boolean {
  const body = pattern
    .split('')
    .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  const regex = `${pattern.startsWith('%') ? '' : '^'}${body}${pattern.endsWith('%') ? '' : '$'}`;
  return new RegExp(regex, ignoreCase ? 'is' : 's').test(text);
}

function compare(lhs: number | string, comparator: string, rhs: Clause['value']): boolean {
  switch (comparator) {
    case '=':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
    case '>':
      return lhs > (rhs as number | string);
    case '>=':
      return lhs >= (rhs as number | string);
    case '<':
      return lhs < (rhs as number | string);
    case '<=':
      return lhs <= (rhs as number | string);
    case 'LIKE':
      return like(String(lhs), String(rhs), false);
    case 'ILIKE':
      return like(String(lhs), String(rhs), true);
    case 'IN':
      return (rhs as string[]).includes(String(lhs));
    case 'NOT IN':
      return !(rhs as string[]).includes(String(lhs));
  }
  return false;
}

/** What a clause reads from a candidate (a run, an experiment): undefined when it lacks the key. */
export type ValueOf<T> = (item: T, type: EntityType, key: string) => number | string | undefined;

export function matchesAll<T>(item: T, clauses: Clause[], valueOf: ValueOf<T>): boolean {
  return clauses.every((clause) => {
    const lhs = valueOf(item, clause.type, clause.key);
    if (clause.comparator === 'IS NULL') return lhs === undefined;
    if (clause.comparator === 'IS NOT NULL') return lhs !== undefined;
    if (lhs === undefined || lhs === null) return false;
    return compare(lhs, clause.comparator, clause.value);
  });
}

export interface OrderBy {
  type: EntityType;
  key: string;
  ascending: boolean;
}

/** `metrics.acc DESC`, `attributes.start_time`, `params.\`my param\` ASC`. */
export function parseOrderBy(text: string, attributes: AttributeKeys = RUN_ATTRIBUTES): OrderBy {
  const match = /^\s*(.+?)(?:\s+(ASC|DESC))?\s*$/i.exec(text);
  if (!match) throw invalidParameter(`Invalid order_by clause '${text}'. Could not be parsed.`);
  const tokens = tokenize(match[1] as string);
  if (tokens.length !== 1) throw invalidParameter(`Invalid order_by clause '${text}'. Could not be parsed.`);
  const id = identifier(tokens[0] as Token, {
    strings: new Set([...attributes.strings, 'experiment_id']),
    numbers: attributes.numbers,
  });
  return { ...id, ascending: (match[2] ?? 'ASC').toUpperCase() === 'ASC' };
}

/**
 * Sorts as SearchUtils.sort does: first by start time descending and id, then by each order_by from the last
 * to the first (a stable sort), with missing values last and NaN after numbers whichever the direction.
 */
export function sortBy<T>(items: T[], orderBy: OrderBy[], valueOf: ValueOf<T>, natural: (a: T, b: T) => number): T[] {
  let sorted = [...items].sort(natural);
  for (const order of [...orderBy].reverse()) {
    const rank = (item: T): [number, number | string] => {
      const value = valueOf(item, order.type, order.key);
      if (value === undefined) return [order.ascending ? 1 : 0, 0];
      if (typeof value === 'number' && Number.isNaN(value)) return [order.ascending ? 1 : 0, 0];
      return [order.ascending ? 0 : 1, value];
    };
    sorted = sorted
      .map((item) => ({ item, rank: rank(item) }))
      .sort((a, b) => {
        const [ga, va] = a.rank;
        const [gb, vb] = b.rank;
        const direction = order.ascending ? 1 : -1;
        if (ga !== gb) return (ga - gb) * direction;
        if (va === vb) return 0;
        return (va < vb ? -1 : 1) * direction;
      })
      .map((entry) => entry.item);
  }
  return sorted;
}

/** MLflow's page tokens: base64 of {"offset": N}. */
export function pageOffset(token: string | undefined): number {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    const offset = Number(parsed.offset);
    if (Number.isInteger(offset) && offset > 0) return offset;
  } catch {
    // falls through to the error
  }
  throw invalidParameter(`Invalid page token ${JSON.stringify(token.slice(0, 100))}.`);
}

export function pageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}
