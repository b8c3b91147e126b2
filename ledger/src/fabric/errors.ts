// Fabric's failures mapped to the Ledger port's error codes, so that callers see the same
// LedgerError from the fabric adapter as from the embedded one.
import { status as GrpcStatus } from '@grpc/grpc-js';
import { GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { LedgerError } from '../port.js';

/** gRPC codes that mean "the peer or orderer could not be reached or gave up": worth retrying. */
const TRANSIENT_GRPC_CODES: ReadonlySet<number> = new Set([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.RESOURCE_EXHAUSTED]);

export function isTransient(error: unknown): boolean {
  return error instanceof GatewayError && TRANSIENT_GRPC_CODES.has(error.code);
}

/** The message a contract failed with, as the peer relays it: `chaincode response 500, CODE: detail`. */
function chaincodeMessage(error: GatewayError): string | undefined {
  const texts = [...error.details.map((detail) => detail.message), error.message];
  for (const text of texts) {
    const match = /chaincode response \d+, ([\s\S]*)$/.exec(text);
    if (match) return match[1]!.trim();
  }
  return undefined;
}

/** Maps an error thrown while endorsing, evaluating, submitting or awaiting a commit. */
export function toLedgerError(error: unknown, txId?: string): LedgerError {
  if (error instanceof LedgerError) return error;
  if (error instanceof GatewayError) {
    const fromChaincode = chaincodeMessage(error);
    if (fromChaincode) return LedgerError.fromChaincodeMessage(fromChaincode, txId);
    const details = error.details.map((d) => `${d.mspId}@${d.address}: ${d.message}`).join('; ');
    const message = details ? `${error.message} (${details})` : error.message;
    if (TRANSIENT_GRPC_CODES.has(error.code)) return new LedgerError('UNAVAILABLE', message, txId);
    if (/creator|access denied|identity|certificate/i.test(message) && error.code === GrpcStatus.PERMISSION_DENIED) {
      return new LedgerError('FORBIDDEN', message, txId);
    }
    return new LedgerError('INTERNAL', message, txId);
  }
  return new LedgerError('INTERNAL', error instanceof Error ? error.message : String(error), txId);
}

/** Maps a transaction's validation code (it was ordered, but the peers did not apply it). */
export function fromValidationCode(code: number, txId: string): LedgerError {
  switch (code) {
    case StatusCode.MVCC_READ_CONFLICT:
    case StatusCode.PHANTOM_READ_CONFLICT:
      return new LedgerError('MVCC_READ_CONFLICT', `transaction ${txId} read state that another transaction changed; submit it again`, txId);
    case StatusCode.ENDORSEMENT_POLICY_FAILURE:
      return new LedgerError('ENDORSEMENT_POLICY_FAILURE', `transaction ${txId} does not satisfy the endorsement policy of a key it writes`, txId);
    case StatusCode.DUPLICATE_TXID:
      return new LedgerError('CONFLICT', `transaction ${txId} was already submitted`, txId);
    default:
      return new LedgerError('INTERNAL', `transaction ${txId} was not applied: validation code ${code}`, txId);
  }
}
