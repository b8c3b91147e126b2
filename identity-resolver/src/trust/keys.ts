// The node's signing key pair (Ed25519, via jose), kept as a private JWK file in the data folder.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

export const SIGNING_ALG = 'EdDSA';

export interface NodeKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

export async function generateNodeKey(): Promise<{ key: NodeKey; privateJwk: JWK }> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  return { key: await nodeKeyFromJwk(privateJwk), privateJwk };
}

export async function nodeKeyFromJwk(privateJwk: JWK): Promise<NodeKey> {
  const { d: _d, ...pub } = privateJwk;
  const kid = await calculateJwkThumbprint(pub);
  const publicJwk: JWK = { ...pub, kid, alg: SIGNING_ALG, use: 'sig' };
  const privateKey = (await importJWK({ ...privateJwk, alg: SIGNING_ALG }, SIGNING_ALG)) as CryptoKey;
  return { privateKey, publicJwk, kid };
}

/** Loads the key from `path`, generating and saving it (mode 0600) the first time. */
export async function loadOrCreateNodeKey(path: string): Promise<NodeKey> {
  if (existsSync(path)) return nodeKeyFromJwk(JSON.parse(readFileSync(path, 'utf8')) as JWK);
  const { key, privateJwk } = await generateNodeKey();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(privateJwk), { mode: 0o600 });
  return key;
}
