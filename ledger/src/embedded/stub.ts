// The ChaincodeStub the contracts see when the embedded ledger simulates a transaction. It reads
// committed state only (a transaction does not read its own writes, as on a peer) and records
// the read set, range reads and write sets that the committer validates (MVCC) and applies.
import Long from 'long';
import type { ChaincodeStub, Iterators, SerializedIdentity, StateQueryResponse, Timestamp } from 'fabric-shim-api';
import { compareValues, matchesSelector, parseMangoQuery, sortDocuments } from './mango.js';
import { sha256Hex, type LedgerStore, type StateRow, type Version } from './store.js';

const COMPOSITE_KEY_NAMESPACE = '\x00';
const MIN_UNICODE_RUNE = '\u0000';
const MAX_UNICODE_RUNE = '\u{10ffff}';
const IMPLICIT_COLLECTION_PREFIX = '_implicit_org_';

export interface RangeRead {
  start: string;
  end: string;
  limit: number;
  keys: Array<{ key: string; version: Version }>;
}

/** Everything a simulated transaction read and wants to write. */
export interface ReadWriteSet {
  reads: Map<string, Version | null>;
  rangeReads: RangeRead[];
  writes: Map<string, Buffer | null>;
  endorsementWrites: Map<string, Buffer>;
  privateReads: Map<string, Version | null>;
  privateWrites: Map<string, Map<string, Buffer | null>>;
  event?: { name: string; payload: Buffer };
}

export interface SimulationInput {
  txId: string;
  channelId: string;
  creator: SerializedIdentity;
  args: Buffer[];
  transient: Map<string, Uint8Array>;
  timestamp: Date;
}

type KV = Iterators.KV;

type Iterator<T> = Iterators.CommonIterator<T>;

function iteratorOver<T>(rows: T[]): Iterator<T> {
  let index = 0;
  return {
    next: async () => (index < rows.length ? { value: rows[index++]!, done: false } : { value: undefined as unknown as T, done: true }),
    close: async () => { index = rows.length; },
  };
}

/**
 * Fabric's query results are promises that also iterate (`for await (const kv of stub.getStateByRange(...))`).
 * The query runs when first awaited or iterated, so a failing query that is only iterated never
 * leaves an unhandled rejected promise behind.
 */
class QueryResult<R, T> implements PromiseLike<R>, AsyncIterable<T> {
  private outcome?: { rows: T[]; value: R };

  constructor(private readonly run: () => { rows: T[]; value: R }) {}

  private load() {
    return (this.outcome ??= this.run());
  }

  then<A = R, B = never>(onFulfilled?: ((value: R) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return new Promise<R>((resolve) => resolve(this.load().value)).then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<R | B> {
    return this.then(undefined, onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<R> {
    return this.then().finally(onFinally);
  }

  get [Symbol.toStringTag]() {
    return 'Promise';
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (const row of this.load().rows) yield row;
  }
}

function iterable<T>(load: () => T[]): Promise<Iterator<T>> & AsyncIterable<T> {
  return new QueryResult(() => {
    const rows = load();
    return { rows, value: iteratorOver(rows) };
  }) as unknown as Promise<Iterator<T>> & AsyncIterable<T>;
}

function paged<T>(load: () => { rows: T[]; bookmark: string }): Promise<StateQueryResponse<Iterator<T>>> & AsyncIterable<T> {
  return new QueryResult(() => {
    const { rows, bookmark } = load();
    return { rows, value: { iterator: iteratorOver(rows), metadata: { fetchedRecordsCount: rows.length, bookmark } } };
  }) as unknown as Promise<StateQueryResponse<Iterator<T>>> & AsyncIterable<T>;
}

function validateSimpleKey(key: string, field: string): void {
  if (typeof key !== 'string') throw new Error(`INVALID_ARGUMENT: ${field}: must be a string`);
  if (key.startsWith(COMPOSITE_KEY_NAMESPACE)) {
    throw new Error(`INVALID_ARGUMENT: ${field}: first character of the key [${key}] must not be a null character`);
  }
}

function validateKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new Error('INVALID_ARGUMENT: key: must not be an empty string');
}

function toBuffer(value: Uint8Array | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function timestampOf(date: Date): Timestamp {
  const ms = date.getTime();
  return { seconds: Long.fromNumber(Math.floor(ms / 1000), true), nanos: (ms % 1000) * 1_000_000 };
}

export class SimulationStub implements ChaincodeStub {
  readonly rwset: ReadWriteSet = {
    reads: new Map(), rangeReads: [], writes: new Map(), endorsementWrites: new Map(),
    privateReads: new Map(), privateWrites: new Map(),
  };
  private paginatedQueryDone = false;

  constructor(private readonly store: LedgerStore, private readonly input: SimulationInput) {}

  // --- proposal ---------------------------------------------------------------------------
  getArgs(): string[] { return this.input.args.map((arg) => arg.toString('utf8')); }
  getStringArgs(): string[] { return this.getArgs(); }
  getBufferArgs(): Buffer[] { return this.input.args; }
  getFunctionAndParameters(): { params: string[]; fcn: string } {
    const [fcn = '', ...params] = this.getArgs();
    return { fcn, params };
  }
  getTxID(): string { return this.input.txId; }
  getChannelID(): string { return this.input.channelId; }
  getCreator(): SerializedIdentity { return this.input.creator; }
  getMspID(): string { return this.input.creator.mspid; }
  getTransient(): Map<string, Uint8Array> { return this.input.transient; }
  getSignedProposal(): never { throw new Error('INTERNAL: getSignedProposal is not available on the embedded ledger'); }
  getTxTimestamp(): Timestamp { return timestampOf(this.input.timestamp); }
  getDateTimestamp(): Date { return new Date(this.input.timestamp.getTime()); }
  getBinding(): string { return sha256Hex(this.input.txId); }

  // --- public state -----------------------------------------------------------------------
  private readVersion(key: string, row: StateRow | undefined): void {
    if (!this.rwset.reads.has(key)) this.rwset.reads.set(key, row ? { block: row.block, tx: row.tx } : null);
  }

  async getState(key: string): Promise<Uint8Array> {
    validateKey(key);
    const row = this.store.get(key);
    this.readVersion(key, row);
    return row ? new Uint8Array(row.value) : new Uint8Array(0);
  }

  private assertWritable(): void {
    if (this.paginatedQueryDone) {
      throw new Error('INVALID_ARGUMENT: paginated queries are supported only in a read-only transaction');
    }
  }

  async putState(key: string, value: Uint8Array): Promise<void> {
    validateKey(key);
    this.assertWritable();
    this.rwset.writes.set(key, toBuffer(value));
  }

  async deleteState(key: string): Promise<void> {
    validateKey(key);
    this.assertWritable();
    this.rwset.writes.set(key, null);
  }

  async setStateValidationParameter(key: string, ep: Uint8Array): Promise<void> {
    validateKey(key);
    this.assertWritable();
    this.rwset.endorsementWrites.set(key, toBuffer(ep));
  }

  async getStateValidationParameter(key: string): Promise<Uint8Array> {
    validateKey(key);
    const policy = this.store.endorsementPolicy(key);
    return policy ? new Uint8Array(policy) : new Uint8Array(0);
  }

  private rangeRows(start: string, end: string, limit: number): StateRow[] {
    const rows = this.store.range(start, end, limit);
    this.rwset.rangeReads.push({ start, end, limit, keys: rows.map((row) => ({ key: row.key, version: { block: row.block, tx: row.tx } })) });
    return rows;
  }

  private static kv(row: StateRow): KV {
    return { namespace: '', key: row.key, value: new Uint8Array(row.value) };
  }

  getStateByRange(startKey: string, endKey: string) {
    validateSimpleKey(startKey, 'startKey');
    validateSimpleKey(endKey, 'endKey');
    // As on a peer: an empty start key excludes composite keys, an empty end key means no bound.
    const start = startKey === '' ? '\x01' : startKey;
    const end = endKey === '' ? MAX_UNICODE_RUNE : endKey;
    return iterable(() => this.rangeRows(start, end, -1).map(SimulationStub.kv));
  }

  getStateByRangeWithPagination(startKey: string, endKey: string, pageSize: number, bookmark = '') {
    validateSimpleKey(startKey, 'startKey');
    validateSimpleKey(endKey, 'endKey');
    this.paginatedQueryDone = true;
    const start = bookmark !== '' ? bookmark : startKey === '' ? '\x01' : startKey;
    const end = endKey === '' ? MAX_UNICODE_RUNE : endKey;
    return this.page(start, end, pageSize);
  }

  private page(start: string, end: string, pageSize: number) {
    if (!Number.isInteger(pageSize) || pageSize <= 0) throw new Error('INVALID_ARGUMENT: pageSize: must be a positive integer');
    return paged(() => {
      const rows = this.store.range(start, end, pageSize + 1);
      const page = rows.slice(0, pageSize);
      return { rows: page.map(SimulationStub.kv), bookmark: rows.length > pageSize ? rows[pageSize]!.key : '' };
    });
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    const check = (value: string, field: string) => {
      if (typeof value !== 'string') throw new Error(`INVALID_ARGUMENT: ${field}: must be a string`);
      if (value.includes(MIN_UNICODE_RUNE) || value.includes(MAX_UNICODE_RUNE)) {
        throw new Error(`INVALID_ARGUMENT: ${field}: must not contain U+0000 or U+10FFFF`);
      }
    };
    check(objectType, 'objectType');
    attributes.forEach((attribute, index) => check(attribute, `attributes[${index}]`));
    return COMPOSITE_KEY_NAMESPACE + objectType + MIN_UNICODE_RUNE + attributes.map((a) => a + MIN_UNICODE_RUNE).join('');
  }

  splitCompositeKey(compositeKey: string): { objectType: string; attributes: string[] } {
    if (!compositeKey.startsWith(COMPOSITE_KEY_NAMESPACE)) return { objectType: '', attributes: [] };
    const [objectType = '', ...attributes] = compositeKey.slice(1).split(MIN_UNICODE_RUNE);
    attributes.pop(); // the trailing separator leaves one empty part
    return { objectType, attributes };
  }

  getStateByPartialCompositeKey(objectType: string, attributes: string[]) {
    const start = this.createCompositeKey(objectType, attributes);
    return iterable(() => this.rangeRows(start, start + MAX_UNICODE_RUNE, -1).map(SimulationStub.kv));
  }

  getStateByPartialCompositeKeyWithPagination(objectType: string, attributes: string[], pageSize: number, bookmark = '') {
    const start = this.createCompositeKey(objectType, attributes);
    this.paginatedQueryDone = true;
    return this.page(bookmark !== '' ? bookmark : start, start + MAX_UNICODE_RUNE, pageSize);
  }

  /** Mango queries, as a peer on CouchDB answers them; like Fabric, not re-validated at commit. */
  private richQuery(query: string) {
    const parsed = parseMangoQuery(query);
    const matches: Array<{ key: string; value: Buffer; doc: unknown }> = [];
    for (const row of this.store.range('', '')) {
      let doc: unknown;
      try {
        doc = JSON.parse(row.value.toString('utf8'));
      } catch {
        continue; // non-JSON values are never matched, as in CouchDB
      }
      if (typeof doc === 'object' && doc !== null && matchesSelector(doc, parsed.selector)) matches.push({ key: row.key, value: row.value, doc });
    }
    return { parsed, rows: sortDocuments(matches, parsed.sort) };
  }

  getQueryResult(query: string) {
    return iterable(() => {
      const { parsed, rows } = this.richQuery(query);
      const skipped = rows.slice(parsed.skip ?? 0);
      const limited = parsed.limit !== undefined ? skipped.slice(0, parsed.limit) : skipped;
      return limited.map((row) => ({ namespace: '', key: row.key, value: new Uint8Array(row.value) }));
    });
  }

  getQueryResultWithPagination(query: string, pageSize: number, bookmark = '') {
    if (!Number.isInteger(pageSize) || pageSize <= 0) throw new Error('INVALID_ARGUMENT: pageSize: must be a positive integer');
    this.paginatedQueryDone = true;
    return paged(() => {
      const { rows } = this.richQuery(query);
      // The bookmark is the position after the last row of the previous page (opaque to callers).
      const offset = bookmark === '' ? 0 : Number.parseInt(Buffer.from(bookmark, 'base64url').toString('utf8'), 10) || 0;
      const page = rows.slice(offset, offset + pageSize);
      const next = offset + page.length;
      return {
        rows: page.map((row) => ({ namespace: '', key: row.key, value: new Uint8Array(row.value) })),
        bookmark: next < rows.length ? Buffer.from(String(next)).toString('base64url') : '',
      };
    });
  }

  getHistoryForKey(key: string) {
    validateKey(key);
    return iterable<Iterators.KeyModification>(() => this.store.history(key).map((row) => ({
      isDelete: row.is_delete === 1,
      value: row.value ? new Uint8Array(row.value) : new Uint8Array(0),
      timestamp: timestampOf(new Date(row.timestamp_ms)),
      txId: row.tx_id,
    })));
  }

  async invokeChaincode(): Promise<never> {
    throw new Error('INTERNAL: chaincode-to-chaincode calls are not used by Gridspace contracts');
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (typeof name !== 'string' || name.length === 0) throw new Error('INVALID_ARGUMENT: event name: must not be empty');
    // Fabric keeps one event per transaction: the last one set.
    this.rwset.event = { name, payload: toBuffer(payload) };
  }

  // --- private data -----------------------------------------------------------------------
  /** Implicit org collections are readable only by members: the creator's MSP must own it. */
  private assertReadable(collection: string): void {
    this.assertCollection(collection);
    const owner = collection.slice(IMPLICIT_COLLECTION_PREFIX.length);
    if (owner !== this.input.creator.mspid) {
      throw new Error(`FORBIDDEN: tx creator ${this.input.creator.mspid} does not have read access permission on private data collection ${collection}`);
    }
  }

  private assertCollection(collection: string): void {
    if (typeof collection !== 'string' || !collection.startsWith(IMPLICIT_COLLECTION_PREFIX) || collection.length === IMPLICIT_COLLECTION_PREFIX.length) {
      throw new Error(`INVALID_ARGUMENT: collection: ${collection} is not defined (only implicit org collections _implicit_org_<MSPID> exist)`);
    }
  }

  async getPrivateData(collection: string, key: string): Promise<Uint8Array> {
    validateKey(key);
    this.assertReadable(collection);
    const row = this.store.privateGet(collection, key);
    const id = `${collection}\x00${key}`;
    if (!this.rwset.privateReads.has(id)) this.rwset.privateReads.set(id, row ? { block: row.block, tx: row.tx } : null);
    return row ? new Uint8Array(row.value) : new Uint8Array(0);
  }

  async getPrivateDataHash(collection: string, key: string): Promise<Uint8Array> {
    validateKey(key);
    this.assertCollection(collection);
    const row = this.store.privateHash(collection, key);
    return row ? new Uint8Array(row.value_hash) : new Uint8Array(0);
  }

  private privateWritesOf(collection: string): Map<string, Buffer | null> {
    let writes = this.rwset.privateWrites.get(collection);
    if (!writes) this.rwset.privateWrites.set(collection, (writes = new Map()));
    return writes;
  }

  async putPrivateData(collection: string, key: string, value: Uint8Array): Promise<void> {
    validateKey(key);
    this.assertCollection(collection);
    this.assertWritable();
    if (value.byteLength === 0) throw new Error('INVALID_ARGUMENT: value: must not be empty');
    this.privateWritesOf(collection).set(key, toBuffer(value));
  }

  async deletePrivateData(collection: string, key: string): Promise<void> {
    validateKey(key);
    this.assertCollection(collection);
    this.assertWritable();
    this.privateWritesOf(collection).set(key, null);
  }

  async purgePrivateData(collection: string, key: string): Promise<void> {
    return this.deletePrivateData(collection, key);
  }

  async setPrivateDataValidationParameter(): Promise<void> {
    throw new Error('INTERNAL: key-level endorsement of private data is not used by Gridspace contracts');
  }

  async getPrivateDataValidationParameter(): Promise<Uint8Array> {
    return new Uint8Array(0);
  }

  getPrivateDataByRange(collection: string, startKey: string, endKey: string) {
    this.assertReadable(collection);
    return iterable(() => this.store.privateRange(collection, startKey, endKey).map(SimulationStub.kv));
  }

  getPrivateDataByPartialCompositeKey(collection: string, objectType: string, attributes: string[]) {
    this.assertReadable(collection);
    const start = this.createCompositeKey(objectType, attributes);
    return iterable(() => this.store.privateRange(collection, start, start + MAX_UNICODE_RUNE).map(SimulationStub.kv));
  }

  getPrivateDataQueryResult(collection: string, query: string) {
    this.assertReadable(collection);
    const parsed = parseMangoQuery(query);
    return iterable(() => this.store.privateRange(collection, '', '')
      .flatMap((row) => {
        try {
          const doc: unknown = JSON.parse(row.value.toString('utf8'));
          return matchesSelector(doc, parsed.selector) ? [{ doc, row }] : [];
        } catch {
          return [];
        }
      })
      .sort((a, b) => compareValues(a.row.key, b.row.key))
      .map(({ row }) => SimulationStub.kv(row)));
  }
}
