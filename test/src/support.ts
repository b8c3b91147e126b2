// The network as `npm start` runs it, started in-process on free ports with a temporary data
// folder, and small HTTP helpers that call it as a partner would (real ES256 tokens).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { networkOptionsFromEnv, startNetwork, tokenFor, type RunningNetwork, type TokenRequest } from '@gridspace/cli';

export const PURPOSE = 'macro-economic-monitoring';

/** Environment for a small, quick network on free ports (a year of readings of 600 customers). */
export function testEnv(dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GRIDSPACE_DATA_DIR: dataDir,
    GRIDSPACE_GATEWAY_PORT: '0',
    GRIDSPACE_LEDGER_PORT: '0',
    GRIDSPACE_ENERGY_PORT: '0',
    GRIDSPACE_PARTNER_PORT: '0',
    GRIDSPACE_RESOLVER_PORT: '0',
    GRIDSPACE_TOP_LEVEL_PORT: '0',
    GRIDSPACE_PORTAL_PORT: '0',
    GRIDSPACE_IDP_PORT: '0',
    GRIDSPACE_DEMO_CUSTOMERS: '600',
    GRIDSPACE_DEMO_DAYS: '365',
    GRIDSPACE_GATEWAY_RECOMPOSE_MS: '0',
  };
}

export interface TestNetwork {
  network: RunningNetwork;
  dataDir: string;
  token(request: TokenRequest): Promise<string>;
  /** POSTs a GraphQL operation to the gateway as `org` (anonymous with null). */
  graphql<T = Record<string, any>>(org: string | null, query: string, variables?: Record<string, unknown>, purpose?: string): Promise<GraphQLResponse<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export async function startTestNetwork(env: NodeJS.ProcessEnv = {}): Promise<TestNetwork> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridspace-e2e-'));
  const options = { ...networkOptionsFromEnv({ ...testEnv(dataDir), ...env }), log: () => undefined };
  const network = await startNetwork(options, { quiet: true });
  const token = (request: TokenRequest) => tokenFor(dataDir, request);
  return {
    network,
    dataDir,
    token,
    async graphql(org, query, variables = {}, purpose) {
      const response = await fetch(network.urls.gateway, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(org ? { authorization: `Bearer ${await token({ org })}` } : {}),
          ...(purpose ? { 'x-gridspace-purpose': purpose } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async close() {
      await network.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Retries `check` until it returns a value (not undefined) or `attempts` run out. */
export async function eventually<T>(check: () => Promise<T | undefined>, attempts = 100, pauseMs = 50): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  throw new Error(`condition not reached after ${attempts} attempts`);
}

export const transformerItems = (n: number) => ({
  model: ['S13-M-400/10', 'S13-M-630/10', 'S13-M-1000/10'][n % 3],
  ratedKva: [400, 630, 1000][n % 3],
  productionDate: `2026-03-${String(1 + (n % 28)).padStart(2, '0')}`,
  testCertificateSha256: Buffer.from(String(n).padStart(32, '0')).toString('hex'),
});
