// Merkle trees over registration batches use the shared algorithm of @gridspace/schemas (RFC 6962
// style, `sha256-rfc6962`), the one the ledger's IdentifierAnchors contract verifies with. A leaf
// is the canonical JSON of {handle, values} of a record as registered.
import { merkleLeafHash, merkleProof, merkleRoot, verifyMerkleProof, type MerkleProofStep } from '@gridspace/schemas';
import type { HandleValue } from '../handle/values.js';
import { canonicalJson } from '@gridspace/schemas';

export { merkleProof, merkleRoot, verifyMerkleProof, type MerkleProofStep };

export function leafHash(handle: string, values: readonly HandleValue[], valuesJson = canonicalValuesJson(values)): string {
  return merkleLeafHash(`{"handle":${JSON.stringify(handle)},"values":${valuesJson}}`);
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
