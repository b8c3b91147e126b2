// The `energy` subgraph (Apollo Federation v2): the electricity economic indices, marked as data
// product `electricity-economic-indices` with the composable directive @dataProduct.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError } from 'graphql';
import { gql } from 'graphql-tag';
import type { GrantClaims } from '@gridspace/schemas';
import { classifications, type IndustryNodeLevel, type RegionNodeLevel } from '../reference/classifications.js';
import type { ElectricityIndices, IndexCell, IndexQuery, PeriodKind } from '../indices/indices.js';
import { AccessDenied, restrictQuery } from './access.js';
import { DATA_PRODUCT_ID, GRANT_HEADER, GrantError, type GrantVerifier } from './grant.js';

export const DATA_PRODUCT_DIRECTIVE_URL = 'https://gridspace.example/data-product/v1.0';

export const typeDefs = gql`
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@composeDirective"])
    @link(url: "${DATA_PRODUCT_DIRECTIVE_URL}", import: ["@dataProduct"])
    @composeDirective(name: "@dataProduct")

  """
  The field (or every field of the type) releases data of the data product \`id\`: the gateway
  serves it only under a finalized agreement for that product and forwards a signed grant.
  """
  directive @dataProduct(id: String!) on FIELD_DEFINITION | OBJECT

  type Query {
    """
    Electricity economic indices per region x industry x period, disclosure-controlled: cells
    that could reveal a single customer come back with suppressed = true, a reason and no values.
    Needs the grant (header x-gridspace-grant); results are limited to its regions and aggregation.
    """
    electricityIndices(query: ElectricityIndexQuery!, first: Int = 1000, after: String): ElectricityIndexPage!
      @dataProduct(id: "${DATA_PRODUCT_ID}")
    "The regions and industries the indices are cut by (public classifications)."
    electricityIndexDimensions: ElectricityIndexDimensions!
  }

  enum PeriodKind { DAY MONTH }
  enum RegionLevel { CITY PROVINCE GBA }
  enum IndustryLevel { DIVISION SECTION ALL }

  input ElectricityIndexQuery {
    periodKind: PeriodKind!
    "Inclusive bounds on the period code: YYYY-MM-DD for days, YYYY-MM (or YYYY-01+02) for months."
    from: String
    to: String
    regionLevels: [RegionLevel!]
    "GB/T 2260 codes (GBA for the whole area)."
    regionCodes: [String!]
    industryLevels: [IndustryLevel!]
    "GB/T 4754 section letters or two-digit divisions, RES for households, ALL."
    industryCodes: [String!]
  }

  type ElectricityIndexPage @dataProduct(id: "${DATA_PRODUCT_ID}") {
    cells: [ElectricityIndexCell!]!
    totalCount: Int!
    "Pass as \`after\` for the next page; null on the last page."
    nextCursor: String
  }

  type ElectricityIndexCell @dataProduct(id: "${DATA_PRODUCT_ID}") {
    periodKind: PeriodKind!
    period: String!
    regionLevel: RegionLevel!
    regionCode: String!
    regionName: String!
    industryLevel: IndustryLevel!
    industryCode: String!
    industryName: String!
    suppressed: Boolean!
    suppressionReason: String
    consumptionKwh: Float
    "Year-on-year growth of the daily mean, %."
    yoyPct: Float
    "Growth against the previous period (month; day for day cells), %."
    momPct: Float
    "Mean daily consumption relative to the base period, base = 100."
    baseIndex: Float
    "Share of enterprises above the threshold of their baseline daily use, %."
    resumptionOfWorkIndex: Float
    "Enterprises' daily use relative to their baseline, %."
    productionRecoveryRate: Float
    "Share of industries one level down that grew (year on year by default), %."
    diffusionIndex: Float
  }

  type ElectricityIndexDimensions {
    regions: [DimensionNode!]!
    industries: [DimensionNode!]!
    periodsByKind: [PeriodList!]!
  }

  type DimensionNode {
    code: String!
    level: String!
    nameEn: String!
    nameZh: String!
    parent: String
  }

  type PeriodList {
    periodKind: PeriodKind!
    periods: [String!]!
  }
`;

export interface EnergyContext {
  request: Request;
}

export interface EnergyServices {
  indices: () => ElectricityIndices;
  grants: GrantVerifier;
  maxPageSize: number;
}

const upper = (s: string) => s.toUpperCase();
const lower = <T extends string>(s: string) => s.toLowerCase() as T;

/** Verifies the grant and narrows the query; the errors carry stable codes and an actionable reason. */
export async function authorizedQuery(services: EnergyServices, header: string | null, query: IndexQuery): Promise<{ grant: GrantClaims; query: IndexQuery }> {
  const grant = await services.grants.verify(header);
  return { grant, query: restrictQuery(validateQuery(query), grant) };
}

export class QueryInvalid extends Error {
  readonly code = 'BAD_USER_INPUT';
}

/** Checks codes against the classifications so a typo is an error, not an empty answer. */
export function validateQuery(query: IndexQuery): IndexQuery {
  const ref = classifications();
  for (const code of query.regionCodes ?? []) if (!ref.regionByCode.has(code)) throw new QueryInvalid(`query.regionCodes: "${code}" is not a region of the indices (a Guangdong Greater Bay Area city, 440000 or GBA)`);
  for (const code of query.industryCodes ?? []) if (!ref.industryByCode.has(code)) throw new QueryInvalid(`query.industryCodes: "${code}" is not a GB/T 4754 section, two-digit division, RES or ALL`);
  for (const field of ['from', 'to'] as const) {
    const value = query[field];
    if (value !== undefined && !/^\d{4}-\d{2}(-\d{2}|-01\+02)?$/.test(value)) throw new QueryInvalid(`query.${field}: "${value}" must be YYYY-MM-DD, YYYY-MM or YYYY-01+02`);
  }
  return query;
}

export function toGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GrantError) return new GraphQLError(error.message, { extensions: { code: error.code, http: { status: error.code === 'GRANT_MISSING' ? 401 : 403 } } });
  if (error instanceof AccessDenied) return new GraphQLError(error.message, { extensions: { code: error.code, http: { status: 403 } } });
  if (error instanceof QueryInvalid) return new GraphQLError(error.message, { extensions: { code: error.code } });
  throw error;
}

function cellOut(cell: IndexCell) {
  const ref = classifications();
  return {
    ...cell,
    periodKind: upper(cell.periodKind),
    regionLevel: upper(cell.regionLevel),
    industryLevel: upper(cell.industryLevel),
    regionName: ref.regionByCode.get(cell.regionCode)?.nameEn ?? cell.regionCode,
    industryName: ref.industryByCode.get(cell.industryCode)?.nameEn ?? cell.industryCode,
  };
}

interface QueryArgs {
  query: { periodKind: string; from?: string; to?: string; regionLevels?: string[]; regionCodes?: string[]; industryLevels?: string[]; industryCodes?: string[] };
  first: number;
  after?: string;
}

export function energySchema(services: EnergyServices) {
  return buildSubgraphSchema({
    typeDefs,
    resolvers: {
      Query: {
        electricityIndices: async (_: unknown, args: QueryArgs, context: unknown) => {
          const requested: IndexQuery = {
            periodKind: lower<PeriodKind>(args.query.periodKind),
            from: args.query.from ?? undefined,
            to: args.query.to ?? undefined,
            regionLevels: args.query.regionLevels?.map((l) => lower<RegionNodeLevel>(l)),
            regionCodes: args.query.regionCodes ?? undefined,
            industryLevels: args.query.industryLevels?.map((l) => lower<IndustryNodeLevel>(l)),
            industryCodes: args.query.industryCodes ?? undefined,
          };
          let query: IndexQuery;
          try {
            ({ query } = await authorizedQuery(services, (context as EnergyContext).request.headers.get(GRANT_HEADER), requested));
          } catch (error) {
            throw toGraphQLError(error);
          }
          if (!Number.isInteger(args.first) || args.first < 1 || args.first > services.maxPageSize) {
            throw new GraphQLError(`first: must be between 1 and ${services.maxPageSize}`, { extensions: { code: 'BAD_USER_INPUT' } });
          }
          const offset = args.after ? decodeCursor(args.after) : 0;
          const cells: ReturnType<typeof cellOut>[] = [];
          let total = 0;
          for (const cell of services.indices().query(query)) {
            if (total >= offset && cells.length < args.first) cells.push(cellOut(cell));
            total++;
          }
          return { cells, totalCount: total, nextCursor: offset + cells.length < total ? encodeCursor(offset + cells.length) : null };
        },
        electricityIndexDimensions: () => {
          const ref = classifications();
          const indices = services.indices();
          return {
            regions: ref.regions,
            industries: ref.industries,
            periodsByKind: (['day', 'month'] as const).map((kind) => ({ periodKind: upper(kind), periods: indices.periods(kind) })),
          };
        },
      },
    },
  });
}

function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new GraphQLError('after: not a cursor returned by electricityIndices', { extensions: { code: 'BAD_USER_INPUT' } });
  return Number(match[1]);
}
