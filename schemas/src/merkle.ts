// Merkle trees over identifier registration batches, RFC 6962 style (domain-separated SHA-256:
// leaf = H(0x00 || data), node = H(0x01 || left || right); an odd last node is promoted unpaired).
// The resolver computes the root of a batch, the IdentifierAnchors contract records it, and anyone
// proves one identifier record untampered with a proof from the resolver.
import { createHash } from 'node:crypto';
import { createValidator } from './validation.js';
import { SHA256_HEX_SCHEMA } from './common.js';

export const MERKLE_ALGORITHM = 'sha256-rfc6962' as const;

export interface MerkleProofStep {
  /** Which side the sibling sits on. */
  side: 'left' | 'right';
  hash: string;
}

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** Leaf hash of one record (e.g. the canonical JSON of an identifier's values). */
export function merkleLeafHash(data: string | Uint8Array): string {
  return sha256(Buffer.from([0]), Buffer.from(data)).toString('hex');
}

function nodeHash(left: string, right: string): string {
  return sha256(Buffer.from([1]), Buffer.from(left, 'hex'), Buffer.from(right, 'hex')).toString('hex');
}

/** Root over leaf hashes (hex), in batch order. */
export function merkleRoot(leafHashes: readonly string[]): string {
  if (leafHashes.length === 0) throw new RangeError('a Merkle tree needs at least one leaf');
  let level = [...leafHashes];
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? nodeHash(level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}

/** Audit path for the leaf at `index`. */
export function merkleProof(leafHashes: readonly string[], index: number): MerkleProofStep[] {
  if (index < 0 || index >= leafHashes.length) throw new RangeError(`leaf index ${index} out of range`);
  const proof: MerkleProofStep[] = [];
  let level = [...leafHashes];
  let position = index;
  while (level.length > 1) {
    const sibling = position % 2 === 0 ? position + 1 : position - 1;
    if (sibling < level.length) proof.push({ side: position % 2 === 0 ? 'right' : 'left', hash: level[sibling]! });
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? nodeHash(level[i]!, level[i + 1]!) : level[i]!);
    level = next;
    position = Math.floor(position / 2);
  }
  return proof;
}

/** Recomputes the root from a leaf hash and its audit path. */
export function verifyMerkleProof(leafHash: string, proof: readonly MerkleProofStep[], root: string): boolean {
  let hash = leafHash;
  for (const step of proof) hash = step.side === 'left' ? nodeHash(step.hash, hash) : nodeHash(hash, step.hash);
  return hash === root;
}

export const MERKLE_PROOF_SCHEMA = {
  $id: 'https://gridspace.example/schemas/merkle-proof.json',
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'array',
  maxItems: 64,
  items: {
    type: 'object',
    required: ['side', 'hash'],
    additionalProperties: false,
    properties: { side: { enum: ['left', 'right'] }, hash: SHA256_HEX_SCHEMA },
  },
} as const;

export const merkleProofValidator = createValidator<MerkleProofStep[]>(MERKLE_PROOF_SCHEMA, 'proof');
