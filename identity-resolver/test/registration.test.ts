// Second-level node functions: prefix allocation, templates, identifier create/update/delete and
// all-or-nothing batches, against SQLite and PostgreSQL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_KINDS, TRANSFORMER_TEMPLATE, call, startTestNode, transformerItems, type TestNode } from './helpers.js';

for (const kind of DB_KINDS) {
  describe(`second-level node functions (${kind})`, () => {
    let t: TestNode;
    before(async () => {
      t = await startTestNode(kind);
      const created = await call(`${t.url}/api/templates`, { method: 'POST', token: t.token['gd-grid'], body: TRANSFORMER_TEMPLATE });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    });
    after(() => t.close());

    test('the operator allocates enterprise prefixes to partner orgs; nobody else can', async () => {
      const byOwner = await call(`${t.url}/api/prefixes`, { method: 'POST', token: t.token['tx-maker'], body: { prefix: '88.188.3001', ownerOrg: 'tx-maker' } });
      assert.deepEqual([byOwner.status, byOwner.body.responseCode], [403, 400]);
      const ok = await call(`${t.url}/api/prefixes`, { method: 'POST', token: t.token['gd-grid'], body: { prefix: '88.188.3001', ownerOrg: 'cable-maker', delegates: ['tx-maker'] } });
      assert.equal(ok.status, 201);
      assert.deepEqual([ok.body.ownerOrg, ok.body.delegates, ok.body.handle], ['cable-maker', ['tx-maker'], '0.NA/88.188.3001']);
      const twice = await call(`${t.url}/api/prefixes`, { method: 'POST', token: t.token['gd-grid'], body: { prefix: '88.188.3001', ownerOrg: 'cable-maker' } });
      assert.deepEqual([twice.status, twice.body.responseCode], [409, 101]);
      const outside = await call(`${t.url}/api/prefixes`, { method: 'POST', token: t.token['gd-grid'], body: { prefix: '88.199.1', ownerOrg: 'tx-maker' } });
      assert.equal(outside.status, 400);
      assert.match(outside.body.message!, /not below this node's prefix 88\.188/);
      const unknownOrg = await call(`${t.url}/api/prefixes`, { method: 'POST', token: t.token['gd-grid'], body: { prefix: '88.188.3002', ownerOrg: 'nobody' } });
      assert.match(unknownOrg.body.message!, /ownerOrg: "nobody" is not a known partner org/);
      // The delegate writes under the prefix; the owner can revoke the delegation.
      const byDelegate = await call(`${t.url}/api/handles/88.188.3001/C-1`, { method: 'PUT', token: t.token['tx-maker'], body: { values: [{ index: 1, type: 'URL', data: 'https://c.example' }] } });
      assert.equal(byDelegate.status, 201);
      const revoked = await call(`${t.url}/api/prefixes/88.188.3001`, { method: 'PATCH', token: t.token['cable-maker'], body: { delegates: [] } });
      assert.deepEqual(revoked.body.delegates, []);
      const afterRevoke = await call(`${t.url}/api/handles/88.188.3001/C-2`, { method: 'PUT', token: t.token['tx-maker'], body: { values: [{ index: 1, type: 'URL', data: 'https://c.example' }] } });
      assert.equal(afterRevoke.status, 403);
      const listed = await call(`${t.url}/api/prefixes`);
      assert.ok((listed.body.prefixes as { prefix: string }[]).some((p) => p.prefix === '88.188.1001'));
    });

    test('templates are checked: GB/T 4754 industry, item shapes, reserved indexes', async () => {
      const badSection = await call(`${t.url}/api/templates`, { method: 'POST', token: t.token['gd-grid'], body: { ...TRANSFORMER_TEMPLATE, id: 'x1', industry: { section: 'Z' } } });
      assert.equal(badSection.status, 400);
      assert.match(badSection.body.message!, /section/);
      const badDivision = await call(`${t.url}/api/templates`, { method: 'POST', token: t.token['gd-grid'], body: { ...TRANSFORMER_TEMPLATE, id: 'x2', industry: { section: 'D', division: '38' } } });
      assert.match(badDivision.body.message!, /division: "38" is not a division of section D \(44-46\)/);
      const badType = await call(`${t.url}/api/templates`, { method: 'POST', token: t.token['gd-grid'], body: { ...TRANSFORMER_TEMPLATE, id: 'x3', items: [{ name: 'a', index: 10, type: 'money', required: true }] } });
      assert.match(badType.body.message!, /template\.items\[0\]\.type/);
      const reserved = await call(`${t.url}/api/templates`, { method: 'POST', token: t.token['gd-grid'], body: { ...TRANSFORMER_TEMPLATE, id: 'x4', items: [{ name: 'a', index: 150, type: 'string', required: true }] } });
      assert.match(reserved.body.message!, /index: 150 is reserved/);
      const bySupplier = await call(`${t.url}/api/templates`, { method: 'POST', token: t.token['tx-maker'], body: { ...TRANSFORMER_TEMPLATE, id: 'x5' } });
      assert.equal(bySupplier.status, 403);
      const got = await call(`${t.url}/api/templates/power-transformer`);
      assert.equal(got.body.id, 'power-transformer');
    });

    test('create, update and delete one identifier against its template', async () => {
      const created = await call(`${t.url}/api/identifiers`, { method: 'POST', token: t.token['tx-maker'], body: { template: 'power-transformer', handle: '88.188.1001/TX2026-000001', items: transformerItems(1) } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const resolved = await call(`${t.url}/api/handles/88.188.1001/TX2026-000001`);
      const byType = Object.fromEntries(resolved.body.values!.map((v) => [v.type, v]));
      assert.equal(byType.ratedKva!.index, 11);
      assert.equal(byType.ratedKva!.data.value, String(transformerItems(1).ratedKva));
      assert.equal(byType.TEMPLATE!.data.value, 'power-transformer');
      assert.match(String(byType.TRACE!.data.value), /88\.188\.1001%2FTX2026-000001/);
      const updated = await call(`${t.url}/api/identifiers/88.188.1001/TX2026-000001`, { method: 'PATCH', token: t.token['tx-maker'], body: { items: { ratedKva: 2500, coolingType: 'ONAF' } } });
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      const again = await call(`${t.url}/api/handles/88.188.1001/TX2026-000001?type=ratedKva&type=coolingType`);
      assert.deepEqual(again.body.values!.map((v) => v.data.value).sort(), ['2500', 'ONAF']);
      const wrongType = await call(`${t.url}/api/identifiers/88.188.1001/TX2026-000001`, { method: 'PATCH', token: t.token['tx-maker'], body: { items: { ratedKva: 'lots', colour: 'red' } } });
      assert.deepEqual([wrongType.status, wrongType.body.responseCode], [400, 202]);
      assert.match(wrongType.body.message!, /items\.ratedKva: must be a number \(type integer\), got "?lots"?|items\.ratedKva: must be an integer/);
      assert.match(wrongType.body.message!, /items\.colour: not an item of template power-transformer/);
      // A Handle client cannot slip an invalid value past the template either.
      const viaHandle = await call(`${t.url}/api/handles/88.188.1001/TX2026-000001?index=11`, { method: 'PUT', token: t.token['tx-maker'], body: { values: [{ index: 11, type: 'ratedKva', data: '12.5' }] } });
      assert.equal(viaHandle.status, 400);
      assert.match(viaHandle.body.message!, /item ratedKva: must be an integer/);
      const unknownItem = await call(`${t.url}/api/handles/88.188.1001/TX2026-000001?index=20`, { method: 'PUT', token: t.token['tx-maker'], body: { values: [{ index: 20, type: 'colour', data: 'red' }] } });
      assert.match(unknownItem.body.message!, /value type "colour" \(index 20\) is not an item of template power-transformer/);
      const deleted = await call(`${t.url}/api/identifiers/88.188.1001/TX2026-000001`, { method: 'DELETE', token: t.token['tx-maker'] });
      assert.equal(deleted.status, 200);
      assert.equal((await call(`${t.url}/api/handles/88.188.1001/TX2026-000001`)).status, 404);
    });

    test('a batch registers all identifiers in one transaction and returns its Merkle root', async () => {
      const identifiers = Array.from({ length: 2000 }, (_, i) => ({ handle: `88.188.1001/TX2026-B${String(i).padStart(6, '0')}`, items: transformerItems(i) }));
      const batch = await call(`${t.url}/api/batches`, { method: 'POST', token: t.token['tx-maker'], body: { template: 'power-transformer', identifiers } });
      assert.equal(batch.status, 201, JSON.stringify(batch.body).slice(0, 500));
      assert.equal(batch.body.count, 2000);
      assert.match(String(batch.body.merkleRoot), /^[0-9a-f]{64}$/);
      const one = await call(`${t.url}/api/handles/88.188.1001/TX2026-B001999?type=model`);
      assert.equal(one.body.values![0]!.data.value, transformerItems(1999).model);
      const proof = await call(`${t.url}/api/handles/88.188.1001/TX2026-B000042/proof`);
      assert.equal(proof.status, 200);
      assert.equal(proof.body.merkleRoot, batch.body.merkleRoot);
      assert.equal(proof.body.matchesCurrent, true);
      const { verifyProof } = await import('../src/index.js');
      assert.deepEqual(verifyProof(proof.body as never), { valid: true });
      assert.equal(verifyProof({ ...(proof.body as never as Parameters<typeof verifyProof>[0]), leaf: '0'.repeat(64) }).valid, false);
    });

    test('a batch with failing items registers nothing and lists each failing item with its reason', async () => {
      const identifiers: unknown[] = Array.from({ length: 50 }, (_, i) => ({ handle: `88.188.1001/TX2026-R${i}`, items: transformerItems(i) }));
      identifiers[3] = { handle: '88.188.1001/TX2026-R3', items: { ...transformerItems(3), ratedKva: 'big' } };
      identifiers[7] = { handle: '88.188.1001/TX2026-R7', items: { ...transformerItems(7), colour: 'red' } };
      identifiers[11] = { handle: '88.188.1002/CABLE-1', items: transformerItems(11) };
      identifiers[12] = { handle: 'no-slash', items: transformerItems(12) };
      identifiers[13] = { handle: '88.188.1001/TX2026-R0', items: transformerItems(13) };
      identifiers[20] = { handle: '88.188.1001/TX2026-B000001', items: transformerItems(20) };
      const { productionDate: _omitted, ...missing } = transformerItems(21);
      identifiers[21] = { handle: '88.188.1001/TX2026-R21', items: { ...missing, productionDate: '2026-02-30' } };
      const rejected = await call(`${t.url}/api/batches`, { method: 'POST', token: t.token['tx-maker'], body: { template: 'power-transformer', identifiers } });
      assert.deepEqual([rejected.status, rejected.body.responseCode], [400, 202]);
      const errors = rejected.body.errors as { item: number; reason: string }[];
      const reasons = new Map(errors.map((e) => [e.item, e.reason]));
      assert.deepEqual([...reasons.keys()].sort((a, b) => a - b), [3, 7, 11, 12, 13, 21]);
      assert.match(reasons.get(3)!, /items\.ratedKva/);
      assert.match(reasons.get(7)!, /items\.colour: not an item/);
      assert.match(reasons.get(11)!, /tx-maker may not write under prefix 88\.188\.1002/);
      assert.match(reasons.get(12)!, /prefix\/suffix/);
      assert.match(reasons.get(13)!, /also item 0/);
      assert.match(reasons.get(21)!, /productionDate: must be a calendar date/);
      for (const i of [0, 1, 2, 49]) assert.equal((await call(`${t.url}/api/handles/88.188.1001/TX2026-R${i}`)).status, 404, 'nothing of a rejected batch is registered');
      // Items valid on their own but clashing with existing handles: also all-or-nothing.
      const clash = await call(`${t.url}/api/batches`, { method: 'POST', token: t.token['tx-maker'], body: { template: 'power-transformer', identifiers: [
        { handle: '88.188.1001/TX2026-NEW1', items: transformerItems(1) }, { handle: '88.188.1001/TX2026-B000001', items: transformerItems(2) },
      ] } });
      assert.deepEqual([clash.status, clash.body.responseCode], [409, 101]);
      assert.deepEqual(clash.body.errors, [{ item: 1, handle: '88.188.1001/TX2026-B000001', reason: 'handle already exists' }]);
      assert.equal((await call(`${t.url}/api/handles/88.188.1001/TX2026-NEW1`)).status, 404);
      const mixed = await call(`${t.url}/api/batches`, { method: 'POST', token: t.token['gd-grid'], body: { identifiers: [
        { handle: '88.188.1001/MIX-1', values: [{ index: 1, type: 'URL', data: 'https://m.example' }] }, { handle: '88.188.1002/MIX-2', values: [{ index: 1, type: 'URL', data: 'https://m.example' }] },
      ] } });
      assert.match((mixed.body.errors as { reason: string }[])[0]!.reason, /a batch is under one enterprise prefix: 88\.188\.1001/);
      const tooMany = await call(`${t.url}/api/batches`, { method: 'POST', token: t.token['tx-maker'], body: { identifiers: Array.from({ length: 2001 }, (_, i) => ({ handle: `88.188.1001/Z${i}` })) } });
      assert.match(tooMany.body.message!, /at most 2000 per batch, got 2001/);
    });
  });
}
