// Gateway configuration: what startGateway needs, and how environment variables fill it.
import type { Ledger } from '@gridspace/ledger';
import type { PartnerRegistry } from '@gridspace/partners';
import type { SubgraphSource } from './composition/composer.js';
import type { Logger } from './observability/log.js';
import type { RateLimitOptions } from './protection/rate-limit.js';

export interface LimitsConfig {
  maxDepth: number;
  maxTokens: number;
  maxAliases: number;
  maxCost: number;
}

export interface GatewayConfig {
  host?: string;
  /** Default 4000; 0 picks a free port. */
  port?: number;
  /** Subgraphs from configuration (composed first); partner subgraphs come from the registry. */
  subgraphs: SubgraphSource[];
  /** Serve this ready federation v2 supergraph SDL instead of composing `subgraphs` (which may be empty). */
  supergraphSdl?: string;
  /** The partner registry, or a function returning the current one (reloads take effect at once). */
  registry: PartnerRegistry | (() => PartnerRegistry);
  /** The ledger: agreements, usage, events, and receipts submitted as provider identities. */
  ledger: Ledger;
  /** Ledger identity the gateway reads agreements with. Default `operator`. */
  ledgerIdentity?: string;
  /** Expected `aud` of partner tokens. Default `gridspace-gateway`. */
  audience?: string;
  /** Agreement enforcement (default on). Off only for measurements: every product is released. */
  enforcement?: boolean;
  /** Where the grant signing key lives (created on first start); default: an ephemeral key. */
  grantKeyFile?: string;
  /** How often subgraph schemas are checked for changes (ms); default 10 000; 0 = never. */
  recomposeIntervalMs?: number;
  limits?: Partial<LimitsConfig>;
  /** Per-org rate limit; default 50 requests/s with a burst of 100. `false` turns it off. */
  rateLimit?: RateLimitOptions | false;
  /** Persisted documents mode (production): only these documents (hash -> query) run. */
  persistedDocuments?: { documents: Record<string, string>; allowArbitraryDocuments?: boolean };
  /** Development mode: GraphiQL at /graphql. */
  development?: boolean;
  /** Receipt batching; `journalFile` keeps unsent receipts across a crash (recommended wherever the gateway serves partners). */
  receipts?: { intervalMs?: number; batchSize?: number; journalFile?: string };
  logger?: Logger;
}

export const DEFAULT_LIMITS: LimitsConfig = { maxDepth: 12, maxTokens: 2000, maxAliases: 15, maxCost: 5000 };
