// A data-product subgraph for the gateway's tests, written the way the energy subgraph is: fields
// marked with @dataProduct (composed), a grant required on every marked field, rows filtered by
// the grant's scope. It serves two products so the matrix covers more than one.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { GrantError, GrantVerifier } from '@gridspace/data-products';
import { PERIOD_LEVELS, REGION_LEVELS, type GrantClaims } from '@gridspace/schemas';

export const INDICES = 'electricity-economic-indices';
export const LOAD_PROFILES = 'substation-load-profiles';

const SDL = /* GraphQL */ `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@composeDirective"])
    @link(url: "https://gridspace.example/data-product/v1.0", import: ["@dataProduct"])
    @composeDirective(name: "@dataProduct")

  directive @dataProduct(id: String!) on FIELD_DEFINITION | OBJECT

  enum PeriodKind { DAY MONTH }
  enum RegionLevel { CUSTOMER CITY PROVINCE GBA }

  input IndexQuery {
    periodKind: PeriodKind!
    regionLevels: [RegionLevel!]
    "Only cells with at least this consumption."
    minConsumptionKwh: Float
  }

  type IndexCell @dataProduct(id: "${INDICES}") {
    period: String!
    periodKind: PeriodKind!
    regionLevel: RegionLevel!
    regionCode: String!
    consumptionKwh: Float!
  }

  type LoadPoint {
    hour: Int!
    mw: Float!
  }

  type Query {
    electricityIndices(query: IndexQuery!): [IndexCell!]! @dataProduct(id: "${INDICES}")
    substationLoad(substation: String!, regionLevel: RegionLevel = CUSTOMER): [LoadPoint!]! @dataProduct(id: "${LOAD_PROFILES}")
    "Public: which periods exist."
    indexPeriods: [String!]!
  }
`;

/** Every cell of the test data: three region levels x two period kinds x two periods. */
export const ALL_CELLS = ['CUSTOMER', 'CITY', 'PROVINCE'].flatMap((regionLevel, r) =>
  (['DAY', 'MONTH'] as const).flatMap((periodKind) =>
    ['2026-01', '2026-02'].map((month, m) => ({
      period: periodKind === 'DAY' ? `${month}-15` : month,
      periodKind,
      regionLevel,
      regionCode: regionLevel === 'CUSTOMER' ? `C-${r}${m}` : regionLevel === 'CITY' ? '440300' : '440000',
      consumptionKwh: 1000 * (r + 1) + m,
    })),
  ),
);

export interface RunningIndicesSubgraph {
  url: string;
  /** Grants the subgraph accepted, newest last. */
  grants: GrantClaims[];
  close(): Promise<void>;
}

/**
 * `jwksUrl()` is read at the first call, so the subgraph may start before the gateway. With
 * `requireGrant: false` (benchmarks against gateways that issue no grants) a call without a grant
 * sees every row; a grant, when sent, is still verified and applied.
 */
export async function startIndicesSubgraph(jwksUrl: () => string, options: { requireGrant?: boolean } = {}): Promise<RunningIndicesSubgraph> {
  const open = { scope: { minAggregation: { region: 'customer', industry: 'customer', period: 'day' } } } as GrantClaims;
  // The energy subgraph's own grant check, one verifier per data product served here.
  const verifiers = new Map<string, GrantVerifier>();
  const grants: GrantClaims[] = [];
  const grantFor = async (request: Request, product: string): Promise<GrantClaims> => {
    const header = request.headers.get('x-gridspace-grant');
    if (!header && options.requireGrant === false) return open;
    let verifier = verifiers.get(product);
    if (!verifier) verifiers.set(product, (verifier = new GrantVerifier({ jwksUrl: jwksUrl(), audience: product })));
    try {
      const grant = await verifier.verify(header);
      grants.push(grant);
      return grant;
    } catch (error) {
      if (error instanceof GrantError) throw new GraphQLError(error.message, { extensions: { code: error.code } });
      throw error;
    }
  };
  const visible = (grant: GrantClaims, cell: { regionLevel: string; periodKind: string }) =>
    REGION_LEVELS.indexOf(cell.regionLevel.toLowerCase() as never) >= REGION_LEVELS.indexOf(grant.scope.minAggregation.region) &&
    PERIOD_LEVELS.indexOf(cell.periodKind.toLowerCase() as never) >= PERIOD_LEVELS.indexOf(grant.scope.minAggregation.period);

  const schema = buildSubgraphSchema({
    typeDefs: parse(SDL),
    resolvers: {
      Query: {
        electricityIndices: async (_: unknown, { query }: { query: { periodKind: string; regionLevels?: string[]; minConsumptionKwh?: number } }, { request }: { request: Request }) => {
          const grant = await grantFor(request, INDICES);
          return ALL_CELLS.filter(
            (c) =>
              c.periodKind === query.periodKind &&
              (!query.regionLevels || query.regionLevels.includes(c.regionLevel)) &&
              c.consumptionKwh >= (query.minConsumptionKwh ?? 0) &&
              visible(grant, c),
          );
        },
        substationLoad: async (_: unknown, __: unknown, { request }: { request: Request }) => {
          await grantFor(request, LOAD_PROFILES);
          return [0, 1, 2].map((hour) => ({ hour, mw: 10 + hour }));
        },
        indexPeriods: () => ['2026-01', '2026-02'],
      },
    } as never,
  });
  const yoga = createYoga({ schema, graphqlEndpoint: '/graphql', landingPage: false, graphiql: false, logging: false });
  const server: Server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    grants,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
