// Grants: the gateway signs, per admitted data product, a short-lived ES256 JWT (typ
// gridspace-grant+jwt) that travels to the subgraph in `x-gridspace-grant`; the subgraph verifies
// it against the gateway's JWKS and filters rows by its scope.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK, type JSONWebKeySet } from 'jose';
import { GRANT_ALGORITHM, GRANT_DEFAULT_ISSUER, GRANT_JWT_TYPE, GRANT_LIFETIME_SECONDS, type GrantClaims, type GrantScope } from '@gridspace/schemas';

export const GRANT_HEADER = 'x-gridspace-grant';

export interface GrantInput {
  dataProductId: string;
  consumer: string;
  provider: string;
  agreementId: string;
  purpose: string;
  scope: GrantScope;
}

export class GrantSigner {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
    readonly issuer: string,
  ) {}

  /** Loads the signing key from `keyFile` (created on first use, mode 0600), or makes an ephemeral one. */
  static async create(options: { keyFile?: string; issuer?: string } = {}): Promise<GrantSigner> {
    let jwk: JWK;
    if (options.keyFile && existsSync(options.keyFile)) {
      jwk = JSON.parse(readFileSync(options.keyFile, 'utf8')) as JWK;
    } else {
      const { privateKey } = await generateKeyPair(GRANT_ALGORITHM, { extractable: true });
      jwk = { ...(await exportJWK(privateKey)), kid: `gateway-${randomUUID().slice(0, 8)}`, alg: GRANT_ALGORITHM, use: 'sig' };
      if (options.keyFile) {
        mkdirSync(dirname(options.keyFile), { recursive: true, mode: 0o700 });
        writeFileSync(options.keyFile, JSON.stringify(jwk), { mode: 0o600 });
      }
    }
    const { d: _private, ...publicJwk } = jwk;
    return new GrantSigner((await importJWK(jwk, GRANT_ALGORITHM)) as CryptoKey, publicJwk, options.issuer ?? GRANT_DEFAULT_ISSUER);
  }

  /** What the gateway publishes at /.well-known/jwks.json. */
  jwks(): JSONWebKeySet {
    return { keys: [this.publicJwk] };
  }

  /** Signed grants by content: a grant is reused for half its lifetime (signing is the costly part). */
  private readonly recent = new Map<string, { token: string; until: number }>();

  async sign(input: GrantInput): Promise<string> {
    const key = JSON.stringify(input);
    const now = Date.now();
    const cached = this.recent.get(key);
    if (cached && cached.until > now) return cached.token;
    if (this.recent.size > 10_000) this.recent.clear();
    const token = await this.signFresh(input);
    this.recent.set(key, { token, until: now + (GRANT_LIFETIME_SECONDS * 1000) / 2 });
    return token;
  }

  private async signFresh(input: GrantInput): Promise<string> {
    const claims: Omit<GrantClaims, 'iss' | 'aud' | 'sub' | 'iat' | 'exp' | 'jti'> = {
      agreement: input.agreementId,
      provider: input.provider,
      purpose: input.purpose,
      scope: input.scope,
    };
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: GRANT_ALGORITHM, typ: GRANT_JWT_TYPE, kid: this.publicJwk.kid! })
      .setIssuer(this.issuer)
      .setAudience(input.dataProductId)
      .setSubject(input.consumer)
      .setIssuedAt()
      .setExpirationTime(`${GRANT_LIFETIME_SECONDS}s`)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }
}
