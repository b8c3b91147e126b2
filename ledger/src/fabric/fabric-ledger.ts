// The fabric adapter of the Ledger port: @hyperledger/fabric-gateway against real peers. Each
// enrolled identity talks to a peer of its own organization (so that its own implicit private
// collection is readable), falling back to the first peer when its org runs none.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import {
  type ChaincodeEvent as GatewayChaincodeEvent, type Checkpointer, type Contract, type Gateway, type Network, checkpointers, connect, hash, signers,
} from '@hyperledger/fabric-gateway';
import {
  type ChaincodeEvent, type EventsOptions, type Ledger, LedgerError, type SubmitResult, type TransactionRequest,
} from '../port.js';
import { fromValidationCode, isTransient, toLedgerError } from './errors.js';
import type { FabricPeer, FabricSettings } from './settings.js';

export interface FabricEventsOptions extends EventsOptions {
  /**
   * Where the listener has got to. Events are read from the checkpoint's position (it wins over
   * `fromBlock` once it holds one), and an event is checkpointed when the consumer asks for the
   * next one, i.e. after it has processed it: a listener restarted on the same checkpoint neither
   * misses nor repeats an event. See `fileCheckpoint`.
   */
  checkpoint?: Checkpointer;
}

/** A checkpoint kept in a JSON file, for a listener that must resume across restarts. */
export function fileCheckpoint(path: string): Promise<Checkpointer> {
  return checkpointers.file(path);
}

interface Connection {
  name: string;
  mspId: string;
  gateway: Gateway;
  network: Network;
  contract: Contract;
}

const utf8 = new TextDecoder();

/** Height of the chain from qscc's BlockchainInfo: field 1, a varint (decoded here to avoid a protobuf dependency for one number). */
function decodeHeight(bytes: Uint8Array): number {
  if (bytes[0] !== 0x08) return 0; // height 0 is omitted from the encoding
  let value = 0;
  for (let i = 1, shift = 0; i < bytes.length; i++, shift += 7) {
    value += (bytes[i]! & 0x7f) * 2 ** shift;
    if ((bytes[i]! & 0x80) === 0) break;
  }
  return value;
}

export class FabricLedger implements Ledger {
  private readonly clients = new Map<string, grpc.Client>();
  private readonly connections = new Map<string, Connection>();
  private readonly transientRetryMs: number;
  private readonly mvccRetries: number;
  private closed = false;

  constructor(private readonly settings: FabricSettings) {
    this.transientRetryMs = settings.transientRetryMs ?? 30_000;
    this.mvccRetries = settings.mvccRetries ?? 0;
    for (const identity of settings.identities) {
      const peer = settings.peers.find((candidate) => candidate.mspId === identity.mspId) ?? settings.peers[0]!;
      const gateway = connect({
        client: this.clientFor(peer),
        identity: { mspId: identity.mspId, credentials: readFileSync(identity.certPath) },
        signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(identity.keyPath))),
        hash: hash.sha256,
        evaluateOptions: () => ({ deadline: Date.now() + 30_000 }),
        endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
        submitOptions: () => ({ deadline: Date.now() + 30_000 }),
        commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
      });
      const network = gateway.getNetwork(settings.channel);
      this.connections.set(identity.name, { name: identity.name, mspId: identity.mspId, gateway, network, contract: network.getContract(settings.chaincode) });
    }
  }

  private clientFor(peer: FabricPeer): grpc.Client {
    let client = this.clients.get(peer.endpoint);
    if (!client) {
      const options: grpc.ClientOptions = peer.hostAlias ? { 'grpc.ssl_target_name_override': peer.hostAlias } : {};
      client = new grpc.Client(peer.endpoint, grpc.credentials.createSsl(readFileSync(peer.tlsCaPath)), options);
      this.clients.set(peer.endpoint, client);
    }
    return client;
  }

  private connection(identity: string): Connection {
    if (this.closed) throw new LedgerError('UNAVAILABLE', 'the ledger is closed');
    const connection = this.connections.get(identity);
    if (!connection) {
      throw new LedgerError('UNKNOWN_IDENTITY', `identity: no enrolled identity named ${JSON.stringify(identity)} (known: ${[...this.connections.keys()].join(', ')})`);
    }
    return connection;
  }

  identities(): ReadonlyArray<{ name: string; mspId: string }> {
    return [...this.connections.values()].map(({ name, mspId }) => ({ name, mspId }));
  }

  /** Runs `step` again while it fails transiently, until `transientRetryMs` has passed. */
  private async retryTransient<T>(step: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.transientRetryMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await step();
      } catch (error) {
        if (!isTransient(error) || Date.now() >= deadline || this.closed) throw error;
        await sleep(Math.min(2_000, 100 * 2 ** attempt));
      }
    }
  }

  async submit(request: TransactionRequest): Promise<SubmitResult> {
    const connection = this.connection(request.identity);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.submitOnce(connection, request);
      } catch (error) {
        if (error instanceof LedgerError && error.code === 'MVCC_READ_CONFLICT' && attempt < this.mvccRetries) {
          await sleep(Math.random() * 50 * (attempt + 1));
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * One transaction: endorse (retried while peers are unreachable: nothing was sent to the orderer
   * yet), then send the same signed transaction until the orderer has it (a re-sent duplicate is
   * invalidated by its transaction id, never applied twice), then wait for its commit status.
   */
  private async submitOnce(connection: Connection, request: TransactionRequest): Promise<SubmitResult> {
    let txId: string | undefined;
    try {
      const transaction = await this.retryTransient(() => connection.contract.newProposal(request.fn, {
        arguments: request.args ?? [],
        transientData: request.transient,
        endorsingOrganizations: request.endorsingOrgs,
      }).endorse());
      txId = transaction.getTransactionId();
      const commit = await this.retryTransient(() => transaction.submit());
      const status = await this.retryTransient(() => commit.getStatus());
      if (!status.successful) throw fromValidationCode(status.code, txId);
      return { txId, blockNumber: Number(status.blockNumber), result: utf8.decode(transaction.getResult()) };
    } catch (error) {
      throw toLedgerError(error, txId);
    }
  }

  async evaluate(request: TransactionRequest): Promise<string> {
    const connection = this.connection(request.identity);
    try {
      const result = await this.retryTransient(() => connection.contract.evaluate(request.fn, {
        arguments: request.args ?? [],
        transientData: request.transient,
        endorsingOrganizations: request.endorsingOrgs,
      }));
      return utf8.decode(result);
    } catch (error) {
      throw toLedgerError(error);
    }
  }

  async height(): Promise<number> {
    const connection = [...this.connections.values()][0]!;
    try {
      const info = await this.retryTransient(() => connection.network.getContract('qscc').evaluateTransaction('GetChainInfo', this.settings.channel));
      return decodeHeight(info);
    } catch (error) {
      throw toLedgerError(error);
    }
  }

  /**
   * Chaincode events in block order. A dropped event stream (a peer restarting) is reopened from
   * the last processed event, so nothing is missed or repeated within one iteration. An event
   * counts as processed when the consumer asks for the next one or leaves the loop (break).
   */
  async *events(options: FabricEventsOptions = {}): AsyncIterable<ChaincodeEvent> {
    const connection = [...this.connections.values()][0]!;
    const { signal } = options;
    const checkpoint = options.checkpoint ?? checkpointers.inMemory();
    // Without a position, start at the current height, so that a reconnection knows where it was.
    const startBlock = BigInt(options.fromBlock ?? (checkpoint.getBlockNumber() === undefined ? await this.height() : 0));
    let pending: GatewayChaincodeEvent | undefined;
    try {
      while (!signal?.aborted && !this.closed) {
        const position = checkpoint.getBlockNumber() !== undefined ? { checkpoint } : { startBlock };
        let stream: Awaited<ReturnType<Network['getChaincodeEvents']>>;
        try {
          stream = await this.retryTransient(() => connection.network.getChaincodeEvents(this.settings.chaincode, position));
        } catch (error) {
          throw toLedgerError(error);
        }
        const abort = () => stream.close();
        signal?.addEventListener('abort', abort, { once: true });
        try {
          for await (const event of stream) {
            pending = event;
            yield { blockNumber: Number(event.blockNumber), txId: event.transactionId, name: event.eventName, payload: utf8.decode(event.payload) };
            pending = undefined;
            await checkpoint.checkpointChaincodeEvent(event);
          }
        } catch (error) {
          if (signal?.aborted || this.closed) return;
          if (!isTransient(error)) throw toLedgerError(error);
          await sleep(250);
        } finally {
          signal?.removeEventListener('abort', abort);
          stream.close();
        }
      }
    } finally {
      // The consumer left the loop after processing this event.
      if (pending) await checkpoint.checkpointChaincodeEvent(pending);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const connection of this.connections.values()) connection.gateway.close();
    for (const client of this.clients.values()) client.close();
  }
}
