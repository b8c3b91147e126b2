// The demo partners: keys generated once into the data folder (private, never in the registry),
// a registry of the dev orgs, and dev tokens the verifier accepts.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createTokenVerifier, ensureDevPartners, issueDevToken, PartnerRegistry } from '../src/index.js';

describe('demo partners', () => {
  it('generates keys once, writes a public registry and issues tokens that verify', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridspace-dev-partners-'));
    try {
      const first = await ensureDevPartners(dir, { subgraphUrls: { 'tx-maker': 'http://127.0.0.1:4100/graphql' } });
      const again = await ensureDevPartners(dir);
      assert.deepEqual(again.registry.org('gd-drc')?.jwks, first.registry.org('gd-drc')?.jwks, 'keys are reused, not regenerated');
      assert.equal(first.registry.orgs.length, 7);
      assert.deepEqual(first.registry.org('tx-maker')?.prefixes, ['88.188.1001']);
      assert.deepEqual(first.registry.subgraphs(), [{ name: 'tx-maker', url: 'http://127.0.0.1:4100/graphql' }]);
      assert.equal(statSync(join(first.keysDir, 'gd-drc.private.jwk.json')).mode & 0o777, 0o600);
      assert.doesNotMatch(readFileSync(first.registryPath, 'utf8'), /"d":/, 'no private key in the registry');

      const loaded = PartnerRegistry.load(first.registryPath);
      const verifier = createTokenVerifier(() => loaded);
      const principal = await verifier.verify(await issueDevToken(first, 'hk-partner', { roles: ['admin'] }));
      assert.deepEqual({ ...principal, subject: undefined }, { org: 'hk-partner', orgType: 'hk-partner', jurisdiction: 'HK', mspId: 'HkPartnerMSP', subject: undefined, roles: ['admin'] });
      await assert.rejects(issueDevToken(first, 'nobody'), /org: nobody is not in the partner registry/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
