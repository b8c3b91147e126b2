// Partner orgs and their public keys, from configuration until the partner registry exists:
// a JSON file `{ "orgs": [{ "orgId": "tx-maker", "jwks": { "keys": [ ... ] } }] }`.
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';

export interface PartnerOrg {
  orgId: string;
  /** Public keys whose JWTs are this org's (iss = orgId). */
  jwks: { keys: JWK[] };
}

export function loadPartnersFile(path: string): PartnerOrg[] {
  return parsePartners(readFileSync(path, 'utf8'), path);
}

/** Parses `{"orgs": [{orgId, jwks: {keys}}]}` (a file's or an env var's text, named by `source`). */
export function parsePartners(text: string, source: string): PartnerOrg[] {
  const path = source;
  const parsed = JSON.parse(text) as { orgs?: unknown };
  if (!Array.isArray(parsed.orgs)) throw new Error(`${path}: expected {"orgs": [{orgId, jwks}]}`);
  return parsed.orgs.map((org, i) => {
    const o = org as Partial<PartnerOrg>;
    if (typeof o.orgId !== 'string' || !o.jwks || !Array.isArray(o.jwks.keys)) throw new Error(`${path}: orgs[${i}] needs orgId and jwks.keys`);
    return { orgId: o.orgId, jwks: { keys: o.jwks.keys } };
  });
}
