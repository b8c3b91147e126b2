// The transformer maker's datasheet subgraph (run by tx-maker, composed by the gateway): it adds
// `datasheet` to the network's `Identifier` entity. Which model an identifier is comes from its
// public record at the second-level node (the `model` value); the datasheet is the maker's own
// published data of that model.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { serveSubgraph, type RunningPartnerSubgraph } from './serve.js';

export const DATASHEET_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

  "An industrial-internet identifier; the transformer maker adds the datasheet of its model."
  type Identifier @key(fields: "handle") {
    handle: String!
    "The maker's datasheet of this unit's model; null when the identifier is not one of its transformers."
    datasheet: Datasheet
  }

  "A power transformer model as its maker publishes it."
  type Datasheet {
    model: String!
    manufacturer: String!
    ratedKva: Int!
    primaryKv: Float!
    secondaryKv: Float!
    vectorGroup: String!
    cooling: String!
    noLoadLossW: Int!
    loadLossW: Int!
    impedancePct: Float!
    weightKg: Int!
    "The standard the type tests follow."
    standard: String!
    documentUrl: String!
  }

  type Query {
    "Every model the maker publishes."
    transformerModels: [Datasheet!]!
    transformerModel(model: String!): Datasheet
  }
`;

export interface Datasheet {
  model: string;
  manufacturer: string;
  ratedKva: number;
  primaryKv: number;
  secondaryKv: number;
  vectorGroup: string;
  cooling: string;
  noLoadLossW: number;
  loadLossW: number;
  impedancePct: number;
  weightKg: number;
  standard: string;
  documentUrl: string;
}

const MAKER = 'Pearl River Transformer Works';
const sheet = (model: string, ratedKva: number, primaryKv: number, noLoadLossW: number, loadLossW: number, impedancePct: number, weightKg: number, cooling = 'ONAN'): Datasheet => ({
  model,
  manufacturer: MAKER,
  ratedKva,
  primaryKv,
  secondaryKv: 0.4,
  vectorGroup: 'Dyn11',
  cooling,
  noLoadLossW,
  loadLossW,
  impedancePct,
  weightKg,
  standard: 'GB/T 6451-2023',
  documentUrl: `https://tx-maker.example/datasheets/${model}.pdf`,
});

/** The maker's published models (distribution transformers, GB 20052 energy-efficiency class 1). */
export const DATASHEETS: readonly Datasheet[] = [
  sheet('S13-M-400/10', 400, 10, 410, 4520, 4, 1480),
  sheet('S13-M-630/10', 630, 10, 570, 6200, 4.5, 2050),
  sheet('S13-M-1000/10', 1000, 10, 830, 10300, 4.5, 2900),
  sheet('SCB13-1250/10', 1250, 10, 1750, 9690, 6, 3400, 'AN'),
  sheet('SZ13-20000/110', 20000, 110, 14300, 84000, 10.5, 32500, 'ONAF'),
];

export interface DatasheetSubgraphOptions {
  host?: string;
  port?: number;
  /** Base URL of the second-level node whose Handle REST API names each identifier's model. */
  resolverUrl: string;
}

/** Reads the `model` value of an identifier's public record; undefined when there is none. */
async function modelOf(resolverUrl: string, handle: string): Promise<string | undefined> {
  const response = await fetch(`${resolverUrl.replace(/\/$/, '')}/api/handles/${encodeURIComponent(handle).replace(/%2F/gi, '/')}?type=model`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new GraphQLError(`the identifier registry answered ${response.status} for ${handle}`, { extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
  const body = (await response.json()) as { values?: Array<{ type: string; data: { value: unknown } }> };
  const value = body.values?.find((v) => v.type === 'model')?.data.value;
  return typeof value === 'string' ? value : undefined;
}

export function datasheetSchema(options: DatasheetSubgraphOptions) {
  const byModel = new Map(DATASHEETS.map((d) => [d.model, d]));
  return buildSubgraphSchema({
    typeDefs: parse(DATASHEET_SDL),
    resolvers: {
      Query: {
        transformerModels: () => DATASHEETS,
        transformerModel: (_: unknown, args: { model: string }) => byModel.get(args.model) ?? null,
      },
      Identifier: {
        __resolveReference: (ref: { handle: string }) => ({ handle: ref.handle }),
        datasheet: async (identifier: { handle: string }) => {
          const model = await modelOf(options.resolverUrl, identifier.handle);
          return model ? (byModel.get(model) ?? null) : null;
        },
      },
    } as never,
  });
}

export function startDatasheetSubgraph(options: DatasheetSubgraphOptions): Promise<RunningPartnerSubgraph> {
  return serveSubgraph('tx-maker-datasheets', datasheetSchema(options), options);
}
