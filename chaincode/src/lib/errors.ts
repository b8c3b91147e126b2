// Contract errors: the message starts with a stable code that every Ledger adapter maps to
// LedgerError.code (see chaincode/README.md).
export { InvalidArgumentError } from '@gridspace/schemas';
import { InvalidArgumentError } from '@gridspace/schemas';

export const invalid = (field: string, rule: string) => new InvalidArgumentError(field, rule);
export const forbidden = (why: string) => new Error(`FORBIDDEN: ${why}`);
export const notFound = (what: string) => new Error(`NOT_FOUND: ${what}`);
export const conflict = (why: string) => new Error(`CONFLICT: ${why}`);
export const quotaExceeded = (why: string) => new Error(`QUOTA_EXCEEDED: ${why}`);
