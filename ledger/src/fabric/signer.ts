// A signer on Node's own crypto (OpenSSL): fabric-gateway's built-in private-key signer computes
// ECDSA in JavaScript, about 1 ms a signature, and every transaction needs three (proposal,
// transaction, commit status request); OpenSSL takes a few hundredths of that.
import { type KeyObject, sign } from 'node:crypto';
import type { Signer } from '@hyperledger/fabric-gateway';

/** Orders of the curves Fabric's MSP accepts for ECDSA identities. */
const CURVE_ORDERS: Record<string, bigint> = {
  prime256v1: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  secp384r1: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
};

function readInteger(der: Buffer, offset: number): { value: bigint; next: number } {
  if (der[offset] !== 0x02) throw new Error('ECDSA signature: expected an INTEGER');
  const length = der[offset + 1]!;
  const bytes = der.subarray(offset + 2, offset + 2 + length);
  return { value: BigInt(`0x${bytes.toString('hex') || '0'}`), next: offset + 2 + length };
}

function encodeInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/**
 * Fabric accepts only "low-S" ECDSA signatures (s <= n/2), since (r, n - s) is an equally valid
 * signature of the same message; OpenSSL returns either, so high S values are flipped.
 */
export function toLowS(der: Buffer, order: bigint): Buffer {
  if (der[0] !== 0x30) throw new Error('ECDSA signature: expected a DER SEQUENCE');
  const r = readInteger(der, 2);
  const s = readInteger(der, r.next);
  if (s.value <= order / 2n) return der;
  const body = Buffer.concat([encodeInteger(r.value), encodeInteger(order - s.value)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** Signs the whole message (use with fabric-gateway's `hash.none`): SHA-256, ECDSA, low S. */
export function newNodeCryptoSigner(key: KeyObject): Signer {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const order = curve ? CURVE_ORDERS[curve] : undefined;
  if (key.asymmetricKeyType !== 'ec' || !order) {
    throw new Error(`identity key: must be an ECDSA key on P-256 or P-384, got ${key.asymmetricKeyType} ${curve ?? ''}`.trim());
  }
  const digest = curve === 'secp384r1' ? 'sha384' : 'sha256';
  return async (message: Uint8Array) => toLowS(sign(digest, message, key), order);
}
