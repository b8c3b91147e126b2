// Who is calling: a partner org with a Bearer JWT of the partner registry (@gridspace/partners
// verifies it: the issuer's pinned asymmetric algorithm and keys, audience, expiry), or a Handle
// administrator with Handle-style Basic auth `<index>:<admin handle>` (percent-encoded, as Handle
// clients send it) and the secret key held in that handle's HS_SECKEY value at that index.
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { AuthenticationError, type TokenVerifier } from '@gridspace/partners';
import { HandleError, RC } from '../handle/errors.js';
import type { HandleValue } from '../handle/values.js';

export type Principal =
  | { kind: 'partner'; orgId: string }
  | { kind: 'handle-admin'; adminHandle: string; index: number };

const SECRET_PREFIX = 'scrypt$';

const authNeeded = (message: string) => new HandleError(RC.AUTHENTICATION_NEEDED, message);

/** Secret keys are stored as scrypt hashes; a Handle client PUTting a plain HS_SECKEY gets it hashed. */
export function hashSecret(secret: string): string {
  if (secret.startsWith(SECRET_PREFIX)) return secret;
  const salt = randomBytes(16);
  return `${SECRET_PREFIX}${salt.toString('base64')}$${scryptSync(secret, salt, 32).toString('base64')}`;
}

function secretMatches(stored: string, secret: string): boolean {
  if (!stored.startsWith(SECRET_PREFIX)) return false;
  const [salt, hash] = stored.slice(SECRET_PREFIX.length).split('$');
  if (!salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(secret, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(expected, actual);
}

export interface AuthenticatorOptions {
  /** Partner tokens: the registry's verifier, with this node's audience. */
  tokens: TokenVerifier;
  /** Reads a handle record (the admin handle of Basic auth). */
  loadValues(handle: string): Promise<HandleValue[] | undefined>;
}

export class Authenticator {
  /** Verified Basic credentials (by digest of the header) so scrypt runs once per credential and minute. */
  private readonly basicCache = new Map<string, { principal: Principal; until: number }>();

  constructor(private readonly options: AuthenticatorOptions) {}

  /** The principal of a request, or undefined when it carries no credentials. */
  async authenticate(authorization: string | undefined): Promise<Principal | undefined> {
    if (!authorization) return undefined;
    const space = authorization.indexOf(' ');
    const scheme = authorization.slice(0, space).toLowerCase();
    const credentials = authorization.slice(space + 1).trim();
    if (scheme === 'bearer') return this.bearer(credentials);
    if (scheme === 'basic') return this.basic(credentials);
    throw authNeeded(`Authorization: scheme "${authorization.slice(0, space)}" is not supported (use Bearer or Basic)`);
  }

  private async bearer(token: string): Promise<Principal> {
    try {
      const partner = await this.options.tokens.verify(token);
      return { kind: 'partner', orgId: partner.org };
    } catch (error) {
      if (error instanceof AuthenticationError) throw authNeeded(`Authorization: ${error.message}`);
      throw error;
    }
  }

  private async basic(encoded: string): Promise<Principal> {
    const digest = createHash('sha256').update(encoded).digest('base64');
    const cached = this.basicCache.get(digest);
    if (cached && cached.until > Date.now()) return cached.principal;
    const text = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = text.lastIndexOf(':');
    if (colon < 0) throw authNeeded('Authorization: Basic credentials must be <index>:<admin handle> and a secret');
    let user: string;
    try {
      user = decodeURIComponent(text.slice(0, colon));
    } catch {
      throw authNeeded('Authorization: Basic user name has broken percent-encoding');
    }
    const secret = text.slice(colon + 1);
    const match = /^(\d{1,10}):(.+\/.+)$/.exec(user);
    if (!match) throw authNeeded(`Authorization: Basic user name must be <index>:<admin handle>, got "${user.slice(0, 80)}"`);
    const index = Number(match[1]);
    const adminHandle = match[2]!;
    const values = await this.options.loadValues(adminHandle);
    const key = values?.find((v) => v.index === index && v.type === 'HS_SECKEY');
    if (!key || typeof key.data.value !== 'string' || !secretMatches(key.data.value, secret)) {
      throw authNeeded(`Authorization: no valid secret key for ${index}:${adminHandle}`);
    }
    const principal: Principal = { kind: 'handle-admin', adminHandle, index };
    if (this.basicCache.size > 10_000) this.basicCache.clear();
    this.basicCache.set(digest, { principal, until: Date.now() + 60_000 });
    return principal;
  }

  /** Forget cached Basic credentials (after an HS_SECKEY changes). */
  forgetBasic(): void {
    this.basicCache.clear();
  }
}

export function describePrincipal(principal: Principal): string {
  return principal.kind === 'partner' ? `org ${principal.orgId}` : `${principal.index}:${principal.adminHandle}`;
}
