// The Hong Kong partner's subgraph (run by hk-partner, composed by the gateway): daily energy
// flows on the Guangdong - Hong Kong interconnectors, as the partner meters them at its end.
// The figures are synthetic but deterministic (the same day always gives the same flow).
import { createHash } from 'node:crypto';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { serveSubgraph, type RunningPartnerSubgraph } from './serve.js';

export const FLOWS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@shareable"])

  "A cross-border interconnector between Guangdong and Hong Kong."
  type Interconnector {
    id: ID!
    name: String!
    "GB/T 2260 code of the Guangdong city at the mainland end."
    mainlandRegion: String!
    "ISO 3166 code of the other end."
    crossBorderJurisdiction: String!
    voltageKv: Int!
    capacityMw: Int!
  }

  "One day of metered flow on an interconnector (MWh; import = into Hong Kong)."
  type InterconnectorFlow {
    interconnectorId: ID!
    date: String!
    importMwh: Float!
    exportMwh: Float!
    netImportMwh: Float!
    peakMw: Float!
  }

  type Query {
    interconnectors: [Interconnector!]!
    "Daily flows from \`from\` to \`to\` (YYYY-MM-DD, inclusive, at most 366 days)."
    interconnectorFlows(interconnectorId: ID, from: String!, to: String!): [InterconnectorFlow!]!
  }
`;

export interface Interconnector {
  id: string;
  name: string;
  mainlandRegion: string;
  crossBorderJurisdiction: string;
  voltageKv: number;
  capacityMw: number;
}

export const INTERCONNECTORS: readonly Interconnector[] = [
  { id: 'SZ-HK-400-1', name: 'Shenzhen - Hong Kong 400 kV circuit 1', mainlandRegion: '440300', crossBorderJurisdiction: 'HK', voltageKv: 400, capacityMw: 1500 },
  { id: 'SZ-HK-400-2', name: 'Shenzhen - Hong Kong 400 kV circuit 2', mainlandRegion: '440300', crossBorderJurisdiction: 'HK', voltageKv: 400, capacityMw: 1500 },
  { id: 'DB-HK-132', name: 'Dongguan - Hong Kong 132 kV', mainlandRegion: '441900', crossBorderJurisdiction: 'HK', voltageKv: 132, capacityMw: 400 },
];

const DAY_MS = 86_400_000;
const MAX_DAYS = 366;

function parseDay(value: string, field: string): number {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== value) {
    throw new GraphQLError(`${field}: "${value}" must be a calendar date YYYY-MM-DD`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return time;
}

/** A number in [0, 1) from the interconnector and the day: the same inputs, the same flow. */
function unit(id: string, date: string, salt: string): number {
  return createHash('sha256').update(`${id}|${date}|${salt}`).digest().readUInt32BE(0) / 2 ** 32;
}

export function flowOf(connector: Interconnector, date: string) {
  const month = Number(date.slice(5, 7));
  const summer = month >= 5 && month <= 10 ? 1.25 : 0.9; // Hong Kong imports more in the cooling season
  const utilisation = (0.35 + 0.3 * unit(connector.id, date, 'load')) * summer;
  const importMwh = Math.round(connector.capacityMw * 24 * Math.min(utilisation, 0.95) * 10) / 10;
  const exportMwh = Math.round(connector.capacityMw * 24 * 0.02 * unit(connector.id, date, 'back') * 10) / 10;
  const peakMw = Math.round(Math.min(connector.capacityMw, (importMwh / 24) * (1.3 + 0.2 * unit(connector.id, date, 'peak'))) * 10) / 10;
  return { interconnectorId: connector.id, date, importMwh, exportMwh, netImportMwh: Math.round((importMwh - exportMwh) * 10) / 10, peakMw };
}

export function flowsSchema() {
  return buildSubgraphSchema({
    typeDefs: parse(FLOWS_SDL),
    resolvers: {
      Query: {
        interconnectors: () => INTERCONNECTORS,
        interconnectorFlows: (_: unknown, args: { interconnectorId?: string | null; from: string; to: string }) => {
          const from = parseDay(args.from, 'from');
          const to = parseDay(args.to, 'to');
          if (to < from) throw new GraphQLError(`to: ${args.to} is before from (${args.from})`, { extensions: { code: 'BAD_USER_INPUT' } });
          if ((to - from) / DAY_MS + 1 > MAX_DAYS) throw new GraphQLError(`to: at most ${MAX_DAYS} days per query`, { extensions: { code: 'BAD_USER_INPUT' } });
          const connectors = args.interconnectorId ? INTERCONNECTORS.filter((c) => c.id === args.interconnectorId) : INTERCONNECTORS;
          if (connectors.length === 0) {
            throw new GraphQLError(`interconnectorId: "${args.interconnectorId}" is not one of ${INTERCONNECTORS.map((c) => c.id).join(', ')}`, { extensions: { code: 'BAD_USER_INPUT' } });
          }
          const flows = [];
          for (let time = from; time <= to; time += DAY_MS) {
            const date = new Date(time).toISOString().slice(0, 10);
            for (const connector of connectors) flows.push(flowOf(connector, date));
          }
          return flows;
        },
      },
    } as never,
  });
}

export function startInterconnectorFlowsSubgraph(options: { host?: string; port?: number } = {}): Promise<RunningPartnerSubgraph> {
  return serveSubgraph('hk-partner-interconnector-flows', flowsSchema(), options);
}
