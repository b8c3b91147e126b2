// Checks a proof answered by GET /api/handles/{handle}/proof: the leaf and path rebuild the root.
// (Checking that the root is anchored is the ledger's part: look up the anchor transaction.)
import { rootFromPath, type MerkleStep } from './merkle.js';

export interface HandleProof {
  handle: string;
  leaf: string;
  path: MerkleStep[];
  merkleRoot: string;
  anchor: { txId: string; blockNumber: number } | null;
}

export function verifyProof(proof: HandleProof): { valid: boolean; reason?: string } {
  const root = rootFromPath(proof.leaf, proof.path);
  if (root !== proof.merkleRoot) return { valid: false, reason: `the path leads to root ${root}, not ${proof.merkleRoot}` };
  return { valid: true };
}
