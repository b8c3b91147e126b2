// Where registration batches' Merkle roots go to be anchored: the node calls its AnchorSink after
// a batch commits (and again at start for batches not anchored yet). `ledgerAnchorSink` (ledger-sink.ts)
// submits IdentifierAnchors:Anchor through the `Ledger` port as the org owning the prefix.

export interface BatchAnchor {
  batchId: string;
  /** The enterprise prefix all identifiers of the batch are under. */
  prefix: string;
  merkleRoot: string;
  count: number;
  /** The org owning the prefix (the one the contract accepts the anchor from). */
  ownerOrg: string;
  registeredAt: string;
}

export interface AnchorReceipt {
  txId: string;
  /** Block of the anchor transaction; -1 when the sink knows it is anchored but not where. */
  blockNumber: number;
}

export interface AnchorSink {
  anchor(batch: BatchAnchor): Promise<AnchorReceipt>;
}
