// Validates and commits blocks, as a peer's committer does: each transaction in block order against
// the state the block's earlier transactions left (read versions, range phantoms, private read
// versions, key-level endorsement), valid ones applied, invalid ones kept with their code, the
// whole block one SQLite transaction. Runs in the commit worker (commit-worker.ts).
import { createRequire } from 'node:module';
import { blockHash, GENESIS_PREVIOUS_HASH, LedgerStore, sha256Hex } from './store.js';
import type { ReadWriteSet } from './stub.js';

const require = createRequire(import.meta.url);
const { KeyEndorsementPolicy } = require('fabric-shim') as { KeyEndorsementPolicy: new (policy?: Uint8Array) => { listOrgs(): string[] } };

export type ValidationCode = 'VALID' | 'MVCC_READ_CONFLICT' | 'PHANTOM_READ_CONFLICT' | 'ENDORSEMENT_POLICY_FAILURE' | 'DUPLICATE_TXID';

/** What the committer needs of a simulated transaction (it crosses a thread boundary). */
export interface EndorsedTransaction {
  txId: string;
  fn: string;
  creatorMspId: string;
  endorsingOrgs?: string[];
  timestampMs: number;
  rwset: ReadWriteSet;
}

export interface CommittedBlock {
  number: number;
  hash: string;
  codes: ValidationCode[];
}

/** One transaction as the block log records it: hashes of what it wrote, never private values. */
export interface TransactionSummary {
  txId: string;
  fn: string;
  creator: string;
  code: ValidationCode;
  /** [key, sha256 of the value written, or null for a delete] */
  writes: Array<[string, string | null]>;
  privateWrites: Array<[string, string, string | null]>;
  event: string | null;
}

/** Values cross the worker boundary as Uint8Array; SQLite binds Buffers. */
const asBuffer = (value: Uint8Array): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength));

function sameVersion(a: { block: number; tx: number } | undefined | null, b: { block: number; tx: number } | undefined | null): boolean {
  if (!a || !b) return !a && !b;
  return a.block === b.block && a.tx === b.tx;
}

export class BlockCommitter {
  private nextBlock: number;
  private previousHash: string;

  constructor(private readonly store: LedgerStore) {
    const last = store.lastBlock();
    this.nextBlock = last ? last.number + 1 : 0;
    this.previousHash = last ? last.hash : GENESIS_PREVIOUS_HASH;
  }

  get height(): number {
    return this.nextBlock;
  }

  /** Block 0: the channel's configuration (its name and member organizations). */
  writeGenesisBlock(channelId: string, mspIds: string[]): void {
    if (this.nextBlock !== 0) return;
    const transactions = JSON.stringify([{ type: 'config', channel: channelId, organizations: mspIds }]);
    const timestampMs = Date.now();
    const dataHash = sha256Hex(transactions);
    const hash = blockHash(0, GENESIS_PREVIOUS_HASH, dataHash, timestampMs);
    this.store.inTransaction(() => this.store.writes.block.run(0, GENESIS_PREVIOUS_HASH, dataHash, hash, timestampMs, transactions));
    this.nextBlock = 1;
    this.previousHash = hash;
  }

  commit(batch: EndorsedTransaction[]): CommittedBlock {
    const number = this.nextBlock;
    const codes: ValidationCode[] = [];
    const hash = this.store.inTransaction(() => {
      const summaries = batch.map((tx, index) => {
        const code = this.validate(tx);
        codes.push(code);
        if (code === 'VALID') this.apply(tx, number, index);
        this.store.writes.transaction.run(tx.txId, number, index, code);
        return summarize(tx, code);
      });
      const transactions = JSON.stringify(summaries);
      const timestampMs = Date.now();
      const dataHash = sha256Hex(transactions);
      const blockHashValue = blockHash(number, this.previousHash, dataHash, timestampMs);
      this.store.writes.block.run(number, this.previousHash, dataHash, blockHashValue, timestampMs, transactions);
      return blockHashValue;
    });
    this.nextBlock = number + 1;
    this.previousHash = hash;
    return { number, hash, codes };
  }

  private validate(tx: EndorsedTransaction): ValidationCode {
    const { store } = this;
    if (store.transactionStatus(tx.txId)) return 'DUPLICATE_TXID';
    for (const [key, version] of tx.rwset.reads) {
      if (!sameVersion(store.version(key), version)) return 'MVCC_READ_CONFLICT';
    }
    for (const read of tx.rwset.rangeReads) {
      const now = store.range(read.start, read.end, read.limit);
      if (now.length !== read.keys.length || now.some((row, i) => row.key !== read.keys[i]!.key
        || !sameVersion(row, read.keys[i]!.version))) return 'PHANTOM_READ_CONFLICT';
    }
    for (const [id, version] of tx.rwset.privateReads) {
      const [collection, key] = id.split('\x00') as [string, string];
      if (!sameVersion(store.privateHash(collection, key), version)) return 'MVCC_READ_CONFLICT';
    }
    // Key-level endorsement policies (state-based endorsement) guard the keys a transaction writes.
    if (tx.endorsingOrgs) {
      for (const key of new Set([...tx.rwset.writes.keys(), ...tx.rwset.endorsementWrites.keys()])) {
        const policy = store.endorsementPolicy(key);
        if (policy && !new KeyEndorsementPolicy(policy).listOrgs().every((org) => tx.endorsingOrgs!.includes(org))) {
          return 'ENDORSEMENT_POLICY_FAILURE';
        }
      }
    }
    return 'VALID';
  }

  private apply(tx: EndorsedTransaction, block: number, index: number): void {
    const w = this.store.writes;
    for (const [key, value] of tx.rwset.writes) {
      const policy = tx.rwset.endorsementWrites.get(key);
      if (value) {
        w.put.run(key, asBuffer(value), block, index, policy ? asBuffer(policy) : null);
      } else {
        w.delete.run(key);
      }
      w.history.run(key, block, index, tx.txId, value ? asBuffer(value) : null, value ? 0 : 1, tx.timestampMs);
    }
    for (const [key, policy] of tx.rwset.endorsementWrites) {
      if (!tx.rwset.writes.has(key)) w.setEndorsement.run(asBuffer(policy), block, index, key);
    }
    for (const [collection, writes] of tx.rwset.privateWrites) {
      for (const [key, value] of writes) {
        if (value) {
          w.privatePut.run(collection, key, asBuffer(value), block, index);
          w.hashPut.run(collection, key, Buffer.from(sha256Hex(value), 'hex'), block, index);
        } else {
          w.privateDelete.run(collection, key);
          w.hashDelete.run(collection, key);
        }
      }
    }
    if (tx.rwset.event) w.event.run(block, index, tx.txId, tx.rwset.event.name, asBuffer(tx.rwset.event.payload));
  }
}

function summarize(tx: EndorsedTransaction, code: ValidationCode): TransactionSummary {
  return {
    txId: tx.txId,
    fn: tx.fn,
    creator: tx.creatorMspId,
    code,
    writes: [...tx.rwset.writes].map(([key, value]) => [key, value ? sha256Hex(value) : null]),
    // Private values stay off the chain; only hashes of key and value are recorded, as in Fabric.
    privateWrites: [...tx.rwset.privateWrites].flatMap(([collection, writes]) => [...writes]
      .map(([key, value]): [string, string, string | null] => [collection, sha256Hex(key), value ? sha256Hex(value) : null])),
    event: tx.rwset.event?.name ?? null,
  };
}
