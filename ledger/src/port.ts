// The Ledger port: what the rest of Gridspace needs from a ledger, whichever adapter serves it
// (embedded: the chaincode in-process on SQLite; fabric: @hyperledger/fabric-gateway).

/** One transaction proposal, made as one of the ledger's enrolled identities. */
export interface TransactionRequest {
  /** Name of the enrolled identity that signs the proposal, e.g. `operator` or `agency`. */
  identity: string;
  /** `Contract:function`, e.g. `Agreements:Request`. */
  fn: string;
  /** Positional arguments; objects are passed as JSON strings. */
  args?: string[];
  /** Transient data: reaches the chaincode, never the ledger. */
  transient?: Record<string, string | Uint8Array>;
  /** MSP IDs of the organizations whose peers must endorse (Fabric); recorded by the embedded ledger. */
  endorsingOrgs?: string[];
}

export interface SubmitResult {
  txId: string;
  blockNumber: number;
  /** The transaction function's return value, as the UTF-8 text the chaincode returned. */
  result: string;
}

export interface ChaincodeEvent {
  blockNumber: number;
  txId: string;
  /** Event name, e.g. `AgreementFinalized`. */
  name: string;
  /** Event payload (JSON text for Gridspace contracts). */
  payload: string;
}

export interface EventsOptions {
  /** First block to deliver events from (inclusive). Default: the next block to be committed. */
  fromBlock?: number;
  /** Stops the iteration. */
  signal?: AbortSignal;
}

export interface Ledger {
  /** Endorse, order and commit; resolves once committed, rejects with a LedgerError otherwise. */
  submit(request: TransactionRequest): Promise<SubmitResult>;
  /** Run a read-only transaction function against committed state; nothing is written. */
  evaluate(request: TransactionRequest): Promise<string>;
  /** Chaincode events of committed transactions, in block order, from `fromBlock` on. */
  events(options?: EventsOptions): AsyncIterable<ChaincodeEvent>;
  /** Height of the chain: the number of the next block to be committed. */
  height(): Promise<number>;
  /** Names of the enrolled identities this ledger can submit as, with their MSP IDs. */
  identities(): ReadonlyArray<{ name: string; mspId: string }>;
  close(): Promise<void>;
}

/** Stable error codes, the same from every adapter. */
export const LEDGER_ERROR_CODES = [
  'INVALID_ARGUMENT',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'QUOTA_EXCEEDED',
  'MVCC_READ_CONFLICT',
  'ENDORSEMENT_POLICY_FAILURE',
  'UNKNOWN_IDENTITY',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    readonly txId?: string,
  ) {
    super(message.startsWith(`${code}:`) ? message : `${code}: ${message}`);
    this.name = 'LedgerError';
  }

  /**
   * Contracts fail with messages of the form `CODE: detail` (see chaincode/README.md). This maps such
   * a message to a LedgerError; anything else is INTERNAL.
   */
  static fromChaincodeMessage(message: string, txId?: string): LedgerError {
    // fabric-contract-api itself refuses a call with the wrong number of arguments.
    const arity = /^Expected (\d+) parameters, but (\d+) have been supplied/.exec(message);
    if (arity) return new LedgerError('INVALID_ARGUMENT', `args: expected ${arity[1]} arguments, got ${arity[2]}`, txId);
    const match = /^([A-Z_]+):/.exec(message);
    const code = match && (LEDGER_ERROR_CODES as readonly string[]).includes(match[1]!) ? (match[1] as LedgerErrorCode) : 'INTERNAL';
    return new LedgerError(code, message, txId);
  }
}
