// Dev tokens of the demo orgs, signed with their keys from the data folder. A light entry point
// (`@gridspace/partners/dev-tokens`: jose and the file system only), so a command line can sign a
// token without loading the registry's validation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import { DEFAULT_AUDIENCE } from './audiences.js';

/** What signing needs of the demo partners: each org's issuer, and the folder of the dev keys. A `DevPartners` is one. */
export interface DevTokenSigners {
  registry: { readonly orgs: ReadonlyArray<{ readonly id: string; readonly issuer: string }> };
  keysDir: string;
}

export interface DevTokenOptions {
  audience?: string;
  subject?: string;
  roles?: string[];
  purpose?: string;
  /** e.g. `1h` (default), `15m`. */
  expiresIn?: string;
  /** Extra claims. */
  claims?: Record<string, unknown>;
}

/** A token for a demo org, signed with its dev key. */
export async function issueDevToken(partners: DevTokenSigners, orgId: string, options: DevTokenOptions = {}): Promise<string> {
  const org = partners.registry.orgs.find((o) => o.id === orgId);
  if (!org) throw new Error(`org: ${orgId} is not in the partner registry (known: ${partners.registry.orgs.map((o) => o.id).join(', ')})`);
  const jwk = JSON.parse(readFileSync(join(partners.keysDir, `${orgId}.private.jwk.json`), 'utf8')) as JWK;
  const key = await importJWK(jwk, 'ES256');
  return new SignJWT({
    org: orgId,
    ...(options.roles ? { roles: options.roles } : {}),
    ...(options.purpose ? { purpose: options.purpose } : {}),
    ...options.claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid!, typ: 'JWT' })
    .setIssuer(org.issuer)
    .setAudience(options.audience ?? DEFAULT_AUDIENCE)
    .setSubject(options.subject ?? `${orgId}-dev-user`)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(key);
}
