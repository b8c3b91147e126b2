import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { test } from 'node:test';
import { newNodeCryptoSigner, toLowS } from './signer.js';

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function sValue(der: Uint8Array): bigint {
  const bytes = Buffer.from(der);
  const rLength = bytes[3]!;
  const sOffset = 4 + rLength;
  return BigInt(`0x${bytes.subarray(sOffset + 2, sOffset + 2 + bytes[sOffset + 1]!).toString('hex')}`);
}

test('signatures are valid ECDSA over SHA-256 with a low S, as Fabric requires', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = newNodeCryptoSigner(privateKey);
  for (let i = 0; i < 200; i++) {
    const message = Buffer.from(`proposal ${i}`);
    const signature = await signer(message);
    assert.ok(sValue(signature) <= P256_ORDER / 2n, `signature ${i} has a low S`);
    assert.ok(verify('sha256', message, publicKey, signature), `signature ${i} verifies`);
  }
});

test('a high-S signature is flipped to the equivalent low-S one', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = newNodeCryptoSigner(privateKey);
  // Build a high-S twin of a valid low-S signature, then normalize it back.
  return signer(Buffer.from('payload')).then((low) => {
    const s = sValue(low);
    const highS = P256_ORDER - s;
    const lowBuf = Buffer.from(low);
    const rPart = lowBuf.subarray(2, 4 + lowBuf[3]!);
    let hex = highS.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    let sBytes = Buffer.from(hex, 'hex');
    if (sBytes[0]! & 0x80) sBytes = Buffer.concat([Buffer.from([0]), sBytes]);
    const body = Buffer.concat([rPart, Buffer.from([0x02, sBytes.length]), sBytes]);
    const high = Buffer.concat([Buffer.from([0x30, body.length]), body]);
    assert.ok(verify('sha256', Buffer.from('payload'), publicKey, high), 'the high-S twin is valid too');
    const normalized = toLowS(high, P256_ORDER);
    assert.deepEqual(normalized, Buffer.from(low));
  });
});

test('keys that Fabric identities cannot have are refused with the rule', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  assert.throws(() => newNodeCryptoSigner(privateKey), /identity key: must be an ECDSA key on P-256 or P-384/);
});
