// Identifier anchors: the Merkle root of one identifier registration batch of the resolver.
import { DATE_TIME_SCHEMA, ID_SCHEMA, ORG_ID_SCHEMA, PREFIX_SCHEMA, SHA256_HEX_SCHEMA } from './common.js';
import { MERKLE_ALGORITHM } from './merkle.js';
import { createValidator } from './validation.js';

/** Registration batches hold at most this many identifiers (IDIS second-level node practice). */
export const MAX_BATCH_SIZE = 2000;

export interface IdentifierAnchorInput {
  /** Enterprise prefix the batch registered identifiers under, e.g. `88.188.1001`. */
  prefix: string;
  batchId: string;
  /** Merkle root (hex) over the batch's leaf hashes, see merkle.ts. */
  merkleRoot: string;
  /** Number of identifiers (leaves) in the batch. */
  count: number;
}

export interface IdentifierAnchor extends IdentifierAnchorInput {
  algorithm: typeof MERKLE_ALGORITHM;
  anchoredBy: string;
  anchoredAt: string;
  txId: string;
}

export const IDENTIFIER_ANCHOR_SCHEMA = {
  $id: 'https://gridspace.example/schemas/identifier-anchor.json',
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Identifier anchor (as submitted)',
  type: 'object',
  required: ['prefix', 'batchId', 'merkleRoot', 'count'],
  additionalProperties: false,
  properties: {
    prefix: PREFIX_SCHEMA,
    batchId: ID_SCHEMA,
    merkleRoot: SHA256_HEX_SCHEMA,
    count: { type: 'integer', minimum: 1, maximum: MAX_BATCH_SIZE },
  },
} as const;

export const IDENTIFIER_ANCHOR_RECORD_SCHEMA = {
  $id: 'https://gridspace.example/schemas/identifier-anchor-record.json',
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Identifier anchor (as recorded)',
  type: 'object',
  required: ['prefix', 'batchId', 'merkleRoot', 'count', 'algorithm', 'anchoredBy', 'anchoredAt', 'txId'],
  additionalProperties: false,
  properties: {
    ...IDENTIFIER_ANCHOR_SCHEMA.properties,
    algorithm: { const: MERKLE_ALGORITHM },
    anchoredBy: ORG_ID_SCHEMA,
    anchoredAt: DATE_TIME_SCHEMA,
    txId: { type: 'string', minLength: 1 },
  },
} as const;

export const identifierAnchorValidator = createValidator<IdentifierAnchorInput>(IDENTIFIER_ANCHOR_SCHEMA, 'anchor');
export const validateIdentifierAnchor = identifierAnchorValidator.validate;
export const assertIdentifierAnchor = identifierAnchorValidator.assert;
