// CouchDB Mango queries (selector, sort, limit, skip, fields) evaluated over JSON world-state
// values, as a peer with CouchDB state would answer getQueryResult. Bad queries fail like CouchDB
// would: with a message naming the problem.

export interface MangoQuery {
  selector: Record<string, unknown>;
  sort?: Array<string | Record<string, 'asc' | 'desc'>>;
  limit?: number;
  skip?: number;
  fields?: string[];
  use_index?: unknown;
  bookmark?: string;
}

export function parseMangoQuery(text: string): MangoQuery {
  let query: unknown;
  try {
    query = JSON.parse(text);
  } catch {
    throw new Error('INVALID_ARGUMENT: query: must be a JSON object');
  }
  if (typeof query !== 'object' || query === null || Array.isArray(query)) throw new Error('INVALID_ARGUMENT: query: must be a JSON object');
  const selector = (query as MangoQuery).selector;
  if (typeof selector !== 'object' || selector === null || Array.isArray(selector)) {
    throw new Error('INVALID_ARGUMENT: query.selector: must be an object');
  }
  return query as MangoQuery;
}

function fieldValue(doc: unknown, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** CouchDB collation, simplified: null < false < true < numbers < strings < arrays < objects. */
function rank(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'boolean') return 1;
  if (typeof value === 'number') return 2;
  if (typeof value === 'string') return 3;
  if (Array.isArray(value)) return 4;
  return 5;
}

export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0;
}

function equal(a: unknown, b: unknown): boolean {
  return rank(a) === rank(b) && compareValues(a, b) === 0;
}

function matchOperator(value: unknown, operator: string, argument: unknown): boolean {
  switch (operator) {
    case '$eq': return equal(value, argument);
    case '$ne': return !equal(value, argument);
    case '$gt': return value !== undefined && rank(value) === rank(argument) && compareValues(value, argument) > 0;
    case '$gte': return value !== undefined && rank(value) === rank(argument) && compareValues(value, argument) >= 0;
    case '$lt': return value !== undefined && rank(value) === rank(argument) && compareValues(value, argument) < 0;
    case '$lte': return value !== undefined && rank(value) === rank(argument) && compareValues(value, argument) <= 0;
    case '$exists': return (value !== undefined) === Boolean(argument);
    case '$in': return Array.isArray(argument) && argument.some((item) => equal(value, item));
    case '$nin': return Array.isArray(argument) && !argument.some((item) => equal(value, item));
    case '$size': return Array.isArray(value) && value.length === argument;
    case '$all': return Array.isArray(value) && Array.isArray(argument) && argument.every((item) => value.some((v) => equal(v, item)));
    case '$elemMatch': return Array.isArray(value) && value.some((item) => matchCondition(item, argument));
    case '$regex': return typeof value === 'string' && typeof argument === 'string' && new RegExp(argument).test(value);
    case '$not': return !matchCondition(value, argument);
    case '$type': return typeof argument === 'string' && couchType(value) === argument;
    case '$mod': return Array.isArray(argument) && typeof value === 'number' && Number.isInteger(value) && value % argument[0] === argument[1];
    default: throw new Error(`INVALID_ARGUMENT: query.selector: unknown operator ${operator}`);
  }
}

function couchType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** A condition on one field's value: an operator object, or a literal meaning equality. */
function matchCondition(value: unknown, condition: unknown): boolean {
  if (typeof condition === 'object' && condition !== null && !Array.isArray(condition)) {
    const entries = Object.entries(condition);
    if (entries.length > 0 && entries.every(([key]) => key.startsWith('$'))) {
      return entries.every(([operator, argument]) => matchOperator(value, operator, argument));
    }
    // A sub-selector on an object value.
    return typeof value === 'object' && value !== null && matchesSelector(value, condition as Record<string, unknown>);
  }
  return equal(value, condition);
}

export function matchesSelector(doc: unknown, selector: Record<string, unknown>): boolean {
  return Object.entries(selector).every(([key, condition]) => {
    switch (key) {
      case '$and': return Array.isArray(condition) && condition.every((sub) => matchesSelector(doc, sub));
      case '$or': return Array.isArray(condition) && condition.some((sub) => matchesSelector(doc, sub));
      case '$nor': return Array.isArray(condition) && !condition.some((sub) => matchesSelector(doc, sub));
      case '$not': return !matchesSelector(doc, condition as Record<string, unknown>);
      default:
        if (key.startsWith('$')) throw new Error(`INVALID_ARGUMENT: query.selector: unknown operator ${key}`);
        return matchCondition(fieldValue(doc, key), condition);
    }
  });
}

/** Sorts matched documents as the query asks; without `sort`, key order is kept (as CouchDB's _id order). */
export function sortDocuments<T extends { doc: unknown }>(rows: T[], sort: MangoQuery['sort']): T[] {
  if (!sort || sort.length === 0) return rows;
  const keys = sort.map((entry) => typeof entry === 'string'
    ? { field: entry, direction: 1 }
    : { field: Object.keys(entry)[0]!, direction: Object.values(entry)[0] === 'desc' ? -1 : 1 });
  return [...rows].sort((a, b) => {
    for (const { field, direction } of keys) {
      const order = compareValues(fieldValue(a.doc, field), fieldValue(b.doc, field));
      if (order !== 0) return order * direction;
    }
    return 0;
  });
}
