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
import { Worker } from 'node:worker_threads';
import type { CommitReply, CommitRequest } from './commit-worker.js';
import type { EndorsedTransaction, TransactionSummary } from './committer.js';
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

export type ContractClass = new (...args: never[]) => unknown;

/** 24-byte proposal nonces, cut from a pool of randomness refilled 64 KiB at a time. */
const NONCE_BYTES = 24;
let noncePool = Buffer.alloc(0);
let noncePoolOffset = 0;
function nextNonce(): Buffer {
  if (noncePoolOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_BYTES * 2730);
    noncePoolOffset = 0;
  }
  noncePoolOffset += NONCE_BYTES;
  return noncePool.subarray(noncePoolOffset - NONCE_BYTES, noncePoolOffset);
}

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

interface PendingTransaction {
  endorsed: EndorsedTransaction;
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
  /** The block the commit worker is committing now: one at a time, the next one queues meanwhile. */
  private inFlight?: PendingTransaction[];
  private cutScheduled = false;
  private nextBlock = 0;
  private workerFailure?: string;
  private readonly waiters = new Set<() => void>();
  private onReply?: (reply: CommitReply) => void;
  private closed = false;

  private constructor(
    readonly store: LedgerStore,
    private readonly worker: Worker,
    private readonly chaincode: InstanceType<typeof ChaincodeFromContract>,
    private readonly enrolled: Map<string, EnrolledIdentity>,
    private readonly channelId: string,
    private readonly maxBlockTransactions: number,
  ) {
    worker.on('message', (reply: CommitReply) => this.onReply?.(reply));
    worker.on('error', (error) => this.failWorker(`the commit worker failed: ${error.message}`));
    worker.on('exit', (code) => { if (!this.closed) this.failWorker(`the commit worker exited with code ${code}`); });
  }

  private failWorker(message: string): void {
    this.workerFailure = message;
    for (const tx of [...(this.inFlight ?? []), ...this.queue.splice(0)]) tx.reject(new LedgerError('UNAVAILABLE', message, tx.endorsed.txId));
    this.inFlight = undefined;
  }

  private request(request: CommitRequest): Promise<CommitReply> {
    return new Promise((resolve) => {
      this.onReply = resolve;
      this.worker.postMessage(request);
    });
  }

  static async open(options: EmbeddedLedgerOptions): Promise<EmbeddedLedger> {
    mkdirSync(options.dataDir, { recursive: true });
    const orgs = options.orgs ?? DEV_ORGS;
    const identities = await loadDevIdentities(join(options.dataDir, 'identities'), orgs);
    const contracts = options.contracts ?? (await loadGridspaceContracts());
    const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: fabricContractApi.JSONSerializer } };
    const chaincode = new ChaincodeFromContract([...contracts], serializers, {}, 'gridspace', '0.1.0');
    const file = join(options.dataDir, 'ledger.sqlite');
    const store = new LedgerStore(file);
    const worker = new Worker(new URL('./commit-worker.js', import.meta.url), { workerData: { file } });
    const channelId = options.channelId ?? 'gridspace';
    const ledger = new EmbeddedLedger(store, worker, chaincode, new Map(identities.map((i) => [i.name, i])),
      channelId, options.maxBlockTransactions ?? 1000);
    const ready = await ledger.request({ kind: 'genesis', channelId, mspIds: orgs.map((o) => o.mspId) });
    if (ready.kind !== 'ready') {
      await worker.terminate();
      store.close();
      throw new LedgerError('UNAVAILABLE', `the ledger could not be opened: ${ready.kind === 'failed' ? ready.message : ready.kind}`);
    }
    ledger.nextBlock = ready.height;
    worker.unref();
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
    if (this.workerFailure) throw new LedgerError('UNAVAILABLE', this.workerFailure, simulated.txId);
    return new Promise<SubmitResult>((resolve, reject) => {
      const endorsed: EndorsedTransaction = {
        txId: simulated.txId, fn: request.fn, creatorMspId: simulated.identity.mspId,
        endorsingOrgs: request.endorsingOrgs, timestampMs: simulated.timestampMs, rwset: simulated.rwset,
      };
      this.queue.push({ endorsed, result: simulated.result, resolve, reject });
      this.cutBlock();
    });
  }

  private async simulate(request: TransactionRequest): Promise<Simulated> {
    if (this.closed) throw new LedgerError('UNAVAILABLE', 'the ledger is closed');
    const identity = this.enrolled.get(request.identity);
    if (!identity) throw new LedgerError('UNKNOWN_IDENTITY', `no enrolled identity named ${JSON.stringify(request.identity)}`);
    if (typeof request.fn !== 'string' || request.fn.length === 0) throw new LedgerError('INVALID_ARGUMENT', 'fn: must name a transaction function');
    const idBytes = Buffer.from(identity.certificatePem);
    const nonce = nextNonce();
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

  /**
   * Cuts a block once the transactions simulating now have queued and the worker is free: while
   * one block commits, the next one fills (group commit, one fsync a block).
   */
  private cutBlock(): void {
    if (this.cutScheduled || this.inFlight || this.queue.length === 0) return;
    this.cutScheduled = true;
    setImmediate(() => {
      this.cutScheduled = false;
      if (this.inFlight || this.queue.length === 0 || this.workerFailure) return;
      const batch = this.queue.splice(0, this.maxBlockTransactions);
      this.inFlight = batch;
      this.worker.ref(); // a block in flight keeps the process alive until it is durable
      void this.request({ kind: 'block', batch: batch.map((tx) => tx.endorsed) }).then((reply) => this.blockCommitted(batch, reply));
    });
  }

  private blockCommitted(batch: PendingTransaction[], reply: CommitReply): void {
    this.inFlight = undefined;
    if (reply.kind === 'committed') {
      this.nextBlock = reply.number + 1;
      batch.forEach((tx, index) => {
        const code = reply.codes[index];
        const { txId } = tx.endorsed;
        if (code === 'VALID') {
          tx.resolve({ txId, blockNumber: reply.number, result: tx.result });
        } else if (code === 'ENDORSEMENT_POLICY_FAILURE') {
          tx.reject(new LedgerError('ENDORSEMENT_POLICY_FAILURE', `transaction ${txId} does not satisfy the endorsement policy of a key it writes`, txId));
        } else {
          tx.reject(new LedgerError('MVCC_READ_CONFLICT', `transaction ${txId} read state that another transaction changed (${code}); submit it again`, txId));
        }
      });
      for (const wake of [...this.waiters]) wake();
    } else {
      const message = reply.kind === 'failed' ? reply.message : `unexpected reply ${reply.kind}`;
      for (const tx of batch) tx.reject(new LedgerError('UNAVAILABLE', `block ${this.nextBlock} could not be committed: ${message}`, tx.endorsed.txId));
    }
    if (this.queue.length > 0) this.cutBlock();
    else this.worker.unref();
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
    while ((this.queue.length > 0 || this.inFlight || this.cutScheduled) && !this.workerFailure) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    this.closed = true;
    for (const wake of [...this.waiters]) wake();
    await this.worker.terminate();
    this.store.close();
  }
}
