// Usage receipts: what the provider's gateway released under an agreement.
import { DATE_TIME_SCHEMA, ID_SCHEMA, SHA256_HEX_SCHEMA } from './common.js';
import { createValidator, InvalidArgumentError } from './validation.js';

/** What the gateway submits, one per release. */
export interface UsageReceiptInput {
  /** Unique receipt id (the gateway's request id). */
  id: string;
  agreementId: string;
  dataProductId: string;
  /** SHA-256 (hex) of the normalized query and its variables. */
  queryHash: string;
  /** Rows (cells) released. */
  rows: number;
  /** When the data was released. */
  releasedAt: string;
}

/** A receipt as recorded on the ledger. */
export interface UsageReceipt extends UsageReceiptInput {
  provider: string;
  consumer: string;
  recordedAt: string;
  txId: string;
}

export const MAX_RECEIPTS_PER_BATCH = 500;

const RECEIPT_ITEM_SCHEMA = {
  type: 'object',
  required: ['id', 'agreementId', 'dataProductId', 'queryHash', 'rows', 'releasedAt'],
  additionalProperties: false,
  properties: {
    id: ID_SCHEMA,
    agreementId: ID_SCHEMA,
    dataProductId: ID_SCHEMA,
    queryHash: SHA256_HEX_SCHEMA,
    rows: { type: 'integer', minimum: 0 },
    releasedAt: DATE_TIME_SCHEMA,
  },
} as const;

export const USAGE_RECEIPT_SCHEMA = {
  $id: 'https://gridspace.example/schemas/usage-receipt.json',
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Usage receipt (as submitted)',
  ...RECEIPT_ITEM_SCHEMA,
} as const;

export const USAGE_RECEIPT_BATCH_SCHEMA = {
  $id: 'https://gridspace.example/schemas/usage-receipt-batch.json',
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'A batch of usage receipts',
  type: 'array',
  minItems: 1,
  maxItems: MAX_RECEIPTS_PER_BATCH,
  items: RECEIPT_ITEM_SCHEMA,
} as const;

export const usageReceiptValidator = createValidator<UsageReceiptInput>(USAGE_RECEIPT_SCHEMA, 'receipt');
export const validateUsageReceipt = usageReceiptValidator.validate;

export const usageReceiptBatchValidator = createValidator<UsageReceiptInput[]>(USAGE_RECEIPT_BATCH_SCHEMA, 'receipts', (batch, root) => {
  const ids = new Map<string, number>();
  for (const [i, receipt] of batch.entries()) {
    const first = ids.get(receipt.id);
    if (first !== undefined) return new InvalidArgumentError(`${root}[${i}].id`, `duplicates ${root}[${first}].id`);
    ids.set(receipt.id, i);
  }
  return undefined;
});
export const validateUsageReceiptBatch = usageReceiptBatchValidator.validate;
