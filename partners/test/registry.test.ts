// The partner registry file: validation names the field and the rule; YAML and JSON both load.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { stringify } from 'yaml';
import { PartnerRegistry, type PartnerOrg } from '../src/index.js';

async function org(overrides: Partial<PartnerOrg> = {}): Promise<PartnerOrg> {
  const { publicKey } = await generateKeyPair('ES256');
  return {
    id: 'tx-maker',
    name: 'Pearl River Transformer Works',
    type: 'supplier',
    jurisdiction: 'CN-GD',
    mspId: 'TransformerMakerMSP',
    issuer: 'https://idp.tx-maker.example',
    algorithm: 'ES256',
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] },
    prefixes: ['88.188.1001'],
    ...overrides,
  };
}

describe('partner registry', () => {
  it('loads YAML and JSON files and looks orgs up by id, issuer, MSP and prefix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridspace-partners-'));
    try {
      const orgs = [await org(), await org({ id: 'hk-partner', type: 'hk-partner', jurisdiction: 'HK', mspId: 'HkPartnerMSP', issuer: 'https://idp.hk.example', prefixes: [] })];
      writeFileSync(join(dir, 'registry.yaml'), stringify({ orgs }));
      writeFileSync(join(dir, 'registry.json'), JSON.stringify({ orgs }));
      for (const file of ['registry.yaml', 'registry.json']) {
        const registry = PartnerRegistry.load(join(dir, file));
        assert.equal(registry.org('hk-partner')?.jurisdiction, 'HK');
        assert.equal(registry.byIssuerOf('https://idp.tx-maker.example')?.id, 'tx-maker');
        assert.equal(registry.byMspId('HkPartnerMSP')?.id, 'hk-partner');
        assert.equal(registry.ownerOfPrefix('88.188.1001')?.id, 'tx-maker');
        assert.equal(registry.ownerOfPrefix('88.188.1001.7')?.id, 'tx-maker');
        assert.equal(registry.ownerOfPrefix('88.188.10011'), undefined);
      }
      writeFileSync(join(dir, 'broken.yaml'), 'orgs: [ {');
      assert.throws(() => PartnerRegistry.load(join(dir, 'broken.yaml')), /must be valid YAML/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const refusals: Array<[string, () => Promise<unknown>, RegExp]> = [
    ['an HS* algorithm', async () => ({ orgs: [await org({ algorithm: 'HS256' as never })] }), /registry\.orgs\[0\]\.algorithm/],
    ['a shared-secret key', async () => ({ orgs: [await org({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } })] }), /jwks\.keys\[0\]\.kty: must be a public key type/],
    ['a private key', async () => ({ orgs: [await org({ jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'secret' }] } })] }), /jwks\.keys\[0\]\.d: must not be present/],
    ['a key unfit for the algorithm', async () => ({ orgs: [await org({ algorithm: 'RS256' })] }), /kty: must be RSA for algorithm RS256/],
    ['both jwks and jwksUrl', async () => ({ orgs: [await org({ jwksUrl: 'https://idp.example/jwks.json' })] }), /exactly one of jwks/],
    ['neither jwks nor jwksUrl', async () => ({ orgs: [await org({ jwks: undefined })] }), /exactly one of jwks/],
    ['a duplicate issuer', async () => ({ orgs: [await org(), await org({ id: 'cable-maker', mspId: 'CableMakerMSP', prefixes: [] })] }), /orgs\[1\]\.issuer: must be unique/],
    ['a prefix owned twice', async () => ({ orgs: [await org(), await org({ id: 'cable-maker', mspId: 'CableMakerMSP', issuer: 'https://x.example' })] }), /orgs\[1\]\.prefixes\[0\]: must be unique/],
    ['a bad jurisdiction', async () => ({ orgs: [await org({ jurisdiction: 'Guangdong' })] }), /orgs\[0\]\.jurisdiction: must be an ISO 3166 code/],
    ['an unknown org type', async () => ({ orgs: [await org({ type: 'bank' as never })] }), /orgs\[0\]\.type/],
  ];
  for (const [what, file, message] of refusals) {
    it(`refuses ${what}, naming the field`, async () => {
      const registry = await file();
      assert.throws(() => new PartnerRegistry(registry as never), message);
    });
  }
});
