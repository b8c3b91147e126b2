// The AnchorSink that writes to the ledger: IdentifierAnchors:Anchor with the fields the contract
// accepts ({prefix, batchId, merkleRoot, count}, checked by the shared schema before submitting),
// submitted as the ledger identity of the org owning the batch's prefix (the contract accepts an
// anchor only from it; the partner registry maps the org to its MSP ID). A batch anchored before a
// crash, but not yet marked anchored here, is found on the ledger instead of failing.
import { LedgerError, type Ledger } from '@gridspace/ledger';
import type { PartnerRegistry } from '@gridspace/partners';
import { identifierAnchorValidator, type IdentifierAnchor, type IdentifierAnchorInput } from '@gridspace/schemas';
import type { AnchorReceipt, AnchorSink, BatchAnchor } from './port.js';

/** The ledger identity an org submits as: the enrolled identity of its MSP. */
function ledgerIdentityOf(ledger: Ledger, registry: PartnerRegistry, orgId: string): string {
  const org = registry.org(orgId);
  if (!org) throw new Error(`anchor: ownerOrg ${orgId} is not in the partner registry, so its ledger identity is unknown`);
  const identity = ledger.identities().find((i) => i.mspId === org.mspId);
  if (!identity) throw new Error(`anchor: org ${orgId} (${org.mspId}) has no identity on this ledger`);
  return identity.name;
}

export function ledgerAnchorSink(ledger: Ledger, registry: () => PartnerRegistry): AnchorSink {
  return {
    async anchor(batch: BatchAnchor): Promise<AnchorReceipt> {
      const identity = ledgerIdentityOf(ledger, registry(), batch.ownerOrg);
      const input: IdentifierAnchorInput = identifierAnchorValidator.assert({ prefix: batch.prefix, batchId: batch.batchId, merkleRoot: batch.merkleRoot, count: batch.count });
      try {
        const result = await ledger.submit({ identity, fn: 'IdentifierAnchors:Anchor', args: [JSON.stringify(input)] });
        return { txId: result.txId, blockNumber: result.blockNumber };
      } catch (error) {
        if (!(error instanceof LedgerError && error.code === 'CONFLICT')) throw error;
        const existing = JSON.parse(await ledger.evaluate({ identity, fn: 'IdentifierAnchors:Get', args: [batch.prefix, batch.batchId] })) as IdentifierAnchor;
        if (existing.merkleRoot !== batch.merkleRoot) throw new Error(`anchor: batch ${batch.batchId} is anchored on the ledger with another Merkle root (${existing.merkleRoot}, here ${batch.merkleRoot})`);
        // The anchor record names its transaction, not its block: -1 says "anchored, block unknown".
        return { txId: existing.txId, blockNumber: -1 };
      }
    },
  };
}
