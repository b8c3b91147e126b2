// A binary SHA-256 Merkle tree over a registration batch: leaf = SHA-256 of the canonical JSON of
// {handle, values}; an odd node at any level is paired with itself. The root is what the ledger
// anchors; a member's path proves it was in the batch unchanged.
import { createHash } from 'node:crypto';
import type { HandleValue } from '../handle/values.js';
import { canonicalJson } from '../trust/canonical.js';

const sha256 = (data: string | Buffer): Buffer => createHash('sha256').update(data).digest();

export function leafHash(handle: string, values: readonly HandleValue[], valuesJson = canonicalValuesJson(values)): string {
  return sha256(`leaf:{"handle":${JSON.stringify(handle)},"values":${valuesJson}}`).toString('hex');
}

/**
 * canonicalJson(values), written out for the fixed shape of a handle value (keys in sorted order):
 * batches hash thousands of records, and the generic key sort dominated registration time.
 */
export function canonicalValuesJson(values: readonly HandleValue[]): string {
  const parts = values.map((v) => {
    const value = typeof v.data.value === 'string' ? JSON.stringify(v.data.value) : canonicalJson(v.data.value);
    const hidden = v.publicRead === false ? '"publicRead":false,' : '';
    return `{"data":{"format":${JSON.stringify(v.data.format)},"value":${value}},"index":${v.index},${hidden}"timestamp":${JSON.stringify(v.timestamp)},"ttl":${v.ttl},"type":${JSON.stringify(v.type)}}`;
  });
  return `[${parts.join(',')}]`;
}

function parent(left: Buffer, right: Buffer): Buffer {
  return sha256(Buffer.concat([Buffer.from('node:'), left, right]));
}

export function merkleRoot(leaves: readonly string[]): string {
  if (leaves.length === 0) throw new Error('a Merkle tree needs at least one leaf');
  let level: Buffer[] = leaves.map((l) => Buffer.from(l, 'hex'));
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(parent(level[i]!, level[i + 1] ?? level[i]!));
    level = next;
  }
  return level[0]!.toString('hex');
}

export interface MerkleStep {
  /** Sibling hash (hex). */
  hash: string;
  /** Whether the sibling is on the left of the running hash. */
  left: boolean;
}

export function merklePath(leaves: readonly string[], position: number): MerkleStep[] {
  const path: MerkleStep[] = [];
  let level: Buffer[] = leaves.map((l) => Buffer.from(l, 'hex'));
  let i = position;
  while (level.length > 1) {
    const siblingIndex = i % 2 === 0 ? i + 1 : i - 1;
    const sibling = level[siblingIndex] ?? level[i]!;
    path.push({ hash: sibling.toString('hex'), left: i % 2 === 1 });
    const next: Buffer[] = [];
    for (let j = 0; j < level.length; j += 2) next.push(parent(level[j]!, level[j + 1] ?? level[j]!));
    level = next;
    i = Math.floor(i / 2);
  }
  return path;
}

/** Recomputes the root from a leaf and its path. */
export function rootFromPath(leaf: string, path: readonly MerkleStep[]): string {
  let hash: Buffer = Buffer.from(leaf, 'hex');
  for (const step of path) {
    const sibling = Buffer.from(step.hash, 'hex');
    hash = step.left ? parent(sibling, hash) : parent(hash, sibling);
  }
  return hash.toString('hex');
}
