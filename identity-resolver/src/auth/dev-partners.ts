// Dev partner keys for a local network while there is no partner registry: one Ed25519 key per
// demo org, kept in the data folder so tokens can be minted (`devToken`) by tests and the CLI.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { PartnerOrg } from './partners.js';

/** Demo org ids (ledger/src/identity/dev-orgs.ts) that use the resolver. */
export const DEMO_ORGS = ['gd-grid', 'tx-maker', 'cable-maker'] as const;
export const DEMO_PREFIXES: Record<string, string> = { 'tx-maker': '1001', 'cable-maker': '1002' };

export interface DevPartnerKeys {
  partners: PartnerOrg[];
  privateJwks: Record<string, JWK>;
}

export async function generatePartnerKeys(orgIds: readonly string[]): Promise<DevPartnerKeys> {
  const privateJwks: Record<string, JWK> = {};
  const partners: PartnerOrg[] = [];
  for (const orgId of orgIds) {
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const jwk = await exportJWK(privateKey);
    privateJwks[orgId] = { ...jwk, alg: 'EdDSA', kid: `${orgId}-dev` };
    const { d: _d, ...pub } = jwk;
    partners.push({ orgId, jwks: { keys: [{ ...pub, alg: 'EdDSA', kid: `${orgId}-dev`, use: 'sig' }] } });
  }
  return { partners, privateJwks };
}

/** Loads (or creates) `<dataDir>/dev-partner-keys.json`. */
export async function loadOrCreateDevPartners(dataDir: string): Promise<DevPartnerKeys> {
  const path = join(dataDir, 'dev-partner-keys.json');
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as DevPartnerKeys;
  const keys = await generatePartnerKeys(DEMO_ORGS);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

/** A partner JWT (iss = org id) as the gateway or an org's client would present it. */
export async function partnerToken(orgId: string, privateJwk: JWK, options: { audience?: string; expiresIn?: string } = {}): Promise<string> {
  const key = await importJWK(privateJwk, 'EdDSA');
  return new SignJWT({ org: orgId })
    .setProtectedHeader({ alg: 'EdDSA', kid: privateJwk.kid })
    .setIssuer(orgId)
    .setSubject(orgId)
    .setAudience(options.audience ?? 'gridspace')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(key);
}
