// Verifies the grant the gateway attaches to each admitted request (header x-gridspace-grant):
// a compact JWT, ES256 only, typ gridspace-grant+jwt, signed by a key of the gateway's JWKS,
// addressed (aud) to this data product, unexpired. Calls without one are refused.
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { GRANT_ALGORITHM, GRANT_DEFAULT_ISSUER, GRANT_JWT_TYPE, validateGrantClaims, VerifiedTokens, type GrantClaims } from '@gridspace/schemas';

export const GRANT_HEADER = 'x-gridspace-grant';
export const DATA_PRODUCT_ID = 'electricity-economic-indices';

export type GrantErrorCode = 'GRANT_MISSING' | 'GRANT_INVALID' | 'GRANT_EXPIRED';

export class GrantError extends Error {
  constructor(readonly code: GrantErrorCode, message: string) {
    super(message);
    this.name = 'GrantError';
  }
}

export interface GrantVerifierConfig {
  /** The gateway's public keys, inline. */
  jwks?: JSONWebKeySet;
  /** Or where the gateway publishes them. */
  jwksUrl?: string;
  /** Expected `iss`. Default `gridspace-gateway`. */
  issuer?: string;
  /** Expected `aud`: this data product. Default `electricity-economic-indices`. */
  audience?: string;
}

export class GrantVerifier {
  private readonly keys: JWTVerifyGetKey;
  readonly issuer: string;
  readonly audience: string;
  // The gateway reuses a grant for a while; its verification is the costly part of a call.
  private readonly verified = new VerifiedTokens<GrantClaims>();

  constructor(config: GrantVerifierConfig) {
    if (config.jwks) this.keys = createLocalJWKSet(config.jwks);
    else if (config.jwksUrl) this.keys = createRemoteJWKSet(new URL(config.jwksUrl));
    else throw new Error('grants: set jwks or jwksUrl (the gateway\'s public keys); without them every call would have to be refused');
    this.issuer = config.issuer ?? GRANT_DEFAULT_ISSUER;
    this.audience = config.audience ?? DATA_PRODUCT_ID;
  }

  /** The verified claims of the grant for this data product in the header value. */
  async verify(header: string | null | undefined): Promise<GrantClaims> {
    if (!header || !header.trim()) throw new GrantError('GRANT_MISSING', `no grant: call through the gateway, which sends the ${GRANT_HEADER} header under an agreement for ${this.audience}`);
    // One JWT per data product, comma-separated: pick ours by its (still unverified) audience.
    const tokens = header.split(',').map((t) => t.trim()).filter(Boolean);
    const audiences: string[] = [];
    const ours = tokens.filter((token) => {
      try {
        const aud = decodeJwt(token).aud;
        audiences.push(String(aud));
        return aud === this.audience || (Array.isArray(aud) && aud.includes(this.audience));
      } catch {
        return false;
      }
    });
    if (ours.length === 0) {
      throw new GrantError('GRANT_INVALID', `${GRANT_HEADER} carries no grant for data product ${this.audience}${audiences.length ? ` (audiences found: ${audiences.join(', ')})` : ' (not a JWT)'}`);
    }
    if (ours.length > 1) throw new GrantError('GRANT_INVALID', `${GRANT_HEADER} carries more than one grant for ${this.audience}`);
    const remembered = this.verified.get(ours[0]!);
    if (remembered) return remembered;
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(ours[0], this.keys, { algorithms: [GRANT_ALGORITHM], typ: GRANT_JWT_TYPE, issuer: this.issuer, audience: this.audience, requiredClaims: ['exp', 'iat', 'jti', 'sub'] }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new GrantError('GRANT_EXPIRED', 'the grant has expired: the gateway issues a fresh one per request');
      throw new GrantError('GRANT_INVALID', `the grant was rejected: ${describeJoseError(error)}`);
    }
    const checked = validateGrantClaims(payload);
    if (!checked.ok) throw new GrantError('GRANT_INVALID', `the grant's claims are malformed: ${checked.error.message}`);
    this.verified.set(ours[0]!, checked.value, checked.value.exp);
    return checked.value;
  }
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTClaimValidationFailed) return `claim "${error.claim}" ${error.reason === 'check_failed' ? 'does not match' : error.reason}: ${error.message}`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature does not verify against the gateway keys';
  if (error instanceof errors.JOSEAlgNotAllowed) return `algorithm not allowed (only ${GRANT_ALGORITHM})`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'no gateway key matches its kid';
  return (error as Error).message;
}
