// Partner authentication: a bearer JWT is verified against the registry entry of its issuer —
// that issuer's keys, its one pinned asymmetric algorithm, the gateway audience, exp / nbf with a
// small skew — and becomes a principal: org, org type, jurisdiction, MSP ID, roles.
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { VerifiedTokens, type OrgType } from '@gridspace/schemas';
import { DEFAULT_AUDIENCE } from './audiences.js';
import type { PartnerOrg, PartnerRegistry } from './registry.js';

export { DEFAULT_AUDIENCE };
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;

export interface Principal {
  /** Org id, e.g. `gd-drc`. */
  org: string;
  orgType: OrgType;
  jurisdiction: string;
  mspId: string;
  /** The person or service the token was issued to (`sub`). */
  subject: string;
  /** Roles within the org, from the `roles` claim, e.g. `admin`. */
  roles: string[];
  /** `purpose` claim, if the token fixes one. */
  purpose?: string;
}

/** Why a token was refused; the message says what to fix. */
export class AuthenticationError extends Error {
  readonly code = 'UNAUTHENTICATED';
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

export interface TokenVerifierOptions {
  /** Expected `aud`; default `gridspace-gateway`. */
  audience?: string;
  clockToleranceSeconds?: number;
  /** How long fetched JWKS stay fresh (ms); default 10 minutes. */
  jwksCacheMaxAgeMs?: number;
  /** Least time between two fetches of one JWKS URL (ms), e.g. on unknown kids; default 30 s. */
  jwksCooldownMs?: number;
  /** How long a verified token is remembered (ms, never past its exp); default 60 s, 0 = never. */
  verifiedTokenMaxAgeMs?: number;
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
  /** Verifies `Authorization: Bearer <jwt>`; undefined when the header is absent. */
  authenticate(authorization: string | null | undefined): Promise<Principal | undefined>;
}

export function createTokenVerifier(registry: () => PartnerRegistry, options: TokenVerifierOptions = {}): TokenVerifier {
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  const clockTolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  // Key sets per org, rebuilt when the registry entry changes (inline rotation = registry reload).
  const keySets = new WeakMap<PartnerOrg, JWTVerifyGetKey>();
  const keySetOf = (org: PartnerOrg): JWTVerifyGetKey => {
    let keySet = keySets.get(org);
    if (!keySet) {
      keySet = org.jwks
        ? createLocalJWKSet(org.jwks)
        : createRemoteJWKSet(new URL(org.jwksUrl!), { cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000, cooldownDuration: options.jwksCooldownMs ?? 30_000 });
      keySets.set(org, keySet);
    }
    return keySet;
  };

  // A remembered verification holds only while the registry still has the very same org entry:
  // a reload (rotated keys, removed issuer) verifies every token afresh.
  const verified = new VerifiedTokens<{ principal: Principal; org: PartnerOrg }>({ maxAgeMs: options.verifiedTokenMaxAgeMs });
  const verify = async (token: string): Promise<Principal> => {
    const remembered = verified.get(token);
    if (remembered && registry().org(remembered.org.id) === remembered.org) return remembered.principal;
    return verifyFresh(token);
  };

  const verifyFresh = async (token: string): Promise<Principal> => {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new AuthenticationError('the bearer token is not a JWT');
    }
    if (typeof unverified.iss !== 'string') throw new AuthenticationError('the token has no issuer (iss)');
    const org = registry().byIssuerOf(unverified.iss);
    if (!org) throw new AuthenticationError(`issuer ${unverified.iss} is not in the partner registry`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keySetOf(org), {
        issuer: org.issuer,
        audience,
        algorithms: [org.algorithm],
        clockTolerance,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw new AuthenticationError(describeJoseError(error, org, audience));
    }
    // The issuer decides the org; a token may not speak for another one.
    if (payload.org !== undefined && payload.org !== org.id) {
      throw new AuthenticationError(`the token claims org ${String(payload.org)}, but its issuer ${org.issuer} speaks only for ${org.id}`);
    }
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
    const principal: Principal = {
      org: org.id,
      orgType: org.type,
      jurisdiction: org.jurisdiction,
      mspId: org.mspId,
      subject: String(payload.sub),
      roles,
      ...(typeof payload.purpose === 'string' ? { purpose: payload.purpose } : {}),
    };
    verified.set(token, { principal, org }, payload.exp);
    return principal;
  };

  return {
    verify,
    async authenticate(authorization) {
      if (!authorization) return undefined;
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match) throw new AuthenticationError('the Authorization header must be "Bearer <jwt>"');
      return verify(match[1]!);
    },
  };
}

function describeJoseError(error: unknown, org: PartnerOrg, audience: string): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired; get a new one';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'the token is not valid yet (nbf)';
    if (error.claim === 'aud') return `the token is not for this service (aud must be ${audience})`;
    if (error.claim === 'iss') return `the token issuer does not match ${org.issuer}`;
    return `the token claim ${error.claim} is invalid: ${error.reason}`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return `issuer ${org.issuer} signs with ${org.algorithm} only`;
  if (error instanceof joseErrors.JWKSNoMatchingKey) return `no key of ${org.id} matches the token's kid; the key may have been rotated out`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JOSEError) return `the token could not be verified (${(error as Error).message})`;
  return 'the token could not be verified';
}
