// Gateway configuration from environment variables (sane local defaults; every bad value is
// reported with the variable's name and the rule it broke).
import { readFileSync } from 'node:fs';
import type { Ledger } from '@gridspace/ledger';
import { watchRegistryFile } from '@gridspace/partners';
import type { GatewayConfig } from './config.js';

export const DEFAULT_SUBGRAPHS = 'ledger=http://127.0.0.1:4001/graphql,energy=http://127.0.0.1:4002/graphql,identifiers=http://127.0.0.1:8000/graphql';

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name}: must be an integer >= ${min}, not "${raw}"`);
  return value;
}

/**
 * GRIDSPACE_GATEWAY_HOST (127.0.0.1), GRIDSPACE_GATEWAY_PORT (4000), GRIDSPACE_SUBGRAPHS
 * (name=url,...), GRIDSPACE_PARTNER_REGISTRY (file; required unless `registry` is given),
 * GRIDSPACE_GATEWAY_AUDIENCE, GRIDSPACE_GATEWAY_ENFORCEMENT (on|off), GRIDSPACE_GATEWAY_GRANT_KEY
 * (key file), GRIDSPACE_GATEWAY_RECOMPOSE_MS, GRIDSPACE_GATEWAY_MAX_DEPTH / _MAX_TOKENS /
 * _MAX_ALIASES / _MAX_COST, GRIDSPACE_GATEWAY_RATE_PER_SECOND (0 = off) and _RATE_BURST,
 * GRIDSPACE_GATEWAY_PERSISTED_DOCUMENTS (JSON file {id: query}), GRIDSPACE_GATEWAY_DEV (1: GraphiQL),
 * GRIDSPACE_SUPERGRAPH (a ready supergraph SDL file, served instead of composing),
 * GRIDSPACE_GATEWAY_RECEIPT_JOURNAL (file keeping unsent usage receipts across a crash).
 */
export function gatewayConfigFromEnv(ledger: Ledger, env: NodeJS.ProcessEnv = process.env, given: Partial<GatewayConfig> = {}): GatewayConfig {
  const subgraphs = (env.GRIDSPACE_SUBGRAPHS ?? DEFAULT_SUBGRAPHS)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [name, url] = entry.split('=');
      if (!name || !url || !/^https?:\/\//.test(url)) throw new Error(`GRIDSPACE_SUBGRAPHS: each entry must be name=http(s)://host:port/path, not "${entry}"`);
      return { name, url };
    });
  const registryPath = env.GRIDSPACE_PARTNER_REGISTRY;
  if (!given.registry && !registryPath) throw new Error('GRIDSPACE_PARTNER_REGISTRY: is required (path of the partner registry file)');
  const enforcement = env.GRIDSPACE_GATEWAY_ENFORCEMENT ?? 'on';
  if (enforcement !== 'on' && enforcement !== 'off') throw new Error(`GRIDSPACE_GATEWAY_ENFORCEMENT: must be on or off, not "${enforcement}"`);
  const rate = integer(env, 'GRIDSPACE_GATEWAY_RATE_PER_SECOND', 50);
  const documentsPath = env.GRIDSPACE_GATEWAY_PERSISTED_DOCUMENTS;
  let documents: Record<string, string> | undefined;
  if (documentsPath) {
    try {
      documents = JSON.parse(readFileSync(documentsPath, 'utf8')) as Record<string, string>;
    } catch (error) {
      throw new Error(`GRIDSPACE_GATEWAY_PERSISTED_DOCUMENTS: ${documentsPath} must be a JSON object {documentId: query} (${(error as Error).message})`);
    }
  }
  const supergraphPath = env.GRIDSPACE_SUPERGRAPH;
  let supergraphSdl: string | undefined;
  if (supergraphPath) {
    try {
      supergraphSdl = readFileSync(supergraphPath, 'utf8');
    } catch (error) {
      throw new Error(`GRIDSPACE_SUPERGRAPH: cannot read ${supergraphPath} (${(error as Error).message})`);
    }
  }
  return {
    host: env.GRIDSPACE_GATEWAY_HOST ?? '127.0.0.1',
    ...(supergraphSdl ? { supergraphSdl } : {}),
    port: integer(env, 'GRIDSPACE_GATEWAY_PORT', 4000),
    subgraphs,
    registry: registryPath ? watchRegistryFile(registryPath) : given.registry!,
    ledger,
    audience: env.GRIDSPACE_GATEWAY_AUDIENCE,
    enforcement: enforcement === 'on',
    grantKeyFile: env.GRIDSPACE_GATEWAY_GRANT_KEY,
    recomposeIntervalMs: integer(env, 'GRIDSPACE_GATEWAY_RECOMPOSE_MS', 10_000),
    limits: {
      maxDepth: integer(env, 'GRIDSPACE_GATEWAY_MAX_DEPTH', 12, 1),
      maxTokens: integer(env, 'GRIDSPACE_GATEWAY_MAX_TOKENS', 2000, 1),
      maxAliases: integer(env, 'GRIDSPACE_GATEWAY_MAX_ALIASES', 15, 0),
      maxCost: integer(env, 'GRIDSPACE_GATEWAY_MAX_COST', 5000, 1),
    },
    rateLimit: rate === 0 ? false : { perSecond: rate, burst: integer(env, 'GRIDSPACE_GATEWAY_RATE_BURST', rate * 2, 1) },
    ...(documents ? { persistedDocuments: { documents } } : {}),
    development: env.GRIDSPACE_GATEWAY_DEV === '1',
    ...(env.GRIDSPACE_GATEWAY_RECEIPT_JOURNAL ? { receipts: { journalFile: env.GRIDSPACE_GATEWAY_RECEIPT_JOURNAL } } : {}),
    ...given,
  };
}
