// Runs contract classes the way a peer-launched Node chaincode does: through fabric-shim's
// ChaincodeFromContract.Invoke, so decorators, metadata, argument marshalling and error responses
// behave as on Fabric. Loaded by each simulation worker.
import { createRequire } from 'node:module';
import type { LedgerStore } from './store.js';
import { SimulationStub, type ReadWriteSet } from './stub.js';

const require = createRequire(import.meta.url);

// The shim and the contract API log every failed transaction at error level; here failures reach
// callers as LedgerErrors, so chaincode logging is off unless GRIDSPACE_CHAINCODE_LOG_LEVEL asks
// for it. Off means silent loggers: winston formats every message, debug ones included, before
// its transports filter by level. This runs before the contract API loads, so every logger it
// makes is silent. Their loggers also swallow the process's uncaught exceptions and unhandled
// rejections (right for a chaincode process, wrong for a library in ours): give those back to Node.
const chaincodeLogLevel = process.env.GRIDSPACE_CHAINCODE_LOG_LEVEL;
type WinstonLogger = { silent: boolean; exceptions?: { unhandle(): void } };
for (const path of ['fabric-shim/lib/logger.js', 'fabric-contract-api/lib/logger.js']) {
  const logging = require(path) as { setLevel(level: string): void; getLogger(name: string): WinstonLogger };
  const getLogger = logging.getLogger.bind(logging);
  logging.getLogger = (name: string) => {
    const logger = getLogger(name);
    logger.silent = chaincodeLogLevel === undefined;
    return logger;
  };
  logging.setLevel(chaincodeLogLevel ?? 'ERROR');
  logging.getLogger('_').exceptions?.unhandle();
}
for (const listener of process.listeners('unhandledRejection')) {
  if (listener.name === 'loggerUnhandledRejectionFn') process.off('unhandledRejection', listener);
}

// fabric-shim parses the creator's X.509 certificate into a ClientIdentity on every transaction.
// Parse each certificate once (as a peer's MSP caches deserialized identities): the shim's
// ClientIdentity is replaced, before its dispatch module binds it, by one that caches the parse.
interface ShimClientIdentity { mspId: string; id: string; attrs: Record<string, string>; idBytes: Uint8Array; stub: unknown }
interface ChaincodeStubLike { getCreator(): { mspid: string; idBytes: Uint8Array } }
const shimChaincode = require('fabric-shim/lib/chaincode.js') as { ClientIdentity: new (stub: ChaincodeStubLike) => ShimClientIdentity };
const ParsingClientIdentity = shimChaincode.ClientIdentity;
// Keyed by the certificate bytes object: each enrolled identity's bytes are one Buffer per worker.
const parsedIdentities = new WeakMap<Uint8Array, ShimClientIdentity>();
shimChaincode.ClientIdentity = function CachedClientIdentity(stub: ChaincodeStubLike) {
  const { idBytes } = stub.getCreator();
  let parsed = parsedIdentities.get(idBytes);
  if (!parsed) parsedIdentities.set(idBytes, (parsed = new ParsingClientIdentity(stub)));
  return Object.assign(Object.create(ParsingClientIdentity.prototype) as ShimClientIdentity, parsed, { stub });
} as unknown as typeof shimChaincode.ClientIdentity;

const fabricContractApi = require('fabric-contract-api') as typeof import('fabric-contract-api');
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract.js') as new (
  contracts: unknown[], serializers: unknown, metadata: unknown, title: string, version: string,
) => { Invoke(stub: unknown): Promise<{ status: number; message?: string; payload?: Uint8Array }> };

/** A transaction proposal as a simulation worker receives it. */
export interface Proposal {
  txId: string;
  channelId: string;
  /** The creator: its MSP ID and certificate (PEM bytes). */
  creator: { mspid: string; idBytes: Uint8Array };
  /** `Contract:function` followed by the arguments. */
  args: string[];
  transient: Array<[string, Uint8Array]>;
  timestampMs: number;
}

export type ProposalResponse =
  | { ok: true; payload: string; rwset: ReadWriteSet }
  | { ok: false; message: string };

/** Loads a module exporting `contracts` (the contract classes), e.g. `@gridspace/chaincode`. */
export async function loadChaincode(contractsModule: string) {
  const { contracts } = (await import(contractsModule)) as { contracts?: unknown[] };
  if (!Array.isArray(contracts)) throw new Error(`${contractsModule} does not export \`contracts\` (an array of contract classes)`);
  const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: fabricContractApi.JSONSerializer } };
  return new ChaincodeFromContract([...contracts], serializers, {}, 'gridspace', '0.1.0');
}

export type Chaincode = Awaited<ReturnType<typeof loadChaincode>>;

/** Simulates one proposal against committed state: the chaincode's answer and its read/write set. */
export async function simulate(chaincode: Chaincode, store: LedgerStore, proposal: Proposal): Promise<ProposalResponse> {
  const stub = new SimulationStub(store, {
    txId: proposal.txId,
    channelId: proposal.channelId,
    creator: { mspid: proposal.creator.mspid, idBytes: proposal.creator.idBytes },
    args: proposal.args.map((arg) => Buffer.from(arg, 'utf8')),
    transient: new Map(proposal.transient),
    timestamp: new Date(proposal.timestampMs),
  });
  const response = await chaincode.Invoke(stub);
  if (response.status !== 200) return { ok: false, message: response.message ?? 'chaincode failed' };
  return { ok: true, payload: response.payload ? Buffer.from(response.payload).toString('utf8') : '', rwset: stub.rwset };
}
