// Starts the `energy` subgraph: GraphQL at /graphql (graphql-yoga, federation v2 schema), the CSV
// export at /export/electricity-economic-indices.csv behind the same grant check, /healthz.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import { stringify } from 'csv-stringify/sync';
import type { JSONWebKeySet } from 'jose';
import { openStore, type Store } from '../storage/store.js';
import { loadMeterData } from '../indices/meter-data.js';
import { computeIndices, type ElectricityIndices, type IndexOptions, type IndexQuery, type PeriodKind } from '../indices/indices.js';
import type { IndustryNodeLevel, RegionNodeLevel } from '../reference/classifications.js';
import { GRANT_HEADER, GrantError, GrantVerifier } from './grant.js';
import { AccessDenied } from './access.js';
import { authorizedQuery, energySchema, QueryInvalid } from './schema.js';

export interface EnergySubgraphConfig {
  /** Default GRIDSPACE_ENERGY_PORT or 4002; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Database of readings (see openStore). Ignored when `store` or `indices` is given. */
  databaseUrl?: string;
  store?: Store;
  /** Precomputed indices (otherwise computed from the store at start and on refresh()). */
  indices?: ElectricityIndices;
  indexOptions?: IndexOptions;
  /** The gateway's grant keys. Default: GRIDSPACE_GATEWAY_JWKS (inline JSON) or GRIDSPACE_GATEWAY_JWKS_URL. */
  grants?: { jwks?: JSONWebKeySet; jwksUrl?: string; issuer?: string };
  /** Largest page of cells per GraphQL call. Default 10000. */
  maxPageSize?: number;
  log?: (line: string) => void;
}

export interface EnergySubgraph {
  /** GraphQL endpoint. */
  url: string;
  /** CSV export endpoint. */
  exportUrl: string;
  /** Recomputes the indices from the store (after an import). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

export const EXPORT_PATH = '/export/electricity-economic-indices.csv';

export const CSV_COLUMNS = [
  'period_kind', 'period', 'region_level', 'region_code', 'industry_level', 'industry_code', 'suppressed', 'suppression_reason',
  'consumption_kwh', 'yoy_pct', 'mom_pct', 'base_index', 'resumption_of_work_index', 'production_recovery_rate', 'diffusion_index',
] as const;

function grantConfigFromEnv(): EnergySubgraphConfig['grants'] {
  if (process.env.GRIDSPACE_GATEWAY_JWKS) return { jwks: JSON.parse(process.env.GRIDSPACE_GATEWAY_JWKS) as JSONWebKeySet, issuer: process.env.GRIDSPACE_GRANT_ISSUER };
  if (process.env.GRIDSPACE_GATEWAY_JWKS_URL) return { jwksUrl: process.env.GRIDSPACE_GATEWAY_JWKS_URL, issuer: process.env.GRIDSPACE_GRANT_ISSUER };
  return undefined;
}

export async function startEnergySubgraph(config: EnergySubgraphConfig = {}): Promise<EnergySubgraph> {
  const log = config.log ?? ((line: string) => console.log(line));
  const grantConfig = config.grants ?? grantConfigFromEnv();
  if (!grantConfig) throw new Error('energy subgraph: grants.jwks or grants.jwksUrl is required (or GRIDSPACE_GATEWAY_JWKS / GRIDSPACE_GATEWAY_JWKS_URL)');
  const grants = new GrantVerifier(grantConfig);
  const ownsStore = !config.store && !config.indices;
  const store = config.indices ? undefined : (config.store ?? (await openStore(config.databaseUrl)));
  const compute = async () => computeIndices(await loadMeterData(store!), config.indexOptions);
  let indices = config.indices ?? (await compute());
  const services = { indices: () => indices, grants, maxPageSize: config.maxPageSize ?? 10_000 };

  const yoga = createYoga({ schema: energySchema(services), graphqlEndpoint: '/graphql', landingPage: false, logging: false });
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === EXPORT_PATH) return void exportCsv(req, res, services).catch((error) => sendError(res, 500, 'INTERNAL', (error as Error).message));
    if (path === '/healthz') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return void yoga.handle(req, res);
  });
  const port = config.port ?? Number(process.env.GRIDSPACE_ENERGY_PORT ?? 4002);
  const host = config.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const base = `http://${host}:${(server.address() as AddressInfo).port}`;
  log(`energy subgraph: GraphQL ${base}/graphql, CSV export ${base}${EXPORT_PATH}`);
  return {
    url: `${base}/graphql`,
    exportUrl: `${base}${EXPORT_PATH}`,
    async refresh() {
      if (!store) throw new Error('energy subgraph: started on precomputed indices, nothing to refresh from');
      indices = await compute();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownsStore) await store?.close();
    },
  };
}

function list(params: URLSearchParams, name: string): string[] | undefined {
  const value = params.get(name);
  return value ? value.split(',').map((v) => v.trim()).filter(Boolean) : undefined;
}

/** GET ?periodKind=month&from=&to=&regionLevels=city,province&regionCodes=&industryLevels=&industryCodes= */
async function exportCsv(req: IncomingMessage, res: ServerResponse, services: { indices: () => ElectricityIndices; grants: GrantVerifier }): Promise<void> {
  if (req.method !== 'GET') return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'use GET');
  const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const periodKind = params.get('periodKind') ?? 'month';
  if (periodKind !== 'day' && periodKind !== 'month') return sendError(res, 400, 'BAD_USER_INPUT', 'periodKind: must be "day" or "month"');
  const requested: IndexQuery = {
    periodKind: periodKind as PeriodKind,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    regionLevels: list(params, 'regionLevels') as RegionNodeLevel[] | undefined,
    regionCodes: list(params, 'regionCodes'),
    industryLevels: list(params, 'industryLevels') as IndustryNodeLevel[] | undefined,
    industryCodes: list(params, 'industryCodes'),
  };
  for (const [name, allowed] of [['regionLevels', ['city', 'province', 'gba']], ['industryLevels', ['division', 'section', 'all']]] as const) {
    const bad = (requested[name] as string[] | undefined)?.find((l) => !(allowed as readonly string[]).includes(l));
    if (bad) return sendError(res, 400, 'BAD_USER_INPUT', `${name}: "${bad}" is not one of ${allowed.join(', ')}`);
  }
  let query: IndexQuery;
  try {
    ({ query } = await authorizedQuery(services as never, headerValue(req), requested));
  } catch (error) {
    if (error instanceof GrantError) return sendError(res, error.code === 'GRANT_MISSING' ? 401 : 403, error.code, error.message);
    if (error instanceof AccessDenied) return sendError(res, 403, error.code, error.message);
    if (error instanceof QueryInvalid) return sendError(res, 400, error.code, error.message);
    throw error;
  }
  res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="electricity-economic-indices.csv"' });
  res.write(stringify([CSV_COLUMNS as unknown as string[]]));
  let rows: unknown[][] = [];
  const flush = () => {
    res.write(stringify(rows));
    rows = [];
  };
  for (const c of services.indices().query(query)) {
    rows.push([c.periodKind, c.period, c.regionLevel, c.regionCode, c.industryLevel, c.industryCode, String(c.suppressed), c.suppressionReason ?? '',
      c.consumptionKwh ?? '', c.yoyPct ?? '', c.momPct ?? '', c.baseIndex ?? '', c.resumptionOfWorkIndex ?? '', c.productionRecoveryRate ?? '', c.diffusionIndex ?? '']);
    if (rows.length >= 2000) flush();
  }
  if (rows.length) flush();
  res.end();
}

function headerValue(req: IncomingMessage): string | null {
  const value = req.headers[GRANT_HEADER];
  return Array.isArray(value) ? value.join(',') : (value ?? null);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code, message } }));
}
