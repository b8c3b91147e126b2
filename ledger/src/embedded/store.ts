// The embedded ledger's storage on SQLite: world state with versions, key history, private data
// and its hashes, chaincode events and a hash-chained block log. One block is one SQLite
// transaction, so a crash leaves either the whole block or none of it.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';

export interface Version {
  block: number;
  tx: number;
}

export interface StateRow {
  key: string;
  value: Buffer;
  block: number;
  tx: number;
}

export interface StoredEvent {
  block: number;
  tx: number;
  txId: string;
  name: string;
  payload: Buffer;
}

export interface BlockRecord {
  number: number;
  previousHash: string;
  dataHash: string;
  hash: string;
  timestampMs: number;
  /** Canonical JSON of the block's transactions (ids, creators, validation codes, write sets). */
  transactions: string;
}

export const GENESIS_PREVIOUS_HASH = '0'.repeat(64);

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function blockHash(number: number, previousHash: string, dataHash: string, timestampMs: number): string {
  return sha256Hex(`${number}\n${previousHash}\n${dataHash}\n${timestampMs}`);
}

export class LedgerStore {
  readonly db: Database.Database;
  private readonly statements;

  /** `readonly`: a simulation worker's connection; the commit worker's creates the schema first. */
  constructor(file: string, options: { readonly?: boolean } = {}) {
    this.db = new Database(file, { readonly: options.readonly ?? false });
    // Reads of hot keys (org records, agreements) come from memory rather than read() calls.
    this.db.pragma('mmap_size = 268435456');
    this.db.pragma('cache_size = -65536');
    if (!options.readonly) this.createSchema();

    const db = this.db;
    this.statements = {
      get: db.prepare<[string], StateRow>('SELECT key, value, block, tx FROM state WHERE key = ?'),
      version: db.prepare<[string], Version>('SELECT block, tx FROM state WHERE key = ?'),
      endorsement: db.prepare<[string], { endorsement: Buffer | null }>('SELECT endorsement FROM state WHERE key = ?'),
      range: db.prepare<[string, string, number], StateRow>(
        'SELECT key, value, block, tx FROM state WHERE key >= ? AND key < ? ORDER BY key LIMIT ?'),
      rangeOpenEnd: db.prepare<[string, number], StateRow>(
        'SELECT key, value, block, tx FROM state WHERE key >= ? ORDER BY key LIMIT ?'),
      put: db.prepare('INSERT INTO state (key, value, block, tx, endorsement) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (key) DO UPDATE SET value = excluded.value, block = excluded.block, tx = excluded.tx, ' +
        'endorsement = coalesce(excluded.endorsement, state.endorsement)'),
      setEndorsement: db.prepare('UPDATE state SET endorsement = ?, block = ?, tx = ? WHERE key = ?'),
      delete: db.prepare('DELETE FROM state WHERE key = ?'),
      history: db.prepare('INSERT INTO history (key, block, tx, tx_id, value, is_delete, timestamp_ms) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      historyOf: db.prepare<[string], { tx_id: string; value: Buffer | null; is_delete: number; timestamp_ms: number }>(
        'SELECT tx_id, value, is_delete, timestamp_ms FROM history WHERE key = ? ORDER BY block DESC, tx DESC'),
      privateGet: db.prepare<[string, string], StateRow>(
        'SELECT key, value, block, tx FROM private_state WHERE collection = ? AND key = ?'),
      privateRange: db.prepare<[string, string, string], StateRow>(
        'SELECT key, value, block, tx FROM private_state WHERE collection = ? AND key >= ? AND key < ? ORDER BY key'),
      privatePut: db.prepare('INSERT OR REPLACE INTO private_state (collection, key, value, block, tx) VALUES (?, ?, ?, ?, ?)'),
      privateDelete: db.prepare('DELETE FROM private_state WHERE collection = ? AND key = ?'),
      hashGet: db.prepare<[string, string], { value_hash: Buffer; block: number; tx: number }>(
        'SELECT value_hash, block, tx FROM private_hash WHERE collection = ? AND key = ?'),
      hashPut: db.prepare('INSERT OR REPLACE INTO private_hash (collection, key, value_hash, block, tx) VALUES (?, ?, ?, ?, ?)'),
      hashDelete: db.prepare('DELETE FROM private_hash WHERE collection = ? AND key = ?'),
      event: db.prepare('INSERT INTO events (block, tx, tx_id, name, payload) VALUES (?, ?, ?, ?, ?)'),
      eventsFrom: db.prepare<[number, number], { block: number; tx: number; tx_id: string; name: string; payload: Buffer }>(
        'SELECT block, tx, tx_id, name, payload FROM events WHERE block >= ? AND block < ? ORDER BY block, tx'),
      transaction: db.prepare('INSERT INTO transactions (tx_id, block, tx, code) VALUES (?, ?, ?, ?)'),
      transactionById: db.prepare<[string], { block: number; tx: number; code: string }>(
        'SELECT block, tx, code FROM transactions WHERE tx_id = ?'),
      block: db.prepare('INSERT INTO blocks (number, previous_hash, data_hash, hash, timestamp_ms, transactions) VALUES (?, ?, ?, ?, ?, ?)'),
      lastBlock: db.prepare<[], { number: number; hash: string }>('SELECT number, hash FROM blocks ORDER BY number DESC LIMIT 1'),
      blocks: db.prepare<[], { number: number; previous_hash: string; data_hash: string; hash: string; timestamp_ms: number; transactions: string }>(
        'SELECT number, previous_hash, data_hash, hash, timestamp_ms, transactions FROM blocks ORDER BY number'),
    };
  }

  private createSchema(): void {
    this.db.pragma('journal_mode = WAL');
    // FULL: a block is durable once its commit returns, not just consistent.
    this.db.pragma('synchronous = FULL');
    // Checkpoint the WAL every ~40 MB instead of SQLite's 4 MB: keys are random, so a block dirties
    // pages all over the tree, and a longer interval copies a page rewritten by many blocks once.
    this.db.pragma('wal_autocheckpoint = 10000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS state (
        key TEXT PRIMARY KEY, value BLOB NOT NULL, block INTEGER NOT NULL, tx INTEGER NOT NULL,
        endorsement BLOB) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS history (
        key TEXT NOT NULL, block INTEGER NOT NULL, tx INTEGER NOT NULL, tx_id TEXT NOT NULL,
        value BLOB, is_delete INTEGER NOT NULL, timestamp_ms INTEGER NOT NULL,
        PRIMARY KEY (key, block, tx)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS private_state (
        collection TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, block INTEGER NOT NULL,
        tx INTEGER NOT NULL, PRIMARY KEY (collection, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS private_hash (
        collection TEXT NOT NULL, key TEXT NOT NULL, value_hash BLOB NOT NULL, block INTEGER NOT NULL,
        tx INTEGER NOT NULL, PRIMARY KEY (collection, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS events (
        block INTEGER NOT NULL, tx INTEGER NOT NULL, tx_id TEXT NOT NULL, name TEXT NOT NULL,
        payload BLOB NOT NULL, PRIMARY KEY (block, tx)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS transactions (
        tx_id TEXT PRIMARY KEY, block INTEGER NOT NULL, tx INTEGER NOT NULL, code TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS blocks (
        number INTEGER PRIMARY KEY, previous_hash TEXT NOT NULL, data_hash TEXT NOT NULL,
        hash TEXT NOT NULL, timestamp_ms INTEGER NOT NULL, transactions TEXT NOT NULL);
    `);
  }

  get(key: string): StateRow | undefined {
    return this.statements.get.get(key);
  }

  version(key: string): Version | undefined {
    return this.statements.version.get(key);
  }

  endorsementPolicy(key: string): Buffer | undefined {
    return this.statements.endorsement.get(key)?.endorsement ?? undefined;
  }

  /** Keys in [start, end) in key order; `end` empty means no upper bound. */
  range(start: string, end: string, limit = -1): StateRow[] {
    return end === '' ? this.statements.rangeOpenEnd.all(start, limit) : this.statements.range.all(start, end, limit);
  }

  history(key: string) {
    return this.statements.historyOf.all(key);
  }

  privateGet(collection: string, key: string): StateRow | undefined {
    return this.statements.privateGet.get(collection, key);
  }

  privateRange(collection: string, start: string, end: string): StateRow[] {
    return this.statements.privateRange.all(collection, start, end === '' ? '\u{10ffff}\u{10ffff}' : end);
  }

  privateHash(collection: string, key: string) {
    return this.statements.hashGet.get(collection, key);
  }

  transactionStatus(txId: string) {
    return this.statements.transactionById.get(txId);
  }

  events(fromBlock: number, toBlockExclusive: number): StoredEvent[] {
    return this.statements.eventsFrom.all(fromBlock, toBlockExclusive).map((row) => ({
      block: row.block, tx: row.tx, txId: row.tx_id, name: row.name, payload: row.payload,
    }));
  }

  lastBlock(): { number: number; hash: string } | undefined {
    return this.statements.lastBlock.get();
  }

  allBlocks(): BlockRecord[] {
    return this.statements.blocks.all().map((row) => ({
      number: row.number, previousHash: row.previous_hash, dataHash: row.data_hash, hash: row.hash,
      timestampMs: row.timestamp_ms, transactions: row.transactions,
    }));
  }

  /** The write primitives used while committing a block (inside `inTransaction`). */
  get writes(): Record<'put' | 'setEndorsement' | 'delete' | 'history' | 'privatePut' | 'privateDelete' | 'hashPut'
    | 'hashDelete' | 'event' | 'transaction' | 'block', Database.Statement> {
    return this.statements;
  }

  inTransaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  close(): void {
    this.db.close();
  }
}
