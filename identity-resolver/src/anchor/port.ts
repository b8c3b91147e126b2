// Where registration batches' Merkle roots go to be anchored. The node calls an AnchorSink after a
// batch commits; `ledgerAnchorSink` adapts the ledger's `Ledger` port to it.

export interface BatchAnchor {
  batchId: string;
  prefix: string;
  merkleRoot: string;
  count: number;
  registeredAt: string;
}

export interface AnchorReceipt {
  txId: string;
  blockNumber: number;
}

export interface AnchorSink {
  anchor(batch: BatchAnchor): Promise<AnchorReceipt>;
}

/** The part of ledger/src/port.ts `Ledger` this adapter uses (kept structural: no import cycle). */
export interface LedgerLike {
  submit(request: { identity: string; fn: string; args?: string[] }): Promise<{ txId: string; blockNumber: number; result: string }>;
}

/**
 * Anchors through the ledger's IdentifierAnchors contract. `fn` and the argument layout follow
 * chaincode/ (one JSON argument with the batch); both are configurable until that contract settles.
 */
export function ledgerAnchorSink(ledger: LedgerLike, options: { identity: string; fn?: string }): AnchorSink {
  const fn = options.fn ?? 'IdentifierAnchors:Anchor';
  return {
    async anchor(batch) {
      const result = await ledger.submit({ identity: options.identity, fn, args: [JSON.stringify(batch)] });
      return { txId: result.txId, blockNumber: result.blockNumber };
    },
  };
}
