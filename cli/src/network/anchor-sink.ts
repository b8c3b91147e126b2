// Anchors the resolver's registration batches on the ledger as the org owning the batch's prefix
// (the IdentifierAnchors contract accepts an anchor only from that org). A batch anchored before a
// crash, but not yet marked anchored by the resolver, is found on the ledger instead of failing.
import { LedgerError, type Ledger } from '@gridspace/ledger';
import type { AnchorSink } from '@gridspace/identity-resolver';
import type { PartnerRegistry } from '@gridspace/partners';

export function ownerAnchorSink(ledger: Ledger, registry: () => PartnerRegistry): AnchorSink {
  return {
    async anchor(batch) {
      const owner = registry().ownerOfPrefix(batch.prefix);
      if (!owner) throw new Error(`prefix ${batch.prefix} has no owner in the partner registry`);
      const identity = ledger.identities().find((i) => i.mspId === owner.mspId);
      if (!identity) throw new Error(`org ${owner.id} has no identity on this ledger`);
      const anchor = { prefix: batch.prefix, batchId: batch.batchId, merkleRoot: batch.merkleRoot, count: batch.count };
      try {
        const result = await ledger.submit({ identity: identity.name, fn: 'IdentifierAnchors:Anchor', args: [JSON.stringify(anchor)] });
        return { txId: result.txId, blockNumber: result.blockNumber };
      } catch (error) {
        if (!(error instanceof LedgerError && error.code === 'CONFLICT')) throw error;
        const existing = JSON.parse(await ledger.evaluate({ identity: identity.name, fn: 'IdentifierAnchors:Get', args: [batch.prefix, batch.batchId] })) as { merkleRoot: string; txId: string };
        if (existing.merkleRoot !== batch.merkleRoot) throw new Error(`batch ${batch.batchId} is anchored with another Merkle root (${existing.merkleRoot})`);
        // The block is not in the anchor record; -1 says "anchored, block unknown to the resolver".
        return { txId: existing.txId, blockNumber: -1 };
      }
    },
  };
}
