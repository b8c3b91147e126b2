// Checks in the browser, with the same rules as the node's own (identity-resolver/src/trust/
// signing.ts verifyAnswer and anchor/verify-proof.ts): the signed answer up to the top-level root
// key with jose, and the record's Merkle audit path (RFC 6962) with WebCrypto's SHA-256.
//
// canonicalJson is written out here, not imported from @gridspace/schemas: the package's only
// entry point also exports its Merkle helpers, which import node:crypto, and the package's
// `exports` map offers no browser-safe sub-path. It is the same rule: keys sorted at every level,
// undefined members dropped, no whitespace.
import { importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { HandleValue, ProofStep } from '../api/handles';

export const CERT_TYP = 'prefix-cert+jwt';
export const SIG_TYP = 'handle-sig+jwt';
const VERIFY_ALGS = ['EdDSA', 'ES256'];
const SIGNATURE_TYPES = new Set(['HS_CERT', 'HS_SIGNATURE']);

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') return sortKeys((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) sorted[key] = sortKeys(child);
    }
    return sorted;
  }
  return value;
}

const encoder = new TextEncoder();

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
}

const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (text: string) => new Uint8Array((text.match(/../g) ?? []).map((h) => parseInt(h, 16)));

/** The values without HS_CERT / HS_SIGNATURE, sorted by index. */
export const unsignedValues = (values: readonly HandleValue[]) => values.filter((v) => !SIGNATURE_TYPES.has(v.type)).sort((a, b) => a.index - b.index);

/** base64url SHA-256 of the canonical JSON of the answer's other values, sorted by index. */
export async function valuesDigest(values: readonly HandleValue[]): Promise<string> {
  const unsigned = unsignedValues(values).map((v) => ({ index: v.index, type: v.type, data: v.data, ttl: v.ttl, timestamp: v.timestamp }));
  return base64url(await sha256(encoder.encode(canonicalJson(unsigned))));
}

/** Why a signature check failed: a stable code for the message catalog, and jose's detail. */
export class SignatureProblem extends Error {
  constructor(
    readonly code: 'noCert' | 'noSignature' | 'certInvalid' | 'certPrefix' | 'signatureInvalid' | 'wrongHandle' | 'digest' | 'noRootKey',
    readonly detail: Record<string, string> = {},
  ) {
    super(`${code}${detail.reason ? `: ${detail.reason}` : ''}`);
    this.name = 'SignatureProblem';
  }
}

export interface VerifiedSignature {
  certifiedPrefix: string;
  /** Who signed the answer (`0.NA/<node prefix>`) and who certified that key (`0.NA/<top-level prefix>`). */
  signer: string;
  certifiedBy: string;
  site: string;
  signedAt: string;
  expiresAt: string;
  rootKid?: string;
}

const isUnder = (prefix: string, parent: string) => prefix === parent || prefix.startsWith(`${parent}.`);

function responsiblePrefix(handle: string): string {
  const slash = handle.indexOf('/');
  const prefix = handle.slice(0, slash);
  return prefix === '0.NA' ? handle.slice(slash + 1) : prefix;
}

/** The top-level node's root key(s), from its JWKS. */
export async function fetchRootKeys(topLevelUrl: string): Promise<JWK[]> {
  const response = await fetch(`${topLevelUrl.replace(/\/$/, '')}/.well-known/jwks.json`);
  if (!response.ok) throw new SignatureProblem('noRootKey', { reason: `HTTP ${response.status}` });
  const keys = ((await response.json()) as { keys?: JWK[] }).keys ?? [];
  if (keys.length === 0) throw new SignatureProblem('noRootKey', { reason: 'the JWKS has no keys' });
  return keys;
}

interface CertClaims extends JWTPayload {
  sub: string;
  site: string;
  cnf: { jwk: JWK };
}

/**
 * The HS_CERT must verify with a root key and certify a prefix covering the handle; its key must
 * have signed HS_SIGNATURE for this handle over exactly the other values.
 */
export async function verifySignedAnswer(answer: { handle: string; values: readonly HandleValue[] }, rootKeys: readonly JWK[]): Promise<VerifiedSignature> {
  const cert = answer.values.find((v) => v.type === 'HS_CERT')?.data.value;
  const signature = answer.values.find((v) => v.type === 'HS_SIGNATURE')?.data.value;
  if (typeof cert !== 'string') throw new SignatureProblem('noCert');
  if (typeof signature !== 'string') throw new SignatureProblem('noSignature');
  let certClaims: CertClaims | undefined;
  let rootKid: string | undefined;
  let lastError = '';
  for (const root of rootKeys) {
    try {
      const key = await importJWK(root, root.alg ?? 'EdDSA');
      certClaims = (await jwtVerify<CertClaims>(cert, key, { algorithms: VERIFY_ALGS, typ: CERT_TYP, requiredClaims: ['sub', 'exp', 'iss'] })).payload;
      rootKid = root.kid;
      break;
    } catch (error) {
      lastError = (error as Error).message;
    }
  }
  if (!certClaims) throw new SignatureProblem('certInvalid', { reason: lastError });
  const prefix = responsiblePrefix(answer.handle);
  if (!isUnder(prefix, certClaims.sub)) throw new SignatureProblem('certPrefix', { certified: certClaims.sub, prefix });
  let sigClaims: JWTPayload;
  try {
    const nodeKey = await importJWK(certClaims.cnf.jwk, certClaims.cnf.jwk.alg ?? 'EdDSA');
    sigClaims = (await jwtVerify(signature, nodeKey, { algorithms: VERIFY_ALGS, typ: SIG_TYP, requiredClaims: ['sub', 'exp'] })).payload;
  } catch (error) {
    throw new SignatureProblem('signatureInvalid', { reason: (error as Error).message });
  }
  if (sigClaims.sub !== answer.handle) throw new SignatureProblem('wrongHandle', { signed: String(sigClaims.sub), handle: answer.handle });
  if (sigClaims.digest !== (await valuesDigest(answer.values))) throw new SignatureProblem('digest');
  return {
    certifiedPrefix: certClaims.sub,
    signer: String(sigClaims.iss),
    certifiedBy: String(certClaims.iss),
    site: certClaims.site,
    signedAt: new Date((sigClaims.iat ?? 0) * 1000).toISOString(),
    expiresAt: new Date((sigClaims.exp ?? 0) * 1000).toISOString(),
    rootKid,
  };
}

// ---- Merkle proofs (RFC 6962: leaf = H(0x00 || data), node = H(0x01 || left || right)) ----------

async function leafOf(data: string): Promise<string> {
  const bytes = encoder.encode(data);
  const input = new Uint8Array(bytes.length + 1);
  input.set(bytes, 1);
  return hex(await sha256(input));
}

async function nodeHash(left: string, right: string): Promise<string> {
  const l = fromHex(left);
  const r = fromHex(right);
  const input = new Uint8Array(1 + l.length + r.length);
  input[0] = 1;
  input.set(l, 1);
  input.set(r, 1 + l.length);
  return hex(await sha256(input));
}

/** The leaf hash of a record as the node computes it at registration (canonical JSON of its values). */
export function recordLeafHash(handle: string, values: readonly HandleValue[]): Promise<string> {
  return leafOf(`{"handle":${JSON.stringify(handle)},"values":${canonicalJson(values)}}`);
}

/** Recomputes the root from a leaf hash and its audit path. */
export async function merkleRootOf(leaf: string, path: readonly ProofStep[]): Promise<string> {
  let hash = leaf;
  for (const step of path) hash = step.side === 'left' ? await nodeHash(step.hash, hash) : await nodeHash(hash, step.hash);
  return hash;
}
