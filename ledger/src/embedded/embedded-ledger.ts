// The embedded ledger: the Gridspace contracts run in-process through fabric-contract-api's own
// dispatch (fabric-shim's ChaincodeFromContract.Invoke), simulated against committed SQLite state,
// then ordered into blocks and validated like a peer validates them (MVCC read versions, range
// phantoms, key-level endorsement) before one SQLite transaction per block applies them.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import fabricContractApi from 'fabric-contract-api';
import { DEV_ORGS, type DevOrg } from '../identity/dev-orgs.js';
import { loadDevIdentities, type EnrolledIdentity } from '../identity/dev-identities.js';
import { LedgerError, type ChaincodeEvent, type EventsOptions, type Ledger, type SubmitResult, type TransactionRequest } from '../port.js';
import { blockHash, GENESIS_PREVIOUS_HASH, LedgerStore, sha256Hex } from './store.js';
import { SimulationStub, type ReadWriteSet } from './stub.js';

const require = createRequire(import.meta.url);

// The shim and the contract API log every failed transaction at error level; here failures reach
// callers as LedgerErrors, so chaincode logging is off unless GRIDSPACE_CHAINCODE_LOG_LEVEL asks
// for it (each module shares one console transport among its loggers). Their loggers also swallow
// the process's uncaught exceptions and unhandled rejections (right for a chaincode process, wrong
// for a library in ours): give those back to Node.
const chaincodeLogLevel = process.env.GRIDSPACE_CHAINCODE_LOG_LEVEL;
type WinstonLogger = { transports: Array<{ silent: boolean }>; exceptions?: { unhandle(): void } };
for (const path of ['fabric-shim/lib/logger.js', 'fabric-contract-api/lib/logger.js']) {
  const logging = require(path) as { setLevel(level: string): void; getLogger(name: string): WinstonLogger };
  logging.setLevel(chaincodeLogLevel ?? 'ERROR');
  const processLogger = logging.getLogger('_');
  processLogger.exceptions?.unhandle();
  for (const logger of [processLogger, logging.getLogger('gridspace')]) {
    for (const transport of logger.transports) transport.silent = chaincodeLogLevel === undefined;
  }
}
for (const listener of process.listeners('unhandledRejection')) {
  if (listener.name === 'loggerUnhandledRejectionFn') process.off('unhandledRejection', listener);
}

// fabric-shim parses the creator's X.509 certificate into a ClientIdentity on every transaction.
// Parse each certificate once (as a peer's MSP caches deserialized identities): the shim's
// ClientIdentity is replaced, before its dispatch module binds it, by one that caches the parse.
interface ShimClientIdentity { mspId: string; id: string; attrs: Record<string, string>; idBytes: Uint8Array; stub: unknown }
const shimChaincode = require('fabric-shim/lib/chaincode.js') as { ClientIdentity: new (stub: ChaincodeStubLike) => ShimClientIdentity };
interface ChaincodeStubLike { getCreator(): { mspid: string; idBytes: Uint8Array } }
const ParsingClientIdentity = shimChaincode.ClientIdentity;
const parsedIdentities = new Map<string, ShimClientIdentity>();
shimChaincode.ClientIdentity = function CachedClientIdentity(stub: ChaincodeStubLike) {
  const { mspid, idBytes } = stub.getCreator();
  const cacheKey = `${mspid}\n${Buffer.from(idBytes).toString('base64')}`;
  let parsed = parsedIdentities.get(cacheKey);
  if (!parsed) parsedIdentities.set(cacheKey, (parsed = new ParsingClientIdentity(stub)));
  return Object.assign(Object.create(ParsingClientIdentity.prototype) as ShimClientIdentity, parsed, { stub });
} as unknown as typeof shimChaincode.ClientIdentity;

// fabric-shim's internal adapter from contract classes to Init/Invoke; the same code a peer-launched
// Node chaincode runs, so decorators, metadata, argument marshalling and errors behave identically.
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract.js') as new (
  contracts: unknown[], serializers: unknown, metadata: unknown, title: string, version: string,
) => { Invoke(stub: unknown): Promise<{ status: number; message?: string; payload?: Uint8Array }> };
const { KeyEndorsementPolicy } = require('fabric-shim') as { KeyEndorsementPolicy: new (policy?: Uint8Array) => { listOrgs(): string[] } };

export type ContractClass = new (...args: never[]) => unknown;

/** The Gridspace contracts, loaded when first needed so tests can run the ledger on other contracts. */
async function loadGridspaceContracts(): Promise<ContractClass[]> {
  const chaincodePackage = '@gridspace/chaincode';
  return ((await import(chaincodePackage)) as { contracts: ContractClass[] }).contracts;
}

export interface EmbeddedLedgerOptions {
  /** Folder for `ledger.sqlite` and the dev identities. */
  dataDir: string;
  /** The contract classes to run. Default: `contracts` of @gridspace/chaincode. */
  contracts?: ContractClass[];
  channelId?: string;
  orgs?: readonly DevOrg[];
  /** Most transactions in one block. */
  maxBlockTransactions?: number;
}

type ValidationCode = 'VALID' | 'MVCC_READ_CONFLICT' | 'PHANTOM_READ_CONFLICT' | 'ENDORSEMENT_POLICY_FAILURE' | 'DUPLICATE_TXID';

interface PendingTransaction {
  txId: string;
  fn: string;
  creatorMspId: string;
  endorsingOrgs?: string[];
  timestampMs: number;
  rwset: ReadWriteSet;
  result: string;
  resolve(result: SubmitResult): void;
  reject(error: Error): void;
}

interface Simulated {
  txId: string;
  identity: EnrolledIdentity;
  rwset: ReadWriteSet;
  result: string;
  timestampMs: number;
}

export class EmbeddedLedger implements Ledger {
  private readonly queue: PendingTransaction[] = [];
  private commitScheduled = false;
  private nextBlock: number;
  private previousHash: string;
  private readonly waiters = new Set<() => void>();
  private closed = false;

  private constructor(
    readonly store: LedgerStore,
    private readonly chaincode: InstanceType<typeof ChaincodeFromContract>,
    private readonly enrolled: Map<string, EnrolledIdentity>,
    private readonly channelId: string,
    private readonly maxBlockTransactions: number,
  ) {
    const last = store.lastBlock();
    this.nextBlock = last ? last.number + 1 : 0;
    this.previousHash = last ? last.hash : GENESIS_PREVIOUS_HASH;
  }

  static async open(options: EmbeddedLedgerOptions): Promise<EmbeddedLedger> {
    mkdirSync(options.dataDir, { recursive: true });
    const orgs = options.orgs ?? DEV_ORGS;
    const identities = await loadDevIdentities(join(options.dataDir, 'identities'), orgs);
    const contracts = options.contracts ?? (await loadGridspaceContracts());
    const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: fabricContractApi.JSONSerializer } };
    const chaincode = new ChaincodeFromContract([...contracts], serializers, {}, 'gridspace', '0.1.0');
    const store = new LedgerStore(join(options.dataDir, 'ledger.sqlite'));
    const ledger = new EmbeddedLedger(store, chaincode, new Map(identities.map((i) => [i.name, i])),
      options.channelId ?? 'gridspace', options.maxBlockTransactions ?? 1000);
    if (ledger.nextBlock === 0) ledger.writeGenesisBlock(orgs);
    return ledger;
  }

  identities(): ReadonlyArray<{ name: string; mspId: string }> {
    return [...this.enrolled.values()].map(({ name, mspId }) => ({ name, mspId }));
  }

  async height(): Promise<number> {
    return this.nextBlock;
  }

  async evaluate(request: TransactionRequest): Promise<string> {
    return (await this.simulate(request)).result;
  }

  async submit(request: TransactionRequest): Promise<SubmitResult> {
    const simulated = await this.simulate(request);
    if (this.closed) throw new LedgerError('UNAVAILABLE', 'the ledger is closed', simulated.txId);
    return new Promise<SubmitResult>((resolve, reject) => {
      this.queue.push({
        txId: simulated.txId, fn: request.fn, creatorMspId: simulated.identity.mspId,
        endorsingOrgs: request.endorsingOrgs, timestampMs: simulated.timestampMs,
        rwset: simulated.rwset, result: simulated.result, resolve, reject,
      });
      this.scheduleCommit();
    });
  }

  private async simulate(request: TransactionRequest): Promise<Simulated> {
    if (this.closed) throw new LedgerError('UNAVAILABLE', 'the ledger is closed');
    const identity = this.enrolled.get(request.identity);
    if (!identity) throw new LedgerError('UNKNOWN_IDENTITY', `no enrolled identity named ${JSON.stringify(request.identity)}`);
    if (typeof request.fn !== 'string' || request.fn.length === 0) throw new LedgerError('INVALID_ARGUMENT', 'fn: must name a transaction function');
    const idBytes = Buffer.from(identity.certificatePem);
    const nonce = randomBytes(24);
    // A transaction id as Fabric derives it: SHA-256 of nonce and creator.
    const txId = sha256Hex(Buffer.concat([nonce, Buffer.from(identity.mspId), idBytes]));
    const transient = new Map<string, Uint8Array>(Object.entries(request.transient ?? {})
      .map(([key, value]) => [key, typeof value === 'string' ? Buffer.from(value) : value]));
    const timestampMs = Date.now();
    const stub = new SimulationStub(this.store, {
      txId, channelId: this.channelId, creator: { mspid: identity.mspId, idBytes },
      args: [request.fn, ...(request.args ?? [])].map((arg) => Buffer.from(String(arg), 'utf8')),
      transient, timestamp: new Date(timestampMs),
    });
    const response = await this.chaincode.Invoke(stub);
    if (response.status !== 200) throw LedgerError.fromChaincodeMessage(response.message ?? 'chaincode failed', txId);
    const result = response.payload ? Buffer.from(response.payload).toString('utf8') : '';
    return { txId, identity, rwset: stub.rwset, result, timestampMs };
  }

  private scheduleCommit(): void {
    if (this.commitScheduled) return;
    this.commitScheduled = true;
    // Cut a block once the transactions simulating now have queued: group commit, one fsync a block.
    setImmediate(() => {
      this.commitScheduled = false;
      const batch = this.queue.splice(0, this.maxBlockTransactions);
      if (batch.length > 0) this.commitBlock(batch);
      if (this.queue.length > 0) this.scheduleCommit();
    });
  }

  private writeGenesisBlock(orgs: readonly DevOrg[]): void {
    const transactions = JSON.stringify([{ type: 'config', channel: this.channelId, organizations: orgs.map((o) => o.mspId) }]);
    const timestampMs = Date.now();
    const dataHash = sha256Hex(transactions);
    const hash = blockHash(0, GENESIS_PREVIOUS_HASH, dataHash, timestampMs);
    this.store.inTransaction(() => this.store.writes.block.run(0, GENESIS_PREVIOUS_HASH, dataHash, hash, timestampMs, transactions));
    this.nextBlock = 1;
    this.previousHash = hash;
  }

  private validate(tx: PendingTransaction): ValidationCode {
    const { store } = this;
    if (store.transactionStatus(tx.txId)) return 'DUPLICATE_TXID';
    for (const [key, version] of tx.rwset.reads) {
      const current = store.version(key);
      if (!sameVersion(current, version)) return 'MVCC_READ_CONFLICT';
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

  private apply(tx: PendingTransaction, block: number, index: number): void {
    const w = this.store.writes;
    for (const [key, value] of tx.rwset.writes) {
      if (value) {
        w.put.run(key, value, block, index, tx.rwset.endorsementWrites.get(key) ?? null);
      } else {
        w.delete.run(key);
      }
      w.history.run(key, block, index, tx.txId, value, value ? 0 : 1, tx.timestampMs);
    }
    for (const [key, policy] of tx.rwset.endorsementWrites) {
      if (!tx.rwset.writes.has(key)) w.setEndorsement.run(policy, block, index, key);
    }
    for (const [collection, writes] of tx.rwset.privateWrites) {
      for (const [key, value] of writes) {
        if (value) {
          w.privatePut.run(collection, key, value, block, index);
          w.hashPut.run(collection, key, Buffer.from(sha256Hex(value), 'hex'), block, index);
        } else {
          w.privateDelete.run(collection, key);
          w.hashDelete.run(collection, key);
        }
      }
    }
    if (tx.rwset.event) w.event.run(block, index, tx.txId, tx.rwset.event.name, tx.rwset.event.payload);
  }

  private commitBlock(batch: PendingTransaction[]): void {
    const number = this.nextBlock;
    const codes: ValidationCode[] = [];
    let committed: { hash: string } | undefined;
    try {
      committed = this.store.inTransaction(() => {
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
        const hash = blockHash(number, this.previousHash, dataHash, timestampMs);
        this.store.writes.block.run(number, this.previousHash, dataHash, hash, timestampMs, transactions);
        return { hash };
      });
    } catch (error) {
      for (const tx of batch) tx.reject(new LedgerError('UNAVAILABLE', `block ${number} could not be committed: ${(error as Error).message}`, tx.txId));
      return;
    }
    this.nextBlock = number + 1;
    this.previousHash = committed.hash;
    batch.forEach((tx, index) => {
      const code = codes[index]!;
      if (code === 'VALID') {
        tx.resolve({ txId: tx.txId, blockNumber: number, result: tx.result });
      } else {
        const message = code === 'ENDORSEMENT_POLICY_FAILURE'
          ? `transaction ${tx.txId} does not satisfy the endorsement policy of a key it writes`
          : `transaction ${tx.txId} read state that another transaction changed (${code}); submit it again`;
        tx.reject(new LedgerError(code === 'ENDORSEMENT_POLICY_FAILURE' ? 'ENDORSEMENT_POLICY_FAILURE' : 'MVCC_READ_CONFLICT', message, tx.txId));
      }
    });
    for (const wake of [...this.waiters]) wake();
  }

  async *events(options: EventsOptions = {}): AsyncIterable<ChaincodeEvent> {
    let next = options.fromBlock ?? this.nextBlock;
    const { signal } = options;
    while (!signal?.aborted && !this.closed) {
      const height = this.nextBlock;
      if (next < height) {
        for (const event of this.store.events(next, height)) {
          if (signal?.aborted) return;
          yield { blockNumber: event.block, txId: event.txId, name: event.name, payload: event.payload.toString('utf8') };
        }
        next = height;
        continue;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        this.waiters.add(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
  }

  /**
   * Walks the chain: every block's data hash and hash recomputed, every link to its predecessor
   * checked, and the world state compared with the last write of every key the chain records.
   */
  verify(): { ok: true; blocks: number } | { ok: false; block: number; problem: string } {
    let previousHash = GENESIS_PREVIOUS_HASH;
    const lastWrite = new Map<string, string | null>();
    const blocks = this.store.allBlocks();
    for (const [position, block] of blocks.entries()) {
      if (block.number !== position) return { ok: false, block: block.number, problem: `expected block ${position}` };
      if (block.previousHash !== previousHash) return { ok: false, block: block.number, problem: 'previous hash does not match' };
      if (sha256Hex(block.transactions) !== block.dataHash) return { ok: false, block: block.number, problem: 'data hash does not match' };
      if (blockHash(block.number, block.previousHash, block.dataHash, block.timestampMs) !== block.hash) {
        return { ok: false, block: block.number, problem: 'block hash does not match' };
      }
      if (block.number > 0) {
        for (const tx of JSON.parse(block.transactions) as TransactionSummary[]) {
          if (tx.code === 'VALID') for (const [key, hash] of tx.writes) lastWrite.set(key, hash);
        }
      }
      previousHash = block.hash;
    }
    for (const [key, hash] of lastWrite) {
      const row = this.store.get(key);
      const actual = row ? sha256Hex(row.value) : null;
      if (actual !== hash) return { ok: false, block: blocks.length - 1, problem: `world state of key ${JSON.stringify(key)} differs from the chain` };
    }
    return { ok: true, blocks: blocks.length };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Let queued transactions commit before closing.
    while (this.queue.length > 0 || this.commitScheduled) await new Promise((resolve) => setImmediate(resolve));
    this.closed = true;
    for (const wake of [...this.waiters]) wake();
    this.store.close();
  }
}

interface TransactionSummary {
  txId: string;
  fn: string;
  creator: string;
  code: ValidationCode;
  /** [key, sha256 of the value written, or null for a delete] */
  writes: Array<[string, string | null]>;
  privateWrites: Array<[string, string, string | null]>;
  event: string | null;
}

function summarize(tx: PendingTransaction, code: ValidationCode): TransactionSummary {
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

function sameVersion(a: { block: number; tx: number } | undefined | null, b: { block: number; tx: number } | undefined | null): boolean {
  if (!a || !b) return !a && !b;
  return a.block === b.block && a.tx === b.tx;
}
