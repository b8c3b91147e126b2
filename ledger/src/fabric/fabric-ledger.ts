// The fabric adapter of the Ledger port: @hyperledger/fabric-gateway against real peers. Each
// enrolled identity talks to a peer of its own organization (so that its own implicit private
// collection is readable), falling back to the first peer when its org runs none.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import {
  type ChaincodeEvent as GatewayChaincodeEvent, type Checkpointer, type Contract, type Gateway, GatewayError, type Network, checkpointers, connect, hash,
} from '@hyperledger/fabric-gateway';
import {
  type ChaincodeEvent, type EventsOptions, type Ledger, LedgerError, type SubmitResult, type TransactionRequest,
} from '../port.js';
import { fromValidationCode, isTransient, toLedgerError } from './errors.js';
import type { FabricPeer, FabricSettings } from './settings.js';
import { newNodeCryptoSigner } from './signer.js';

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
  /** The peer this identity's gateway talks to. */
  endpoint: string;
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

/**
 * The MSP IDs owning the implicit collections named in the gateway's refusal to send transient data
 * to orgs outside a collection's distribution policy; undefined for any other error.
 */
function implicitCollectionOwners(error: unknown): string[] | undefined {
  if (!(error instanceof GatewayError) || error.code !== grpc.status.FAILED_PRECONDITION) return undefined;
  const match = /not in the distribution policy of the private data collection\(s\): \[([^\]]*)\]/.exec(error.message);
  if (!match) return undefined;
  const collections = match[1]!.split(/\s+/).filter(Boolean);
  const owners = collections.map((name) => /^_implicit_org_(.+)$/.exec(name)?.[1]);
  return owners.every((owner) => owner !== undefined) ? [...new Set(owners as string[])] : undefined;
}

export class FabricLedger implements Ledger {
  private readonly clients = new Map<string, grpc.Client>();
  private readonly connections = new Map<string, Connection>();
  private readonly transientRetryMs: number;
  private readonly mvccRetries: number;
  private closed = false;
  /** A connection through each peer, to ask that peer for its height. */
  private readonly byEndpoint = new Map<string, Connection>();
  /** The highest block a transaction submitted through this ledger committed in. */
  private committedBlock = -1;
  /** Heights last seen per peer. */
  private readonly peerHeights = new Map<string, number>();

  constructor(private readonly settings: FabricSettings) {
    this.transientRetryMs = settings.transientRetryMs ?? 30_000;
    this.mvccRetries = settings.mvccRetries ?? 0;
    for (const identity of settings.identities) {
      const peer = settings.peers.find((candidate) => candidate.mspId === identity.mspId) ?? settings.peers[0]!;
      const gateway = connect({
        client: this.clientFor(peer),
        identity: { mspId: identity.mspId, credentials: readFileSync(identity.certPath) },
        // The signer hashes the message itself (OpenSSL), so the gateway must not.
        signer: newNodeCryptoSigner(createPrivateKey(readFileSync(identity.keyPath))),
        hash: hash.none,
        evaluateOptions: () => ({ deadline: Date.now() + 30_000 }),
        endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
        submitOptions: () => ({ deadline: Date.now() + 30_000 }),
        commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
      });
      const network = gateway.getNetwork(settings.channel);
      const connection = { name: identity.name, mspId: identity.mspId, endpoint: peer.endpoint, gateway, network, contract: network.getContract(settings.chaincode) };
      this.connections.set(identity.name, connection);
      if (!this.byEndpoint.has(peer.endpoint)) this.byEndpoint.set(peer.endpoint, connection);
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

  private async peerHeight(endpoint: string): Promise<number> {
    const connection = this.byEndpoint.get(endpoint)!;
    const info = await this.retryTransient(() => connection.network.getContract('qscc').evaluateTransaction('GetChainInfo', this.settings.channel));
    const height = decodeHeight(info);
    this.peerHeights.set(endpoint, height);
    return height;
  }

  /**
   * Read-your-writes across peers: each peer commits blocks on its own schedule, so before a peer
   * simulates a transaction or answers a query, wait (briefly) until it has every block that a
   * transaction of this ledger committed in. Otherwise a caller could miss its own last write.
   */
  private async catchUp(endpoints: Iterable<string>): Promise<void> {
    const needed = this.committedBlock + 1;
    await Promise.all([...new Set(endpoints)].map(async (endpoint) => {
      if ((this.peerHeights.get(endpoint) ?? 0) >= needed) return;
      const deadline = Date.now() + 10_000;
      while ((await this.peerHeight(endpoint)) < needed && Date.now() < deadline) await sleep(20);
    }));
  }

  private endorsingEndpoints(connection: Connection, endorsingOrgs: string[] | undefined): string[] {
    const others = (endorsingOrgs ?? []).flatMap((mspId) => this.settings.peers.filter((peer) => peer.mspId === mspId).map((peer) => peer.endpoint));
    return [connection.endpoint, ...others.filter((endpoint) => this.byEndpoint.has(endpoint))];
  }

  async submit(request: TransactionRequest): Promise<SubmitResult> {
    const connection = this.connection(request.identity);
    await this.catchUp(this.endorsingEndpoints(connection, request.endorsingOrgs)).catch((error: unknown) => {
      throw toLedgerError(error);
    });
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
      const endorse = (endorsingOrganizations: string[] | undefined) => this.retryTransient(() => connection.contract.newProposal(request.fn, {
        arguments: request.args ?? [],
        transientData: request.transient,
        endorsingOrganizations,
      }).endorse());
      let transaction;
      try {
        transaction = await endorse(request.endorsingOrgs);
      } catch (error) {
        // The gateway keeps transient data from orgs outside the collections it goes to; when those
        // are implicit org collections, their owners are the orgs to endorse (and to trust with it).
        const owners = request.endorsingOrgs ? undefined : implicitCollectionOwners(error);
        if (!owners) throw error;
        transaction = await endorse(owners);
      }
      txId = transaction.getTransactionId();
      const commit = await this.retryTransient(() => transaction.submit());
      const status = await this.retryTransient(() => commit.getStatus());
      if (!status.successful) throw fromValidationCode(status.code, txId);
      const blockNumber = Number(status.blockNumber);
      this.committedBlock = Math.max(this.committedBlock, blockNumber);
      this.peerHeights.set(connection.endpoint, Math.max(this.peerHeights.get(connection.endpoint) ?? 0, blockNumber + 1));
      return { txId, blockNumber, result: utf8.decode(transaction.getResult()) };
    } catch (error) {
      throw toLedgerError(error, txId);
    }
  }

  async evaluate(request: TransactionRequest): Promise<string> {
    const connection = this.connection(request.identity);
    try {
      await this.catchUp([connection.endpoint]);
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

  /** A committed block as the peers store it (a serialized common.Block), read through qscc. */
  async blockBytes(blockNumber: number): Promise<Uint8Array> {
    const connection = [...this.connections.values()][0]!;
    try {
      return await this.retryTransient(() => connection.network.getContract('qscc').evaluateTransaction('GetBlockByNumber', this.settings.channel, String(blockNumber)));
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
