// Which schema coordinates belong to which data product, read from the subgraph SDLs: a field or
// object type carrying `@dataProduct(id: "...")` (the directive the data-products subgraph
// declares and composes; an import alias such as `@gs__dataProduct` is recognised too).
import { Kind, type DirectiveNode, type DocumentNode } from 'graphql';

export interface DataProductMarkings {
  /** `Type.field` -> data product ids. */
  fields: Map<string, Set<string>>;
  /** Object type -> data product ids (every field of the type, and every field returning it). */
  types: Map<string, Set<string>>;
  /** Data product id -> subgraph names serving it. */
  subgraphsOf: Map<string, Set<string>>;
}

const isDataProductDirective = (d: DirectiveNode) => d.name.value === 'dataProduct' || d.name.value.endsWith('__dataProduct');

function productIdOf(directive: DirectiveNode): string | undefined {
  const arg = directive.arguments?.find((a) => a.name.value === 'id');
  return arg?.value.kind === Kind.STRING ? arg.value.value : undefined;
}

const add = (map: Map<string, Set<string>>, key: string, value: string) => {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
};

export function readMarkings(subgraphs: ReadonlyMap<string, DocumentNode>): DataProductMarkings {
  const markings: DataProductMarkings = { fields: new Map(), types: new Map(), subgraphsOf: new Map() };
  for (const [subgraph, document] of subgraphs) {
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
      const typeName = definition.name.value;
      for (const directive of definition.directives ?? []) {
        const id = isDataProductDirective(directive) ? productIdOf(directive) : undefined;
        if (!id) continue;
        add(markings.types, typeName, id);
        add(markings.subgraphsOf, id, subgraph);
      }
      for (const field of definition.fields ?? []) {
        for (const directive of field.directives ?? []) {
          const id = isDataProductDirective(directive) ? productIdOf(directive) : undefined;
          if (!id) continue;
          add(markings.fields, `${typeName}.${field.name.value}`, id);
          add(markings.subgraphsOf, id, subgraph);
        }
      }
    }
  }
  return markings;
}
