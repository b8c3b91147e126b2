// Organizations (operator bootstrap, registry, prefixes), Catalog (provider-only publish, update,
// withdraw) and IdentifierAnchors (Merkle roots recorded by the prefix owner, proof verification).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { merkleLeafHash, merkleProof, merkleRoot } from '@gridspace/schemas';
import type { Ledger } from '../../src/index.js';
import { assignFreshPrefix, basicPolicy, domesticTerms, ensureOrganizations, eventOf, evaluate, openLedgerWithOrganizations, openTestLedger, org, productJson, rejects, submit, unique, uniquePrefix } from './support.js';

describe('Organizations contract', () => {
  let ledger: Ledger;
  before(async () => {
    ledger = await openTestLedger();
    await ensureOrganizations(ledger);
    await ensureOrganizations(ledger); // idempotent
  });
  after(async () => ledger.close());

  it('has one operator, bootstrapped once', async () => {
    const operator = await evaluate<{ mspId: string; orgId: string }>(ledger, { identity: 'agency', fn: 'Organizations:GetOperator' });
    assert.deepEqual([operator.mspId, operator.orgId], ['GridOperatorMSP', 'gd-grid']);
    const o = org('agency');
    await rejects(
      submit(ledger, { identity: 'agency', fn: 'Organizations:Bootstrap', args: [{ id: o.orgId, name: o.name, mspId: o.mspId, type: 'grid-operator', jurisdiction: 'CN-GD' }] }),
      'CONFLICT',
      /already has an operator/,
    );
  });

  it('registers orgs by the operator only, with validated records', async () => {
    const orgs = await evaluate<Array<{ id: string; mspId: string; jurisdiction: string }>>(ledger, { identity: 'hk', fn: 'Organizations:List' });
    assert.ok(orgs.some((x) => x.id === 'hk-partner' && x.mspId === 'HkPartnerMSP' && x.jurisdiction === 'HK'));
    const byMsp = await evaluate<{ id: string }>(ledger, { identity: 'hk', fn: 'Organizations:GetByMsp', args: ['MacauPartnerMSP'] });
    assert.equal(byMsp.id, 'mo-partner');
    const newcomer = { id: unique('wind'), name: 'Offshore Wind Co.', mspId: `${unique('Wind').replace('-', '')}MSP`, type: 'supplier', jurisdiction: 'CN-GD' };
    await rejects(submit(ledger, { identity: 'supplier', fn: 'Organizations:Register', args: [newcomer] }), 'FORBIDDEN', /only the operator org \(GridOperatorMSP\)/);
    await rejects(submit(ledger, { identity: 'operator', fn: 'Organizations:Register', args: [{ ...newcomer, type: 'utility' }] }), 'INVALID_ARGUMENT', /^INVALID_ARGUMENT: organization\.type: must be one of: grid-operator, government, supplier, hk-partner, macau-partner$/);
    await rejects(submit(ledger, { identity: 'operator', fn: 'Organizations:Register', args: [{ ...newcomer, jurisdiction: 'Hong Kong' }] }), 'INVALID_ARGUMENT', /organization\.jurisdiction: must be an ISO 3166 code/);
    await rejects(submit(ledger, { identity: 'operator', fn: 'Organizations:Register', args: [{ ...newcomer, mspId: 'HkPartnerMSP' }] }), 'CONFLICT', /already belongs to organization hk-partner/);
    const registered = await submit(ledger, { identity: 'operator', fn: 'Organizations:Register', args: [newcomer] });
    assert.equal((await eventOf(ledger, registered.tx)).name, 'OrganizationRegistered');
    await rejects(submit(ledger, { identity: 'operator', fn: 'Organizations:Register', args: [newcomer] }), 'CONFLICT', /already registered/);
    const updated = await submit<{ name: string }>(ledger, { identity: 'operator', fn: 'Organizations:Update', args: [{ ...newcomer, name: 'Offshore Wind Group' }] });
    assert.equal(updated.value.name, 'Offshore Wind Group');
    await rejects(evaluate(ledger, { identity: 'operator', fn: 'Organizations:Get', args: [unique('nobody')] }), 'NOT_FOUND');
  });

  it('assigns enterprise prefixes and resolves an identifier to its owner', async () => {
    const prefix = uniquePrefix();
    await rejects(submit(ledger, { identity: 'supplier', fn: 'Organizations:AssignPrefix', args: [prefix, 'tx-maker'] }), 'FORBIDDEN');
    await rejects(submit(ledger, { identity: 'operator', fn: 'Organizations:AssignPrefix', args: ['88..1', 'tx-maker'] }), 'INVALID_ARGUMENT', /assignment\.prefix: must be a dot-separated identifier prefix/);
    await rejects(submit(ledger, { identity: 'operator', fn: 'Organizations:AssignPrefix', args: [prefix, unique('ghost')] }), 'NOT_FOUND');
    await submit(ledger, { identity: 'operator', fn: 'Organizations:AssignPrefix', args: [prefix, 'tx-maker'] });
    await rejects(submit(ledger, { identity: 'operator', fn: 'Organizations:AssignPrefix', args: [prefix, 'cable-maker'] }), 'CONFLICT', /already assigned to tx-maker/);
    const owner = await evaluate<{ prefix: string; orgId: string }>(ledger, { identity: 'agency', fn: 'Organizations:GetPrefix', args: [`${prefix}/TX2026-000001`] });
    assert.deepEqual([owner.prefix, owner.orgId], [prefix, 'tx-maker']);
  });
});

describe('Catalog contract', () => {
  let ledger: Ledger;
  before(async () => {
    ledger = await openLedgerWithOrganizations();
  });
  after(async () => ledger.close());

  it('publishes, updates and withdraws a data product, by its provider only', async () => {
    const id = unique('indices');
    await rejects(submit(ledger, { identity: 'agency', fn: 'Catalog:Publish', args: [productJson(id, 'gd-grid')] }), 'FORBIDDEN', /only the provider org may publish/);
    await rejects(
      submit(ledger, { identity: 'operator', fn: 'Catalog:Publish', args: [{ ...productJson(id, 'gd-grid'), graphqlCoordinates: ['electricityIndices'] }] }),
      'INVALID_ARGUMENT',
      /dataProduct\.graphqlCoordinates\[0\]: must be a GraphQL schema coordinate/,
    );
    const published = await submit<{ status: string }>(ledger, { identity: 'operator', fn: 'Catalog:Publish', args: [productJson(id, 'gd-grid')] });
    assert.equal(published.value.status, 'published');
    assert.equal((await eventOf(ledger, published.tx)).name, 'DataProductPublished');
    await rejects(submit(ledger, { identity: 'operator', fn: 'Catalog:Publish', args: [productJson(id, 'gd-grid')] }), 'CONFLICT', /already exists/);

    await rejects(submit(ledger, { identity: 'operator', fn: 'Catalog:Update', args: [productJson(id, 'gd-grid', '1.0.0')] }), 'INVALID_ARGUMENT', /version: must be greater than the published version 1\.0\.0/);
    await rejects(submit(ledger, { identity: 'stats', fn: 'Catalog:Update', args: [productJson(id, 'gd-grid', '1.1.0')] }), 'FORBIDDEN');
    const updated = await submit<{ version: string }>(ledger, { identity: 'operator', fn: 'Catalog:Update', args: [productJson(id, 'gd-grid', '1.1.0')] });
    assert.equal(updated.value.version, '1.1.0');
    const mine = await evaluate<Array<{ id: string }>>(ledger, { identity: 'agency', fn: 'Catalog:ByProvider', args: ['gd-grid'] });
    assert.ok(mine.some((p) => p.id === id));

    await rejects(submit(ledger, { identity: 'agency', fn: 'Catalog:Withdraw', args: [id, 'no'] }), 'FORBIDDEN');
    const withdrawn = await submit<{ status: string; withdrawalReason: string }>(ledger, { identity: 'operator', fn: 'Catalog:Withdraw', args: [id, 'superseded by v2'] });
    assert.deepEqual([withdrawn.value.status, withdrawn.value.withdrawalReason], ['withdrawn', 'superseded by v2']);
    await rejects(
      submit(ledger, { identity: 'agency', fn: 'Agreements:Request', args: [{ id: unique('agr'), dataProductId: id, policy: basicPolicy(id), crossBorder: domesticTerms() }] }),
      'CONFLICT',
      /withdrawn; no new negotiations/,
    );
    await rejects(evaluate(ledger, { identity: 'agency', fn: 'Catalog:Get', args: [unique('none')] }), 'NOT_FOUND');
  });
});

describe('IdentifierAnchors contract', () => {
  let ledger: Ledger;
  let prefix: string;
  before(async () => {
    ledger = await openLedgerWithOrganizations();
    prefix = await assignFreshPrefix(ledger);
  });
  after(async () => ledger.close());

  it('anchors a batch root by the prefix owner and verifies proofs against it', async () => {
    const records = Array.from({ length: 7 }, (_, i) => JSON.stringify({ handle: `${prefix}/TX2026-${String(i).padStart(6, '0')}`, model: 'S13-M-1000' }));
    const leaves = records.map((r) => merkleLeafHash(r));
    const root = merkleRoot(leaves);
    const batchId = unique('batch');
    const anchor = { prefix, batchId, merkleRoot: root, count: leaves.length };
    await rejects(submit(ledger, { identity: 'supplier2', fn: 'IdentifierAnchors:Anchor', args: [anchor] }), 'FORBIDDEN', /only tx-maker, owner of prefix/);
    await rejects(submit(ledger, { identity: 'supplier', fn: 'IdentifierAnchors:Anchor', args: [{ ...anchor, count: 0 }] }), 'INVALID_ARGUMENT', /anchor\.count: must be >= 1/);
    await rejects(submit(ledger, { identity: 'supplier', fn: 'IdentifierAnchors:Anchor', args: [{ ...anchor, merkleRoot: 'XYZ' }] }), 'INVALID_ARGUMENT', /anchor\.merkleRoot: must be a SHA-256 hash/);
    const anchored = await submit(ledger, { identity: 'supplier', fn: 'IdentifierAnchors:Anchor', args: [anchor] });
    assert.equal((await eventOf(ledger, anchored.tx)).name, 'IdentifierBatchAnchored');
    await rejects(submit(ledger, { identity: 'supplier', fn: 'IdentifierAnchors:Anchor', args: [anchor] }), 'CONFLICT', /already anchored/);

    const verify = (leaf: string, proof: unknown) =>
      evaluate<{ valid: boolean }>(ledger, { identity: 'agency', fn: 'IdentifierAnchors:Verify', args: [prefix, batchId, leaf, proof] });
    for (const index of [0, 3, 6]) assert.equal((await verify(leaves[index]!, merkleProof(leaves, index))).valid, true);
    const tampered = merkleLeafHash(records[3]!.replace('S13-M-1000', 'S11-M-1000'));
    assert.equal((await verify(tampered, merkleProof(leaves, 3))).valid, false);
    assert.equal((await verify(leaves[2]!, merkleProof(leaves, 3))).valid, false);
    await rejects(verify('zz', []), 'INVALID_ARGUMENT', /leafHash/);
    await rejects(evaluate(ledger, { identity: 'agency', fn: 'IdentifierAnchors:Get', args: [prefix, unique('none')] }), 'NOT_FOUND');
    const listed = await evaluate<Array<{ batchId: string; anchoredBy: string }>>(ledger, { identity: 'agency', fn: 'IdentifierAnchors:ListByPrefix', args: [prefix] });
    assert.deepEqual(listed.map((a) => [a.batchId, a.anchoredBy]), [[batchId, 'tx-maker']]);
    assert.equal(createHash('sha256').update(Buffer.from([0])).update(records[0]!).digest('hex'), leaves[0]);
  });
});
