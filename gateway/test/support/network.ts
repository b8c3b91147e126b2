// A whole small network for the gateway's tests: a fresh embedded ledger with the demo orgs and
// two data products in the catalog, demo partners with real keys, the ledger subgraph, the test
// indices subgraph, and the gateway in front — every server on 127.0.0.1, port 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLedger, registerDevOrganizations } from '@gridspace/ledger';
import { startLedgerSubgraph } from '@gridspace/ledger/subgraph';
import { createTokenVerifier, ensureDevPartners, issueDevToken, type DevPartners, type DevTokenOptions } from '@gridspace/partners';
import { callerFromForwardedToken, silentLogger, startGateway, type GatewayConfig, type RunningGateway } from '../../src/index.js';
import { INDICES, LOAD_PROFILES, startIndicesSubgraph, type RunningIndicesSubgraph } from './indices-subgraph.js';

export interface TestNetwork {
  ledger: EmbeddedLedger;
  partners: DevPartners;
  gateway: RunningGateway;
  indices: RunningIndicesSubgraph;
  ledgerSubgraphUrl: string;
  /** The gateway's grant signing key (another gateway started with it is trusted by the subgraphs). */
  grantKeyFile: string;
  token(org: string, options?: DevTokenOptions): Promise<string>;
  /** POSTs a GraphQL request to the gateway as `org` (or anonymously with `null`). */
  query(org: string | null, query: string, options?: { variables?: Record<string, unknown>; purpose?: string; headers?: Record<string, string>; tokenOptions?: DevTokenOptions }): Promise<GraphQLResponse>;
  submit(identity: string, fn: string, ...args: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  data?: Record<string, any> | null; // eslint-disable-line @typescript-eslint/no-explicit-any
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export async function startTestNetwork(overrides: Partial<GatewayConfig> = {}, options: { partnerSubgraphs?: Record<string, string> } = {}): Promise<TestNetwork> {
  const dir = mkdtempSync(join(tmpdir(), 'gridspace-gateway-'));
  const ledger = await EmbeddedLedger.open({ dataDir: join(dir, 'ledger') });
  const submit = async (identity: string, fn: string, ...args: unknown[]) =>
    JSON.parse((await ledger.submit({ identity, fn, args: args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))) })).result) as unknown;
  await registerDevOrganizations(ledger);
  for (const [id, field] of [
    [INDICES, 'Query.electricityIndices'],
    [LOAD_PROFILES, 'Query.substationLoad'],
  ]) {
    await submit('operator', 'Catalog:Publish', {
      id,
      version: '1.0.0',
      title: id,
      provider: 'gd-grid',
      graphqlCoordinates: [field],
      offers: [{ id: 'standard', policy: { target: id, permissions: [{ action: 'use', constraints: [{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['macro-economic-monitoring'] }] }] } }],
    });
  }
  const partners = await ensureDevPartners(dir, { subgraphUrls: options.partnerSubgraphs });
  const verifier = createTokenVerifier(() => partners.registry);
  const ledgerSubgraph = await startLedgerSubgraph({ ledger, authenticate: callerFromForwardedToken(verifier), port: 0 });
  const started: { gateway?: RunningGateway } = {};
  const indices = await startIndicesSubgraph(() => `${started.gateway!.origin}/.well-known/jwks.json`);
  const gateway = await startGateway({
    port: 0,
    ledger,
    registry: partners.registry,
    subgraphs: [
      { name: 'ledger', url: ledgerSubgraph.url },
      { name: 'energy', url: indices.url },
    ],
    recomposeIntervalMs: 0,
    grantKeyFile: join(dir, 'grant-key.jwk.json'),
    receipts: { intervalMs: 50 },
    rateLimit: false,
    logger: process.env.GRIDSPACE_TEST_LOGS ? undefined : silentLogger,
    ...overrides,
  });
  started.gateway = gateway;
  const running = gateway;
  const token = (org: string, options?: DevTokenOptions) => issueDevToken(partners, org, options);
  return {
    ledger,
    partners,
    gateway: running,
    indices,
    ledgerSubgraphUrl: ledgerSubgraph.url,
    grantKeyFile: join(dir, 'grant-key.jwk.json'),
    token,
    submit,
    async query(org, query, options = {}) {
      const response = await fetch(running.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(org ? { authorization: `Bearer ${await token(org, options.tokenOptions)}` } : {}),
          ...(options.purpose ? { 'x-gridspace-purpose': options.purpose } : {}),
          ...options.headers,
        },
        body: JSON.stringify({ query, variables: options.variables ?? {} }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse, 'status' | 'headers'>;
      return { status: response.status, headers: response.headers, ...body };
    },
    async close() {
      await running.close();
      await indices.close();
      await ledgerSubgraph.close();
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
