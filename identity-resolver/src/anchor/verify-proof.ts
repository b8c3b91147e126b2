// Checks a proof answered by GET /api/handles/{handle}/proof: the leaf and its audit path lead to
// the batch's Merkle root (and, when a record is given, the leaf is that record). That the root is
// anchored is the ledger's part: IdentifierAnchors:Verify / Get with the anchor's prefix and batch.
import { verifyMerkleProof, type MerkleProofStep } from '@gridspace/schemas';
import type { HandleValue } from '../handle/values.js';
import { leafHash } from './merkle.js';

export interface HandleProof {
  handle: string;
  prefix: string;
  batchId: string;
  leaf: string;
  path: MerkleProofStep[];
  merkleRoot: string;
  algorithm: string;
  anchor: { txId: string; blockNumber: number } | null;
}

export function verifyProof(proof: HandleProof, record?: { handle: string; values: readonly HandleValue[] }): { valid: boolean; reason?: string } {
  if (record && leafHash(record.handle, record.values) !== proof.leaf) return { valid: false, reason: 'the record is not the one registered in the batch (its leaf hash differs)' };
  if (!verifyMerkleProof(proof.leaf, proof.path, proof.merkleRoot)) return { valid: false, reason: `the path from leaf ${proof.leaf} does not lead to root ${proof.merkleRoot}` };
  return { valid: true };
}
