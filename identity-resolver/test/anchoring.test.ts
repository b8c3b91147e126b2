// Ledger anchoring end to end: batches' Merkle roots go through the node's ledgerAnchorSink to the
// embedded ledger's IdentifierAnchors contract (as the org owning the prefix); a record's proof from
// GET /api/handles/{handle}/proof verifies with verifyProof and with IdentifierAnchors:Verify on the
// ledger. A batch registered while the ledger is down is anchored when the node starts again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLedger, registerDevOrganizations } from '@gridspace/ledger';
import { ledgerAnchorSink, verifyProof, type AnchorSink, type HandleProof } from '../src/index.js';
import { call, startTestNode, type TestNode } from './helpers.js';

describe('ledger anchoring', () => {
  let ledgerDir: string;
  let ledger: EmbeddedLedger;
  /** A node anchoring through `config.ledger` (the sink the node makes itself). */
  let t: TestNode;
  /** A node whose sink fails while `down`: the ledger outage of the second test. */
  let flaky: TestNode;
  let sink: AnchorSink;
  let down = true;
  before(async () => {
    ledgerDir = mkdtempSync(join(tmpdir(), 'resolver-ledger-'));
    ledger = await EmbeddedLedger.open({ dataDir: ledgerDir });
    await registerDevOrganizations(ledger);
    await ledger.submit({ identity: 'operator', fn: 'Organizations:AssignPrefix', args: ['88.188.1001', 'tx-maker'] });
    t = await startTestNode('sqlite', { ledger });
    sink = ledgerAnchorSink(ledger, () => t.registry);
    flaky = await startTestNode('sqlite', { anchorSink: { anchor: (batch) => (down ? Promise.reject(new Error('ledger unavailable')) : sink.anchor(batch)) } });
    down = false;
  });
  after(async () => {
    await t?.close();
    await flaky?.close();
    await ledger?.close();
    rmSync(ledgerDir, { recursive: true, force: true });
  });

  test('a batch is anchored and a record\'s proof verifies against the anchor on the ledger', async () => {
    const identifiers = Array.from({ length: 37 }, (_, i) => ({ handle: `88.188.1001/ANCHOR-${i}`, values: [{ index: 1, type: 'URL', data: `https://anchor.example/${i}` }] }));
    const batch = await call(`${t.url}/api/batches`, { method: 'POST', token: t.token['tx-maker'], body: { identifiers } });
    assert.equal(batch.status, 201);
    await t.node.service.settleAnchors();
    const proof = (await call(`${t.url}/api/handles/88.188.1001/ANCHOR-21/proof`)).body as unknown as HandleProof & { matchesCurrent: boolean };
    assert.ok(proof.anchor?.txId, 'the proof names the anchor transaction');
    assert.equal(proof.merkleRoot, batch.body.merkleRoot);
    const record = await call(`${t.url}/api/handles/88.188.1001/ANCHOR-21`);
    assert.deepEqual(verifyProof(proof, { handle: '88.188.1001/ANCHOR-21', values: record.body.values as never }), { valid: true });
    const onLedger = JSON.parse(await ledger.evaluate({ identity: 'operator', fn: 'IdentifierAnchors:Verify', args: [proof.prefix, proof.batchId, proof.leaf, JSON.stringify(proof.path)] })) as { valid: boolean; anchor: { txId: string; anchoredBy: string } };
    assert.equal(onLedger.valid, true);
    assert.equal(onLedger.anchor.txId, proof.anchor!.txId);
    assert.equal(onLedger.anchor.anchoredBy, 'tx-maker');
    // A changed record no longer matches its registered leaf.
    await call(`${t.url}/api/handles/88.188.1001/ANCHOR-21?index=1`, { method: 'PUT', token: t.token['tx-maker'], body: { values: [{ index: 1, type: 'URL', data: 'https://tampered.example' }] } });
    const changed = await call(`${t.url}/api/handles/88.188.1001/ANCHOR-21`);
    assert.equal(verifyProof(proof, { handle: '88.188.1001/ANCHOR-21', values: changed.body.values as never }).valid, false);
    const afterChange = (await call(`${t.url}/api/handles/88.188.1001/ANCHOR-21/proof`)).body as { matchesCurrent: boolean };
    assert.equal(afterChange.matchesCurrent, false);
    const forged = JSON.parse(await ledger.evaluate({ identity: 'operator', fn: 'IdentifierAnchors:Verify', args: [proof.prefix, proof.batchId, '0'.repeat(64), JSON.stringify(proof.path)] })) as { valid: boolean };
    assert.equal(forged.valid, false);
  });

  test('a batch registered while the ledger is down is anchored at the next start', async () => {
    down = true;
    const batch = await call(`${flaky.url}/api/batches`, { method: 'POST', token: flaky.token['tx-maker'], body: { identifiers: [{ handle: '88.188.1001/LATE-1', values: [{ index: 1, type: 'URL', data: 'https://late.example' }] }] } });
    assert.equal(batch.status, 201, 'registration does not wait for the ledger');
    await flaky.node.service.settleAnchors();
    assert.equal(((await call(`${flaky.url}/api/handles/88.188.1001/LATE-1/proof`)).body as { anchor: unknown }).anchor, null);
    down = false;
    await flaky.node.service.anchorPending();
    const proof = (await call(`${flaky.url}/api/handles/88.188.1001/LATE-1/proof`)).body as unknown as HandleProof;
    assert.ok(proof.anchor?.txId);
    const anchored = JSON.parse(await ledger.evaluate({ identity: 'operator', fn: 'IdentifierAnchors:Get', args: ['88.188.1001', proof.batchId] })) as { merkleRoot: string };
    assert.equal(anchored.merkleRoot, proof.merkleRoot);
  });
  test('the sink submits what the contract accepts, as the prefix owner; a batch already anchored is found, not refused', async () => {
    const batch = await call(`${t.url}/api/batches`, { method: 'POST', token: t.token['tx-maker'], body: { identifiers: [{ handle: '88.188.1001/SINK-1', values: [{ index: 1, type: 'URL', data: 'https://sink.example' }] }] } });
    await t.node.service.settleAnchors();
    const anchored = { batchId: batch.body.batchId as string, prefix: '88.188.1001', merkleRoot: batch.body.merkleRoot as string, count: 1, ownerOrg: 'tx-maker', registeredAt: new Date().toISOString() };
    const onLedger = JSON.parse(await ledger.evaluate({ identity: 'operator', fn: 'IdentifierAnchors:Get', args: ['88.188.1001', anchored.batchId] })) as { txId: string; anchoredBy: string; count: number; algorithm: string };
    assert.deepEqual([onLedger.anchoredBy, onLedger.count, onLedger.algorithm], ['tx-maker', 1, 'sha256-rfc6962']);
    // Anchored before a crash, not yet marked here: the sink finds the anchor instead of failing.
    assert.deepEqual(await sink.anchor(anchored), { txId: onLedger.txId, blockNumber: -1 });
    await assert.rejects(sink.anchor({ ...anchored, merkleRoot: 'ab'.repeat(32) }), /anchored on the ledger with another Merkle root/);
    // Refused before reaching the ledger, naming the field and the rule.
    await assert.rejects(sink.anchor({ ...anchored, batchId: 'batch-0', count: 0 }), /count/);
    await assert.rejects(sink.anchor({ ...anchored, batchId: 'batch-1', ownerOrg: 'nobody' }), /ownerOrg nobody is not in the partner registry/);
    // The contract accepts anchors only from the prefix owner: cable-maker's identity is refused.
    await assert.rejects(sink.anchor({ ...anchored, batchId: 'batch-2', ownerOrg: 'cable-maker' }), (error: Error & { code?: string }) => error.code === 'FORBIDDEN');
  });
});
