// Where `gridspace start` puts things: the data folder, the host and every port, and how much
// demo data it seeds. Environment variables with local defaults; bad values name the variable.
import { resolve } from 'node:path';
import { ledgerKindFromEnv } from '@gridspace/ledger';

export interface NetworkPorts {
  gateway: number;
  ledger: number;
  energy: number;
  /** First partner subgraph port: the datasheet subgraph gets it, the interconnector flows the next. */
  partners: number;
  /** Second-level node. */
  resolver: number;
  /** Local top-level node. */
  topLevel: number;
  /** The web portal. */
  portal: number;
  /** The demo identity provider (one OpenID Connect issuer per demo org). */
  identityProvider: number;
}

export interface DemoSize {
  /** Synthetic meter customers. */
  customers: number;
  /** Days of readings. */
  days: number;
  /** First day of readings, YYYY-MM-DD. */
  start: string;
  /** Identifiers the transformer maker registers at first start. */
  identifiers: number;
}

export interface NetworkOptions {
  dataDir: string;
  host: string;
  /** 0 = a free port. */
  ports: NetworkPorts;
  demo: DemoSize;
  /** GraphiQL on the gateway. */
  development: boolean;
  /** Largest operation cost the gateway admits: a page of 5,000 index cells costs about 160,000. */
  maxCost: number;
  /** How often the gateway checks subgraph schemas (ms). */
  recomposeIntervalMs: number;
  /** Lifetime of the demo identity provider's access tokens, seconds. */
  accessTokenTtlSeconds: number;
  /** The environment the ledger is chosen from (GRIDSPACE_LEDGER, GRIDSPACE_FABRIC_*). */
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export const DEFAULT_PORTS: NetworkPorts = { gateway: 4000, ledger: 4001, energy: 4002, partners: 4100, resolver: 8000, topLevel: 8001, portal: 3000, identityProvider: 3001 };

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name}: must be an integer from ${min} to ${max}, not "${raw}"`);
  return value;
}

const port = (env: NodeJS.ProcessEnv, name: string, fallback: number) => integer(env, name, fallback, 0, 65535);

/** The year before this one: a whole calendar year of readings. */
const lastYear = () => `${new Date().getUTCFullYear() - 1}-01-01`;

export function networkOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): NetworkOptions {
  ledgerKindFromEnv(env); // a wrong GRIDSPACE_LEDGER is reported before anything starts
  const start = env.GRIDSPACE_DEMO_START ?? lastYear();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || Number.isNaN(Date.parse(start))) throw new Error(`GRIDSPACE_DEMO_START: must be a date YYYY-MM-DD, not "${start}"`);
  return {
    dataDir: resolve(env.GRIDSPACE_DATA_DIR ?? '.gridspace'),
    host: env.GRIDSPACE_HOST ?? '127.0.0.1',
    ports: {
      gateway: port(env, 'GRIDSPACE_GATEWAY_PORT', DEFAULT_PORTS.gateway),
      ledger: port(env, 'GRIDSPACE_LEDGER_PORT', DEFAULT_PORTS.ledger),
      energy: port(env, 'GRIDSPACE_ENERGY_PORT', DEFAULT_PORTS.energy),
      partners: port(env, 'GRIDSPACE_PARTNER_PORT', DEFAULT_PORTS.partners),
      resolver: port(env, 'GRIDSPACE_RESOLVER_PORT', DEFAULT_PORTS.resolver),
      topLevel: port(env, 'GRIDSPACE_TOP_LEVEL_PORT', DEFAULT_PORTS.topLevel),
      portal: port(env, 'GRIDSPACE_PORTAL_PORT', DEFAULT_PORTS.portal),
      identityProvider: port(env, 'GRIDSPACE_IDP_PORT', DEFAULT_PORTS.identityProvider),
    },
    demo: {
      customers: integer(env, 'GRIDSPACE_DEMO_CUSTOMERS', 2000, 50, 1_000_000),
      days: integer(env, 'GRIDSPACE_DEMO_DAYS', 365, 28, 3660),
      start,
      identifiers: integer(env, 'GRIDSPACE_DEMO_IDENTIFIERS', 100, 1, 2000),
    },
    development: (env.GRIDSPACE_GATEWAY_DEV ?? '1') === '1',
    maxCost: integer(env, 'GRIDSPACE_GATEWAY_MAX_COST', 250_000, 1, 1e9),
    recomposeIntervalMs: integer(env, 'GRIDSPACE_GATEWAY_RECOMPOSE_MS', 10_000, 0, 86_400_000),
    accessTokenTtlSeconds: integer(env, 'GRIDSPACE_IDP_TOKEN_TTL', 3600, 10, 86_400),
    env,
    log: (line) => console.log(`gridspace: ${line}`),
  };
}
