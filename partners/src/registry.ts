// The partner registry: one validated JSON or YAML file naming every org of the network, how its
// JWTs are verified (issuer, pinned algorithm, JWKS inline or by URL), its enterprise prefixes
// and the subgraph it runs, if any.
import { readFileSync } from 'node:fs';
import {
  createValidator,
  InvalidArgumentError,
  JURISDICTION_SCHEMA,
  MSP_ID_SCHEMA,
  ORG_ID_SCHEMA,
  ORG_TYPES,
  PREFIX_SCHEMA,
  type OrgType,
} from '@gridspace/schemas';
import type { JSONWebKeySet } from 'jose';
import { parse as parseYaml } from 'yaml';

/** Asymmetric JWS algorithms only: a shared-secret (HS*) or unsigned token is never a partner's. */
export const PARTNER_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA'] as const;
export type PartnerAlgorithm = (typeof PARTNER_ALGORITHMS)[number];

export interface PartnerOrg {
  id: string;
  name: string;
  type: OrgType;
  jurisdiction: string;
  mspId: string;
  /** `iss` of this org's JWTs; unique in the registry. */
  issuer: string;
  /** The one algorithm this issuer signs with; tokens with any other `alg` are refused. */
  algorithm: PartnerAlgorithm;
  /** Public keys, inline ... */
  jwks?: JSONWebKeySet;
  /** ... or where to fetch them (cached; refetched on an unknown `kid`, so keys can rotate). */
  jwksUrl?: string;
  /** Enterprise identifier prefixes the org owns, e.g. `88.188.1001`. */
  prefixes: string[];
  /** GraphQL endpoint of a subgraph the org runs, composed into the supergraph. */
  subgraphUrl?: string;
}

export interface PartnerRegistryFile {
  orgs: PartnerOrg[];
}

const JWK_SCHEMA = {
  type: 'object',
  required: ['kty'],
  properties: {
    kty: { type: 'string' },
    kid: { type: 'string', minLength: 1 },
  },
} as const;

const PARTNER_ORG_SCHEMA = {
  type: 'object',
  required: ['id', 'name', 'type', 'jurisdiction', 'mspId', 'issuer', 'algorithm'],
  additionalProperties: false,
  properties: {
    id: ORG_ID_SCHEMA,
    name: { type: 'string', minLength: 1, maxLength: 200 },
    type: { enum: [...ORG_TYPES] },
    jurisdiction: JURISDICTION_SCHEMA,
    mspId: MSP_ID_SCHEMA,
    issuer: { type: 'string', minLength: 1, maxLength: 512 },
    algorithm: { enum: [...PARTNER_ALGORITHMS] },
    jwks: { type: 'object', required: ['keys'], properties: { keys: { type: 'array', minItems: 1, items: JWK_SCHEMA } } },
    jwksUrl: { type: 'string', format: 'uri', pattern: '^https?://', errorRule: 'must be an http(s) URL' },
    prefixes: { type: 'array', uniqueItems: true, items: PREFIX_SCHEMA },
    subgraphUrl: { type: 'string', format: 'uri', pattern: '^https?://', errorRule: 'must be an http(s) URL' },
  },
} as const;

export const PARTNER_REGISTRY_SCHEMA = {
  $id: 'https://gridspace.example/schemas/partner-registry.json',
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Partner registry',
  type: 'object',
  required: ['orgs'],
  additionalProperties: false,
  properties: { orgs: { type: 'array', minItems: 1, items: PARTNER_ORG_SCHEMA } },
} as const;

const ALGORITHM_KEY_TYPES: Record<string, string> = { ES: 'EC', PS: 'RSA', RS: 'RSA', Ed: 'OKP' };

/** What JSON Schema cannot say: exactly one key source, unique ids / issuers / MSPs / prefixes, keys fit the algorithm. */
function checkRegistry(registry: PartnerRegistryFile, root: string): InvalidArgumentError | undefined {
  const seen = { id: new Map<string, number>(), issuer: new Map<string, number>(), mspId: new Map<string, number>() };
  const prefixes = new Map<string, number>();
  for (const [i, org] of registry.orgs.entries()) {
    const at = `${root}.orgs[${i}]`;
    if ((org.jwks === undefined) === (org.jwksUrl === undefined)) return new InvalidArgumentError(`${at}.jwks`, 'exactly one of jwks (inline keys) or jwksUrl is required');
    for (const field of ['id', 'issuer', 'mspId'] as const) {
      const first = seen[field].get(org[field]);
      if (first !== undefined) return new InvalidArgumentError(`${at}.${field}`, `must be unique; ${org[field]} is already used by orgs[${first}]`);
      seen[field].set(org[field], i);
    }
    for (const [k, prefix] of (org.prefixes ?? []).entries()) {
      const first = prefixes.get(prefix);
      if (first !== undefined) return new InvalidArgumentError(`${at}.prefixes[${k}]`, `must be unique; ${prefix} is already owned by orgs[${first}]`);
      prefixes.set(prefix, i);
    }
    const keyType = ALGORITHM_KEY_TYPES[org.algorithm.slice(0, 2)];
    for (const [k, key] of (org.jwks?.keys ?? []).entries()) {
      if (!['EC', 'RSA', 'OKP'].includes(key.kty!)) return new InvalidArgumentError(`${at}.jwks.keys[${k}].kty`, 'must be a public key type (EC, RSA or OKP); shared secrets (oct) are not accepted');
      if ('d' in key) return new InvalidArgumentError(`${at}.jwks.keys[${k}].d`, 'must not be present: the registry holds public keys only');
      if (key.kty !== keyType) return new InvalidArgumentError(`${at}.jwks.keys[${k}].kty`, `must be ${keyType} for algorithm ${org.algorithm}`);
    }
  }
  return undefined;
}

export const partnerRegistryValidator = createValidator<PartnerRegistryFile>(PARTNER_REGISTRY_SCHEMA, 'registry', checkRegistry);

/** A loaded registry: look-ups by org, issuer, MSP ID and prefix. */
export class PartnerRegistry {
  readonly orgs: readonly PartnerOrg[];
  private readonly byId: Map<string, PartnerOrg>;
  private readonly byIssuer: Map<string, PartnerOrg>;

  constructor(file: PartnerRegistryFile) {
    const valid = partnerRegistryValidator.assert(file);
    this.orgs = valid.orgs.map((o) => ({ ...o, prefixes: o.prefixes ?? [] }));
    this.byId = new Map(this.orgs.map((o) => [o.id, o]));
    this.byIssuer = new Map(this.orgs.map((o) => [o.issuer, o]));
  }

  /** Reads a registry file: `.yaml` / `.yml` as YAML, anything else as JSON. */
  static load(path: string): PartnerRegistry {
    const text = readFileSync(path, 'utf8');
    let parsed: unknown;
    try {
      parsed = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
    } catch (error) {
      throw new InvalidArgumentError(path, `must be valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'} (${(error as Error).message})`);
    }
    return new PartnerRegistry(parsed as PartnerRegistryFile);
  }

  org(id: string): PartnerOrg | undefined {
    return this.byId.get(id);
  }

  byIssuerOf(issuer: string): PartnerOrg | undefined {
    return this.byIssuer.get(issuer);
  }

  byMspId(mspId: string): PartnerOrg | undefined {
    return this.orgs.find((o) => o.mspId === mspId);
  }

  /** The org owning the longest registered prefix of `prefix` (`88.188.1001.7` -> owner of `88.188.1001`). */
  ownerOfPrefix(prefix: string): PartnerOrg | undefined {
    let best: { org: PartnerOrg; length: number } | undefined;
    for (const org of this.orgs) {
      for (const owned of org.prefixes) {
        if ((prefix === owned || prefix.startsWith(`${owned}.`)) && (!best || owned.length > best.length)) best = { org, length: owned.length };
      }
    }
    return best?.org;
  }

  /** Subgraphs partners run: name (the org id) and URL. */
  subgraphs(): Array<{ name: string; url: string }> {
    return this.orgs.flatMap((o) => (o.subgraphUrl ? [{ name: o.id, url: o.subgraphUrl }] : []));
  }
}
