// The demo partners of a local network: the orgs of the ledger's dev-orgs, each with an ES256
// key pair generated into the data folder on first use (private keys never leave it and are
// never committed), and a registry file naming their public keys (dev tokens: dev-tokens.ts).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_ORGS } from '@gridspace/ledger';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { PartnerRegistry, type PartnerOrg } from './registry.js';

/** Enterprise prefixes of the demo suppliers. */
const DEV_PREFIXES: Record<string, string[]> = { 'tx-maker': ['88.188.1001'], 'cable-maker': ['88.188.1002'] };

export const devIssuer = (orgId: string) => `https://idp.${orgId}.gridspace.test`;

export interface DevPartners {
  registryPath: string;
  registry: PartnerRegistry;
  keysDir: string;
}

export interface DevPartnerOptions {
  /** Subgraph URLs of partner-run subgraphs, by org id. */
  subgraphUrls?: Record<string, string>;
  /** Each org's token issuer; default devIssuer (a name only, for tokens minted here). */
  issuerOf?: (orgId: string) => string;
}

/** Creates (once) the dev keys and registry under `<dataDir>/partners`; later calls reuse them. */
export async function ensureDevPartners(dataDir: string, options: DevPartnerOptions = {}): Promise<DevPartners> {
  const dir = join(dataDir, 'partners');
  const keysDir = join(dir, 'keys');
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const orgs: PartnerOrg[] = [];
  for (const dev of DEV_ORGS) {
    const keyPath = join(keysDir, `${dev.orgId}.private.jwk.json`);
    if (!existsSync(keyPath)) {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const jwk = { ...(await exportJWK(privateKey)), kid: `${dev.orgId}-${Date.now().toString(36)}`, alg: 'ES256' };
      writeFileSync(keyPath, JSON.stringify(jwk, null, 2), { mode: 0o600 });
      chmodSync(keyPath, 0o600);
    }
    const { d: _private, ...publicJwk } = JSON.parse(readFileSync(keyPath, 'utf8')) as JWK;
    orgs.push({
      id: dev.orgId,
      name: dev.name,
      type: dev.type,
      jurisdiction: dev.jurisdiction,
      mspId: dev.mspId,
      issuer: (options.issuerOf ?? devIssuer)(dev.orgId),
      algorithm: 'ES256',
      jwks: { keys: [publicJwk] },
      prefixes: DEV_PREFIXES[dev.orgId] ?? [],
      ...(options.subgraphUrls?.[dev.orgId] ? { subgraphUrl: options.subgraphUrls[dev.orgId] } : {}),
    });
  }
  const registry = new PartnerRegistry({ orgs });
  const registryPath = join(dir, 'registry.json');
  writeFileSync(registryPath, JSON.stringify({ orgs: registry.orgs }, null, 2));
  return { registryPath, registry, keysDir };
}
