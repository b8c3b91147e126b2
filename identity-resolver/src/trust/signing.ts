// Trusted resolution, IDIS style: a signed answer carries two extra values,
//   HS_CERT (index 400): the node's prefix certificate, a JWT (typ prefix-cert+jwt) signed by the
//     top-level node's key: {iss: "0.NA/88", sub: "88.188", site, cnf: {jwk}, iat, exp};
//   HS_SIGNATURE (index 401): a JWT (typ handle-sig+jwt) signed by the node's key (the one in
//     cnf.jwk): {iss: "0.NA/88.188", sub: <handle>, digest: base64url SHA-256 of the canonical JSON
//     of the other values of the answer, iat, exp}.
// `verifyAnswer` checks both up to a configured root key. jose does all signing and verification.
import { createHash } from 'node:crypto';
import { SignJWT, importJWK, jwtVerify, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { parseHandle, responsiblePrefix, isUnder, prefixHandle } from '../handle/syntax.js';
import type { HandleValue } from '../handle/values.js';
import { canonicalJson } from '@gridspace/schemas';
import { SIGNING_ALG, type NodeKey } from './keys.js';

export const HS_CERT_INDEX = 400;
export const HS_SIGNATURE_INDEX = 401;
export const CERT_TYP = 'prefix-cert+jwt';
export const SIG_TYP = 'handle-sig+jwt';
export const VERIFY_ALGS = ['EdDSA', 'ES256'];
const SIGNATURE_TYPES = new Set(['HS_CERT', 'HS_SIGNATURE']);

export interface PrefixCertificateClaims extends JWTPayload {
  sub: string;
  site: string;
  cnf: { jwk: JWK };
}

export function valuesDigest(values: readonly Pick<HandleValue, 'index' | 'type' | 'data' | 'ttl' | 'timestamp'>[]): string {
  const unsigned = values.filter((v) => !SIGNATURE_TYPES.has(v.type)).map((v) => ({ index: v.index, type: v.type, data: v.data, ttl: v.ttl, timestamp: v.timestamp }));
  unsigned.sort((a, b) => a.index - b.index);
  return createHash('sha256').update(canonicalJson(unsigned)).digest('base64url');
}

/** Issued by a top-level node: binds prefix, public key and site. */
export function issuePrefixCertificate(issuerKey: NodeKey, issuerPrefix: string, claims: { prefix: string; site: string; jwk: JWK }, lifetimeSeconds = 365 * 86400): Promise<string> {
  const { d: _d, ...publicJwk } = claims.jwk;
  return new SignJWT({ site: claims.site, cnf: { jwk: publicJwk } })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: issuerKey.kid, typ: CERT_TYP })
    .setIssuer(prefixHandle(issuerPrefix))
    .setSubject(claims.prefix)
    .setIssuedAt()
    .setExpirationTime(`${lifetimeSeconds}s`)
    .sign(issuerKey.privateKey);
}

export interface AnswerSigner {
  key: NodeKey;
  nodePrefix: string;
  /** The prefix certificate from the top-level node (absent until approved). */
  certificate?: string;
  signatureLifetimeSeconds: number;
}

/** The values of a signed answer: the given ones plus HS_CERT and HS_SIGNATURE. */
export async function signValues(signer: AnswerSigner, handle: string, values: readonly HandleValue[]): Promise<HandleValue[]> {
  const now = new Date().toISOString();
  const unsigned = values.filter((v) => !SIGNATURE_TYPES.has(v.type));
  const jws = await new SignJWT({ digest: valuesDigest(unsigned) })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: signer.key.kid, typ: SIG_TYP })
    .setIssuer(prefixHandle(signer.nodePrefix))
    .setSubject(handle)
    .setIssuedAt()
    .setExpirationTime(`${signer.signatureLifetimeSeconds}s`)
    .sign(signer.key.privateKey);
  const signed: HandleValue[] = [...unsigned];
  if (signer.certificate) signed.push({ index: HS_CERT_INDEX, type: 'HS_CERT', data: { format: 'string', value: signer.certificate }, ttl: 86400, timestamp: now });
  signed.push({ index: HS_SIGNATURE_INDEX, type: 'HS_SIGNATURE', data: { format: 'string', value: jws }, ttl: signer.signatureLifetimeSeconds, timestamp: now });
  return signed;
}

export interface VerifiedAnswer {
  handle: string;
  /** The prefix the certificate was issued for. */
  certifiedPrefix: string;
  /** Who signed the answer (`0.NA/<node prefix>`) and who certified it (`0.NA/<top-level prefix>`). */
  signer: string;
  certifiedBy: string;
  site: string;
  signedAt: Date;
}

export class VerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerificationError';
  }
}

async function rootKeyOf(root: JWK | CryptoKey): Promise<CryptoKey | Uint8Array> {
  if ('kty' in root) return importJWK(root as JWK, (root as JWK).alg ?? SIGNING_ALG);
  return root as CryptoKey;
}

/**
 * Verifies a signed resolution answer ({handle, values}) up to the root key: the HS_CERT must be
 * signed by the root, certify a prefix covering the handle, and its key must have signed HS_SIGNATURE
 * over exactly the other values.
 */
export async function verifyAnswer(answer: { handle: string; values: readonly HandleValue[] }, options: { rootKey: JWK | CryptoKey }): Promise<VerifiedAnswer> {
  const cert = answer.values.find((v) => v.type === 'HS_CERT')?.data.value;
  const signature = answer.values.find((v) => v.type === 'HS_SIGNATURE')?.data.value;
  if (typeof cert !== 'string') throw new VerificationError('the answer has no HS_CERT value (a prefix certificate)');
  if (typeof signature !== 'string') throw new VerificationError('the answer has no HS_SIGNATURE value');
  let certClaims: PrefixCertificateClaims;
  try {
    certClaims = (await jwtVerify<PrefixCertificateClaims>(cert, await rootKeyOf(options.rootKey), { algorithms: VERIFY_ALGS, typ: CERT_TYP, requiredClaims: ['sub', 'exp', 'iss'] })).payload;
  } catch (error) {
    throw new VerificationError(`HS_CERT does not verify with the root key: ${(error as Error).message}`);
  }
  const prefix = responsiblePrefix(parseHandle(answer.handle));
  if (!isUnder(prefix, certClaims.sub)) throw new VerificationError(`HS_CERT certifies prefix ${certClaims.sub}, not ${prefix}`);
  let sigClaims: JWTPayload;
  try {
    const nodeKey = await importJWK(certClaims.cnf.jwk, certClaims.cnf.jwk.alg ?? SIGNING_ALG);
    sigClaims = (await jwtVerify(signature, nodeKey, { algorithms: VERIFY_ALGS, typ: SIG_TYP, requiredClaims: ['sub', 'exp'] })).payload;
  } catch (error) {
    throw new VerificationError(`HS_SIGNATURE does not verify with the certified key: ${(error as Error).message}`);
  }
  if (sigClaims.sub !== answer.handle) throw new VerificationError(`HS_SIGNATURE is for ${String(sigClaims.sub)}, not ${answer.handle}`);
  if (sigClaims.digest !== valuesDigest(answer.values)) throw new VerificationError('HS_SIGNATURE digest does not match the values: the answer was altered');
  return {
    handle: answer.handle,
    certifiedPrefix: certClaims.sub,
    signer: String(sigClaims.iss),
    certifiedBy: String(certClaims.iss),
    site: certClaims.site,
    signedAt: new Date((sigClaims.iat ?? 0) * 1000),
  };
}
