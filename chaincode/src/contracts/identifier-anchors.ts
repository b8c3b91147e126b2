// Identifier anchors: Merkle roots of the resolver's registration batches (prefix, batch id, root,
// count), recorded by the org owning the prefix, and proof verification against them.
import {
  identifierAnchorValidator,
  MERKLE_ALGORITHM,
  merkleProofValidator,
  PREFIX_SCHEMA,
  SHA256_HEX_SCHEMA,
  verifyMerkleProof,
  type IdentifierAnchor,
} from '@gridspace/schemas';
import { Context, Contract, Info, Returns, Transaction } from '../lib/fabric.js';
import { callerOrg, prefixOwner } from '../lib/access.js';
import { conflict, forbidden, invalid, notFound } from '../lib/errors.js';
import { KEY, result, TxState } from '../lib/state.js';

const PREFIX_PATTERN = new RegExp(PREFIX_SCHEMA.pattern);
const HASH_PATTERN = new RegExp(SHA256_HEX_SCHEMA.pattern);

async function getAnchor(state: TxState, prefix: string, batchId: string): Promise<IdentifierAnchor> {
  const anchor = await state.getJson<IdentifierAnchor>(KEY.anchor, [prefix, batchId]);
  if (!anchor) throw notFound(`anchor of batch ${batchId} under prefix ${prefix}`);
  return anchor;
}

@Info({ title: 'IdentifierAnchors', description: 'Merkle roots of identifier registration batches' })
export class IdentifierAnchorsContract extends Contract {
  constructor() {
    super('IdentifierAnchors');
  }

  @Transaction()
  @Returns('string')
  async Anchor(ctx: Context, anchorJson: string): Promise<string> {
    const state = new TxState(ctx);
    const input = identifierAnchorValidator.parse(anchorJson, 'anchor');
    const caller = await callerOrg(state);
    const owner = await prefixOwner(state, input.prefix);
    if (!owner) throw notFound(`an owner of prefix ${input.prefix} (ask the operator to assign it)`);
    if (owner.orgId !== caller.id) throw forbidden(`only ${owner.orgId}, owner of prefix ${owner.prefix}, may anchor batches under ${input.prefix}; the caller is ${caller.id}`);
    const existing = await state.getJson<IdentifierAnchor>(KEY.anchor, [input.prefix, input.batchId]);
    if (existing) throw conflict(`batch ${input.batchId} under prefix ${input.prefix} is already anchored (root ${existing.merkleRoot})`);
    const anchor: IdentifierAnchor = { ...input, algorithm: MERKLE_ALGORITHM, anchoredBy: caller.id, anchoredAt: state.now(), txId: state.txId() };
    await state.putJson(KEY.anchor, [input.prefix, input.batchId], anchor);
    state.emit('IdentifierBatchAnchored', anchor);
    return result(anchor);
  }

  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, prefix: string, batchId: string): Promise<string> {
    return result(await getAnchor(new TxState(ctx), prefix, batchId));
  }

  @Transaction(false)
  @Returns('string')
  async ListByPrefix(ctx: Context, prefix: string): Promise<string> {
    if (!PREFIX_PATTERN.test(prefix)) throw invalid('prefix', PREFIX_SCHEMA.errorRule);
    return result(await new TxState(ctx).listJson<IdentifierAnchor>(KEY.anchor, [prefix]));
  }

  /** Whether `leafHash` (hex) with its audit path `proofJson` leads to the anchored root. */
  @Transaction(false)
  @Returns('string')
  async Verify(ctx: Context, prefix: string, batchId: string, leafHash: string, proofJson: string): Promise<string> {
    if (!HASH_PATTERN.test(leafHash)) throw invalid('leafHash', SHA256_HEX_SCHEMA.errorRule);
    const proof = merkleProofValidator.parse(proofJson, 'proof');
    const anchor = await getAnchor(new TxState(ctx), prefix, batchId);
    return result({ valid: verifyMerkleProof(leafHash, proof, anchor.merkleRoot), anchor });
  }
}
