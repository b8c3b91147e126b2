// Agreements carry a key-level endorsement policy naming both parties: on real peers, a change
// endorsed by one party alone is invalidated at commit and leaves the agreement as it was.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  basicPolicy, bothParties, domesticTerms, ensureOrganizations, evaluate, org, publishProduct, rejects, submit, unique,
} from '../contracts/support.js';
import { onFabric, openFabricLedger } from './support.js';

if (onFabric) {
  test('an agreement finalized with only one party\'s endorsement is rejected', { timeout: 180_000 }, async () => {
    const ledger = openFabricLedger();
    try {
      await ensureOrganizations(ledger);
      const productId = await publishProduct(ledger, 'operator');
      const id = unique('agr');
      const proposal = { id, dataProductId: productId, policy: basicPolicy(productId), crossBorder: domesticTerms() };
      const both = bothParties('operator', 'agency');
      await submit(ledger, { identity: 'agency', fn: 'Agreements:Request', args: [proposal] });
      await submit(ledger, { identity: 'operator', fn: 'Agreements:Agree', args: [id], endorsingOrgs: both });
      await submit(ledger, { identity: 'agency', fn: 'Agreements:Verify', args: [id], endorsingOrgs: both });

      // The provider's peer alone endorses: ordered, then invalidated by the key's policy.
      const providerOnly = [org('operator').mspId];
      const refused = await rejects(submit(ledger, { identity: 'operator', fn: 'Agreements:Finalize', args: [id], endorsingOrgs: providerOnly }), 'ENDORSEMENT_POLICY_FAILURE');
      assert.ok(refused.txId, 'the refused transaction names its id');
      const afterRefusal = await evaluate<{ agreement: { state: string }; history: unknown[] }>(ledger, { identity: 'agency', fn: 'Agreements:Get', args: [id] });
      assert.equal(afterRefusal.agreement.state, 'VERIFIED');
      assert.equal(afterRefusal.history.length, 3, 'the refused transaction left no revision');
      // Nor may the consumer's peer alone change it.
      await rejects(
        submit(ledger, { identity: 'agency', fn: 'Agreements:Terminate', args: [id, 'changed our mind'], endorsingOrgs: [org('agency').mspId] }),
        'ENDORSEMENT_POLICY_FAILURE',
      );

      // Both parties' peers endorse: committed.
      const finalized = await submit<{ state: string }>(ledger, { identity: 'operator', fn: 'Agreements:Finalize', args: [id], endorsingOrgs: both });
      assert.equal(finalized.value.state, 'FINALIZED');
      assert.equal((await evaluate<{ agreement: { state: string } }>(ledger, { identity: 'operator', fn: 'Agreements:Get', args: [id] })).agreement.state, 'FINALIZED');
    } finally {
      await ledger.close();
    }
  });
}
