// The embedded ledger: the Gridspace contracts run in-process through fabric-contract-api's own
// dispatch (fabric-shim's ChaincodeFromContract.Invoke), simulated against committed SQLite state
// on simulation worker threads, then ordered into blocks that the commit worker validates like a
// peer does (MVCC read versions, range phantoms, key-level endorsement) and applies in one SQLite
// transaction per block. This thread assigns transaction ids, routes proposals and cuts blocks.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEV_ORGS, type DevOrg } from '../identity/dev-orgs.js';
import { loadDevIdentities, type EnrolledIdentity } from '../identity/dev-identities.js';
import { LedgerError, type ChaincodeEvent, type EventsOptions, type Ledger, type SubmitResult, type TransactionRequest } from '../port.js';
import type { CommitReply, CommitRequest } from './commit-worker.js';
import type { EndorsedTransaction, TransactionSummary } from './committer.js';
import type { ReadWriteSet } from './stub.js';
import { FolderLock } from './folder-lock.js';
import { firstMessage, SimulationPool } from './simulation-pool.js';
import { blockHash, GENESIS_PREVIOUS_HASH, LedgerStore, sha256Hex } from './store.js';

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

export interface EmbeddedLedgerOptions {
  /** Folder for `ledger.sqlite` and the dev identities. */
  dataDir: string;
  /** A module exporting `contracts` (the contract classes to run). Default: `@gridspace/chaincode`. */
  contractsModule?: string;
  /** Simulation workers (threads running the chaincode). Default: one per core, at least two. */
  simulationWorkers?: number;
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
  private readonly creatorBytes = new Map<string, Buffer>();
  private onReply?: (reply: CommitReply) => void;
  private closed = false;

  private constructor(
    readonly store: LedgerStore,
    private readonly worker: Worker,
    private readonly simulation: SimulationPool,
    private readonly enrolled: Map<string, EnrolledIdentity>,
    private readonly channelId: string,
    private readonly maxBlockTransactions: number,
    private readonly lock: FolderLock,
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

  /** Opens the ledger of a data folder; one at a time: a folder open elsewhere is refused (UNAVAILABLE). */
  static async open(options: EmbeddedLedgerOptions): Promise<EmbeddedLedger> {
    mkdirSync(options.dataDir, { recursive: true });
    const lock = await FolderLock.acquire(options.dataDir);
    try {
      return await EmbeddedLedger.start(options, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  private static async start(options: EmbeddedLedgerOptions, lock: FolderLock): Promise<EmbeddedLedger> {
    const orgs = options.orgs ?? DEV_ORGS;
    const identities = await loadDevIdentities(join(options.dataDir, 'identities'), orgs);
    const file = join(options.dataDir, 'ledger.sqlite');
    const channelId = options.channelId ?? 'gridspace';
    // The commit worker owns the write connection and creates the schema; readers open after it.
    const worker = new Worker(new URL('./commit-worker.js', import.meta.url), { workerData: { file } });
    const answer = firstMessage<CommitReply>(worker);
    worker.postMessage({ kind: 'genesis', channelId, mspIds: orgs.map((o) => o.mspId) } satisfies CommitRequest);
    const ready = await answer.catch((error: Error): CommitReply => ({ kind: 'failed', message: error.message }));
    if (ready.kind !== 'ready') {
      await worker.terminate();
      throw new LedgerError('UNAVAILABLE', `the ledger could not be opened: ${ready.kind === 'failed' ? ready.message : ready.kind}`);
    }
    let simulation: SimulationPool;
    try {
      simulation = await SimulationPool.start(options.simulationWorkers ?? Math.max(2, availableParallelism()), file,
        options.contractsModule ?? '@gridspace/chaincode', identities);
    } catch (error) {
      await worker.terminate();
      throw new LedgerError('UNAVAILABLE', `the chaincode could not be loaded: ${(error as Error).message}`);
    }
    let store: LedgerStore;
    try {
      store = new LedgerStore(file, { readonly: true });
    } catch (error) {
      await simulation.close();
      await worker.terminate();
      throw new LedgerError('UNAVAILABLE', `the ledger could not be read: ${(error as Error).message}`);
    }
    const ledger = new EmbeddedLedger(store, worker, simulation,
      new Map(identities.map((i) => [i.name, i])), channelId, options.maxBlockTransactions ?? 1000, lock);
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
    // A transaction id as Fabric derives it: SHA-256 of nonce and creator.
    let creator = this.creatorBytes.get(identity.name);
    if (!creator) this.creatorBytes.set(identity.name, (creator = Buffer.from(identity.mspId + identity.certificatePem)));
    const txId = sha256Hex(Buffer.concat([nextNonce(), creator]));
    const timestampMs = Date.now();
    let response;
    try {
      response = await this.simulation.run({
        txId, channelId: this.channelId, identity: identity.name, timestampMs,
        args: [request.fn, ...(request.args ?? []).map(String)],
        transient: Object.entries(request.transient ?? {}).map(([key, value]) => [key, typeof value === 'string' ? Buffer.from(value) : value]),
      });
    } catch (error) {
      throw new LedgerError('UNAVAILABLE', (error as Error).message, txId);
    }
    if (!response.ok) throw LedgerError.fromChaincodeMessage(response.message, txId);
    return { txId, identity, rwset: response.rwset, result: response.payload, timestampMs };
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
    try {
      await Promise.all([this.worker.terminate(), this.simulation.close()]);
      this.store.close();
    } finally {
      this.lock.release();
    }
  }
}
