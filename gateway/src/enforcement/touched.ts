// The data products an operation touches, and the aggregation it asks of each: walk the operation
// against the supergraph schema, match fields to the markings, and read the aggregation levels
// from the marked field's arguments (regionLevel(s), industryLevel(s), periodKind / period(Level)).
import {
  getArgumentValues,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { INDUSTRY_LEVELS, PERIOD_LEVELS, REGION_LEVELS, type AggregationLevel } from '@gridspace/schemas';
import type { DataProductMarkings } from './markings.js';

export interface TouchedProduct {
  dataProductId: string;
  /** The finest aggregation any touching field asks for (the coarsest level where the request does not say). */
  aggregation: AggregationLevel;
  /** Response paths (first segment: the response key) of the top-most touching fields, to count released rows. */
  paths: string[][];
}

const COARSEST: AggregationLevel = { region: 'gba', industry: 'all', period: 'year' };

const DIMENSIONS = [
  { dimension: 'region', keys: ['regionLevel', 'regionLevels'], levels: REGION_LEVELS as readonly string[] },
  { dimension: 'industry', keys: ['industryLevel', 'industryLevels'], levels: INDUSTRY_LEVELS as readonly string[] },
  { dimension: 'period', keys: ['periodKind', 'periodKinds', 'periodLevel', 'periodLevels', 'period'], levels: PERIOD_LEVELS as readonly string[] },
] as const;

/** Finds the aggregation keys anywhere in the (variable-resolved) argument values. */
function aggregationOf(args: unknown, into: AggregationLevel): void {
  if (Array.isArray(args)) {
    for (const item of args) aggregationOf(item, into);
    return;
  }
  if (!args || typeof args !== 'object') return;
  for (const [key, value] of Object.entries(args)) {
    const dimension = DIMENSIONS.find((d) => (d.keys as readonly string[]).includes(key));
    if (dimension) {
      for (const raw of Array.isArray(value) ? value : [value]) {
        const level = String(raw).toLowerCase();
        const index = dimension.levels.indexOf(level);
        if (index >= 0 && index < dimension.levels.indexOf(into[dimension.dimension])) (into as unknown as Record<string, string>)[dimension.dimension] = level;
      }
    } else {
      aggregationOf(value, into);
    }
  }
}

/** Argument values with the schema's defaults applied (a default aggregation counts as asked for). */
function argumentsOf(field: FieldNode, definition: GraphQLField<unknown, unknown> | undefined, variables: Record<string, unknown> | undefined): Record<string, unknown> {
  if (definition) {
    try {
      return getArgumentValues(definition, field, variables);
    } catch {
      // Invalid arguments fail validation anyway; fall back to what is written.
    }
  }
  return Object.fromEntries((field.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, variables)]));
}

/** A marked field of an operation: which products it touches and where (variables not yet applied). */
interface Touch {
  ids: string[];
  field: FieldNode;
  definition: GraphQLField<unknown, unknown> | undefined;
  path: string[];
  topMost: boolean;
}

// The walk depends only on the document, the operation, the schema and the markings; the parse
// cache hands out one DocumentNode per text, so each operation is walked once per supergraph.
const plans = new WeakMap<DocumentNode, Map<string, { schema: GraphQLSchema; markings: DataProductMarkings; touches: Touch[] }>>();

export function touchedProducts(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  markings: DataProductMarkings,
): TouchedProduct[] {
  if (markings.fields.size === 0 && markings.types.size === 0) return [];
  let byOperation = plans.get(document);
  if (!byOperation) plans.set(document, (byOperation = new Map()));
  let plan = byOperation.get(operationName ?? '');
  if (!plan || plan.schema !== schema || plan.markings !== markings) byOperation.set(operationName ?? '', (plan = { schema, markings, touches: touchesOf(schema, document, operationName, markings) }));
  const products = new Map<string, TouchedProduct>();
  for (const touch of plan.touches) {
    const args = argumentsOf(touch.field, touch.definition, variables);
    for (const id of touch.ids) {
      let product = products.get(id);
      if (!product) products.set(id, (product = { dataProductId: id, aggregation: { ...COARSEST }, paths: [] }));
      aggregationOf(args, product.aggregation);
      if (touch.topMost) product.paths.push(touch.path);
    }
  }
  return [...products.values()];
}

function touchesOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, markings: DataProductMarkings): Touch[] {
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  if (!operation) return [];
  const root = schema.getRootType(operation.operation);
  if (!root) return [];
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const touches: Touch[] = [];

  // Fragments are walked where they are spread, so paths and parent types are those of the spread.
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, path: string[], insideMarked: boolean, seen: ReadonlySet<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const key = selection.alias?.value ?? selection.name.value;
        const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
        const named = definition ? getNamedType(definition.type) : undefined;
        const ids = new Set([...(markings.fields.get(`${parent.name}.${selection.name.value}`) ?? []), ...(markings.types.get(parent.name) ?? [])]);
        if (named) for (const id of markings.types.get(named.name) ?? []) ids.add(id);
        if (ids.size > 0) touches.push({ ids: [...ids], field: selection, definition, path: [...path, key], topMost: !insideMarked });
        if (selection.selectionSet && named && isCompositeType(named)) walk(selection.selectionSet, named, [...path, key], insideMarked || ids.size > 0, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) walk(selection.selectionSet, type, path, insideMarked, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type && isCompositeType(type) && !seen.has(fragment.name.value)) walk(fragment.selectionSet, type, path, insideMarked, new Set([...seen, fragment.name.value]));
      }
    }
  };
  walk(operation.selectionSet, root, [], false, new Set());
  return touches;
}

/** Rows released at the given paths of a result: list items count one each, an object counts one. */
export function countRows(data: unknown, paths: string[][]): number {
  let rows = 0;
  const count = (value: unknown, rest: string[]): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      if (rest.length === 0) {
        rows += value.length;
        return;
      }
      for (const item of value) count(item, rest);
      return;
    }
    if (rest.length === 0) {
      rows += rowsInside(value);
      return;
    }
    if (typeof value === 'object') count((value as Record<string, unknown>)[rest[0]!], rest.slice(1));
  };
  for (const path of paths) count(data, path);
  return rows;
}

/** An object released whole: its largest list of objects (e.g. a page's cells), or 1. */
function rowsInside(value: unknown): number {
  if (!value || typeof value !== 'object') return 1;
  let best = 1;
  for (const v of Object.values(value as Record<string, unknown>)) if (Array.isArray(v)) best = Math.max(best, v.length);
  return best;
}
