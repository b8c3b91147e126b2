// The `identifiers` federation v2 subgraph at /graphql: `Identifier @key(fields: "handle")` with
// its Handle values, its template fields and the link to its trace, for the gateway to compose.
// graphql-yoga serves it; @apollo/subgraph builds the subgraph schema (_service, _entities).
// `handle` is String! as in every subgraph sharing the entity (ledger, partner datasheets):
// federation refuses to compose a key field typed differently across subgraphs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { parseHandle } from '../handle/syntax.js';
import type { HandleValue } from '../handle/values.js';
import type { NodeService } from '../node/service.js';
import type { StoredRecord } from '../store/store.js';
import type { Template } from '../node/templates.js';

export const IDENTIFIERS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

  type Query {
    "An identifier of this node, e.g. 88.188.1001/TX2026-000001."
    identifier(handle: String!): Identifier
    "Identifiers under an enterprise prefix, in handle order (keyset pagination with after)."
    identifiers(prefix: String!, first: Int = 50, after: String): [Identifier!]!
    template(id: ID!): Template
    templates: [Template!]!
    enterprisePrefix(prefix: String!): EnterprisePrefix
  }

  "An industrial-internet identifier (Handle record) registered at this second-level node."
  type Identifier @key(fields: "handle") {
    "prefix/suffix, e.g. 88.188.1001/TX2026-000001."
    handle: String!
    prefix: String!
    "Public Handle values; filter by type names or indexes."
    values(types: [String!], indexes: [Int!]): [HandleValue!]!
    template: Template
    "The template's items with this identifier's value for each."
    fields: [TemplateField!]!
    "Where the identifier's trace (EPCIS events on the ledger) is found: its TRACE value."
    traceUrl: String
    "The registration batch whose Merkle root is anchored on the ledger."
    batchId: String
    registeredAt: String!
    updatedAt: String!
  }

  type HandleValue {
    index: Int!
    type: String!
    format: String!
    "The value; JSON text for structured formats (admin, site, key, vlist)."
    value: String!
    ttl: Int!
    timestamp: String!
  }

  type TemplateField {
    name: String!
    index: Int!
    type: String!
    required: Boolean!
    value: String
  }

  type Template {
    id: ID!
    name: String!
    "GB/T 4754-2017 section letter (A-T)."
    industrySection: String!
    "GB/T 4754-2017 two-digit division, when the template is that specific."
    industryDivision: String
    items: [TemplateItem!]!
  }

  type TemplateItem {
    name: String!
    index: Int!
    type: String!
    required: Boolean!
    description: String
  }

  type EnterprisePrefix {
    prefix: String!
    ownerOrg: String!
    delegates: [String!]!
    defaultTemplate: String
  }
`;

const publicValues = (record: StoredRecord) => record.values.filter((v) => v.publicRead !== false);
const valueText = (v: HandleValue) => (typeof v.data.value === 'string' ? v.data.value : JSON.stringify(v.data.value));

function templateJson(t: Template) {
  return { id: t.id, name: t.name, industrySection: t.industry.section, industryDivision: t.industry.division ?? null, items: t.items };
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export function createIdentifiersSubgraph(service: NodeService) {
  const load = async (handle: string) => {
    let parsed;
    try { parsed = parseHandle(handle); } catch (error) { throw badInput((error as Error).message); }
    if (!service.isLocal(parsed)) return null;
    return (await service.getRecord(parsed.handle)) ?? null;
  };
  const schema = buildSubgraphSchema({
    typeDefs: parse(IDENTIFIERS_SDL),
    resolvers: {
      Query: {
        identifier: (_: unknown, args: { handle: string }) => load(args.handle),
        identifiers: async (_: unknown, args: { prefix: string; first: number; after?: string }) => {
          if (args.first < 1 || args.first > 500) throw badInput('first: must be from 1 to 500');
          return service.store.listRecords(args.prefix, args.first, args.after);
        },
        template: async (_: unknown, args: { id: string }) => {
          const t = await service.getTemplate(args.id);
          return t ? templateJson(t) : null;
        },
        templates: async () => (await service.listTemplates()).map(templateJson),
        enterprisePrefix: async (_: unknown, args: { prefix: string }) => {
          const row = await service.getPrefix(args.prefix);
          return row ? { prefix: row.prefix, ownerOrg: row.ownerOrg, delegates: JSON.parse(row.delegates) as string[], defaultTemplate: row.defaultTemplate } : null;
        },
      },
      Identifier: {
        __resolveReference: (reference: { handle: string }) => load(reference.handle),
        values: (record: StoredRecord, args: { types?: string[] | null; indexes?: number[] | null }) =>
          publicValues(record)
            .filter((v) => (!args.types && !args.indexes) || args.types?.includes(v.type) || args.indexes?.includes(v.index))
            .map((v) => ({ index: v.index, type: v.type, format: v.data.format, value: valueText(v), ttl: v.ttl, timestamp: v.timestamp })),
        template: async (record: StoredRecord) => {
          const t = record.template ? await service.getTemplate(record.template) : undefined;
          return t ? templateJson(t) : null;
        },
        fields: async (record: StoredRecord) => {
          const t = record.template ? await service.getTemplate(record.template) : undefined;
          if (!t) return [];
          return t.items.map((item) => {
            const value = record.values.find((v) => v.type === item.name);
            return { name: item.name, index: item.index, type: item.type, required: item.required, value: value ? valueText(value) : null };
          });
        },
        traceUrl: (record: StoredRecord) => {
          const trace = record.values.find((v) => v.type === 'TRACE');
          return trace ? valueText(trace) : null;
        },
        registeredAt: (record: StoredRecord) => record.createdAt,
      },
    },
  });
  const yoga = createYoga({ schema, graphqlEndpoint: '/graphql', landingPage: false, logging: false });
  return {
    handle: (req: IncomingMessage, res: ServerResponse) => yoga(req, res),
  };
}
