// Configuration: environment variables with local defaults (see README.md).
import { join, resolve } from 'node:path';
import type { JWK } from 'jose';
import type { Ledger } from '@gridspace/ledger';
import type { AnchorSink } from './anchor/port.js';
import type { RegistrySource } from './auth/registry.js';
import type { DatabaseConfig } from './store/datasource.js';

export type NodeMode = 'second-level' | 'top-level';

/**
 * Default `aud` of partner tokens for the resolver. Not the gateway's audience: the gateway forwards
 * callers' tokens to every subgraph, partner-run ones included, and those must not be able to
 * replay them here as write credentials.
 */
export const RESOLVER_AUDIENCE = 'gridspace-resolver';

export interface ResolverConfig {
  mode: NodeMode;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** This node's prefix: `88.188` (second-level) or `88` (top-level). */
  prefix: string;
  dataDir: string;
  database: DatabaseConfig;
  /** The partner registry (orgs, their JWT issuers and keys, prefixes), or a getter following its reloads. */
  registry?: RegistrySource;
  /** A partner registry file (JSON or YAML), re-read when it changes; used when `registry` is not given. */
  registryFile?: string;
  operatorOrg: string;
  /** Required `aud` of partner JWTs. */
  audience: string;
  /** URL other nodes reach this one at (HS_SITE); default http(s)://host:port. */
  publicUrl?: string;
  /** Web origins (e.g. the portal's) whose scripts may call this node; `*` for any. */
  corsOrigins?: string[];
  /** Second-level: the top-level node to apply to, resolve foreign prefixes through and report to. */
  topLevelUrl?: string;
  /** Root key that verifies prefix certificates (the top-level node's public JWK). */
  rootJwk?: JWK;
  traceUrlTemplate: string;
  cacheSize: number;
  foreignMaxTtlSeconds: number;
  foreignNegativeTtlSeconds: number;
  signatureLifetimeSeconds: number;
  /** Period of the signed statistics report to the top-level node; 0 turns it off. */
  statsIntervalMs: number;
  /** Top-level: approve applications at once (local federations) or wait for the operator. */
  autoApprove: boolean;
  /** PEM files: serve HTTPS when both are set. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tls?: { cert: string; key: string };
  /** On an empty store, allocate the registry's enterprise prefixes under this node's prefix to their owners. */
  seedDemo: boolean;
  /** Where batches' Merkle roots go; default: `ledgerAnchorSink(ledger, registry)` when `ledger` is given. */
  anchorSink?: AnchorSink;
  /** The ledger to anchor batches on (IdentifierAnchors:Anchor as the prefix owner's identity). */
  ledger?: Ledger;
  log: (message: string) => void;
}

const env = process.env;
const int = (name: string, fallback: number) => (env[name] !== undefined && env[name] !== '' ? Number.parseInt(env[name]!, 10) : fallback);
const bool = (name: string, fallback: boolean) => (env[name] === undefined || env[name] === '' ? fallback : ['1', 'true', 'yes'].includes(env[name]!.toLowerCase()));

/** The configuration from environment variables, overridden by `overrides`. */
export function resolveConfig(overrides: Partial<ResolverConfig> = {}): ResolverConfig {
  const mode = overrides.mode ?? ((env.GRIDSPACE_RESOLVER_MODE as NodeMode | undefined) ?? 'second-level');
  if (mode !== 'second-level' && mode !== 'top-level') throw new Error(`GRIDSPACE_RESOLVER_MODE: must be second-level or top-level, got "${String(mode)}"`);
  const topLevel = mode === 'top-level';
  const dataDir = resolve(overrides.dataDir ?? env.GRIDSPACE_RESOLVER_DATA_DIR ?? join('.gridspace', topLevel ? 'top-level-node' : 'identity-resolver'));
  const databaseUrl = env.GRIDSPACE_RESOLVER_DATABASE_URL;
  const rootJwk = env.GRIDSPACE_RESOLVER_ROOT_JWK ? (JSON.parse(env.GRIDSPACE_RESOLVER_ROOT_JWK) as JWK) : undefined;
  return {
    mode,
    host: env.GRIDSPACE_RESOLVER_HOST ?? '127.0.0.1',
    port: int('GRIDSPACE_RESOLVER_PORT', topLevel ? 8001 : 8000),
    prefix: env.GRIDSPACE_RESOLVER_PREFIX ?? (topLevel ? '88' : '88.188'),
    dataDir,
    database: databaseUrl ? { type: 'postgres', url: databaseUrl } : { type: 'sqlite', path: join(dataDir, 'resolver.sqlite') },
    registryFile: env.GRIDSPACE_PARTNER_REGISTRY || undefined,
    operatorOrg: env.GRIDSPACE_RESOLVER_OPERATOR_ORG ?? 'gd-grid',
    audience: env.GRIDSPACE_RESOLVER_AUDIENCE ?? RESOLVER_AUDIENCE,
    publicUrl: env.GRIDSPACE_RESOLVER_PUBLIC_URL,
    corsOrigins: (env.GRIDSPACE_RESOLVER_CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    topLevelUrl: env.GRIDSPACE_RESOLVER_TOP_LEVEL_URL,
    rootJwk,
    traceUrlTemplate: env.GRIDSPACE_RESOLVER_TRACE_URL ?? 'http://127.0.0.1:4000/trace/{handle}',
    cacheSize: int('GRIDSPACE_RESOLVER_CACHE_SIZE', 100_000),
    foreignMaxTtlSeconds: int('GRIDSPACE_RESOLVER_FOREIGN_MAX_TTL', 300),
    foreignNegativeTtlSeconds: int('GRIDSPACE_RESOLVER_FOREIGN_NEGATIVE_TTL', 30),
    signatureLifetimeSeconds: int('GRIDSPACE_RESOLVER_SIGNATURE_TTL', 3600),
    statsIntervalMs: int('GRIDSPACE_RESOLVER_STATS_INTERVAL_MS', 3_600_000),
    autoApprove: bool('GRIDSPACE_RESOLVER_AUTO_APPROVE', true),
    tlsCertFile: env.GRIDSPACE_RESOLVER_TLS_CERT,
    tlsKeyFile: env.GRIDSPACE_RESOLVER_TLS_KEY,
    seedDemo: bool('GRIDSPACE_RESOLVER_SEED_DEMO', !topLevel),
    log: (message: string) => console.log(`[identity-resolver${topLevel ? ' top-level' : ''}] ${message}`),
    ...overrides,
  };
}
