// Hierarchy and trust end to end: a top-level node (88) and two second-level nodes (88.188, 88.199)
// started by the test. Applications and prefix certificates, signed answers verified up to the
// root key, foreign-prefix resolution through HS_SITE with TTL and negative caching, statistics.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, generateKeyPair, exportJWK } from 'jose';
import { verify, VerificationError, type HandleValue } from '../src/index.js';
import { call, startTestNode, type TestNode } from './helpers.js';

describe('hierarchy: top-level node and two second-level nodes', () => {
  let top: TestNode;
  let a: TestNode;
  let b: TestNode;
  before(async () => {
    top = await startTestNode('sqlite', { mode: 'top-level', prefix: '88', seedDemo: false });
    const trust = { topLevelUrl: top.url, rootJwk: top.node.key.publicJwk };
    a = await startTestNode('sqlite', { prefix: '88.188', ...trust });
    b = await startTestNode('sqlite', { prefix: '88.199', ...trust });
    const values = (url: string) => ({ values: [{ index: 1, type: 'URL', data: url }] });
    assert.equal((await call(`${a.url}/api/handles/88.188.1001/TX-H1`, { method: 'PUT', token: a.token['tx-maker'], body: values('https://a.example/1') })).status, 201);
    assert.equal((await call(`${b.url}/api/handles/88.199.1001/B-1`, { method: 'PUT', token: b.token['tx-maker'], body: values('https://b.example/1') })).status, 201);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await top?.close();
  });

  test('second-level nodes applied and hold prefix certificates; the top-level node publishes 0.NA/<prefix>', async () => {
    assert.ok(a.node.certificate(), 'node 88.188 was certified');
    const record = await call(`${top.url}/api/handles/0.NA/88.188`);
    assert.equal(record.status, 200);
    const site = record.body.values!.find((v) => v.type === 'HS_SITE')!.data.value as { attributes: { name: string; value: string }[] };
    assert.equal(site.attributes.find((x) => x.name === 'url')!.value, a.url);
    const pubkey = record.body.values!.find((v) => v.type === 'HS_PUBKEY')!.data.value as { x: string };
    assert.equal(pubkey.x, a.node.key.publicJwk.x);
    const jwks = await call(`${a.url}/.well-known/jwks.json`);
    assert.equal((jwks.body.keys as { kid: string }[])[0]!.kid, a.node.key.kid);
    // Re-applying with the same key is idempotent; prefixes outside 88 are refused.
    assert.equal(await a.node.applyToTopLevel(), 'approved');
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const { d: _d, ...jwk } = await exportJWK(privateKey);
    const application = (prefix: string) => new SignJWT({ prefix, site: 'http://127.0.0.1:9' }).setProtectedHeader({ alg: 'EdDSA', typ: 'prefix-application+jwt', jwk }).setIssuedAt().sign(privateKey);
    const outside = await call(`${top.url}/api/applications`, { method: 'POST', body: { application: await application('77.1') } });
    assert.match(outside.body.message!, /not below this top-level node's prefix 88/);
    const taken = await call(`${top.url}/api/applications`, { method: 'POST', body: { application: await application('88.188') } });
    assert.deepEqual([taken.status, taken.body.responseCode], [409, 101]);
  });

  test('signed answers verify up to the root key; altered answers and other roots do not', async () => {
    const answer = await call(`${a.url}/api/handles/88.188.1001/TX-H1?signed=true`);
    const signed = { handle: answer.body.handle as string, values: answer.body.values as unknown as HandleValue[] };
    assert.ok(signed.values.some((v) => v.type === 'HS_CERT') && signed.values.some((v) => v.type === 'HS_SIGNATURE'));
    const verified = await verify(signed, { rootKey: top.node.key.publicJwk });
    assert.deepEqual([verified.handle, verified.certifiedPrefix, verified.signer, verified.certifiedBy], ['88.188.1001/TX-H1', '88.188', '0.NA/88.188', '0.NA/88']);
    const altered = { ...signed, values: signed.values.map((v) => (v.type === 'URL' ? { ...v, data: { format: 'string' as const, value: 'https://evil.example' } } : v)) };
    await assert.rejects(verify(altered, { rootKey: top.node.key.publicJwk }), (e: Error) => e instanceof VerificationError && /digest does not match/.test(e.message));
    await assert.rejects(verify(signed, { rootKey: a.node.key.publicJwk }), /HS_CERT does not verify with the root key/);
    await assert.rejects(verify({ ...signed, handle: '88.199.1001/B-1' }, { rootKey: top.node.key.publicJwk }), /certifies prefix 88\.188, not 88\.199\.1001/);
    const unsigned = await call(`${a.url}/api/handles/88.188.1001/TX-H1`);
    await assert.rejects(verify({ handle: '88.188.1001/TX-H1', values: unsigned.body.values as unknown as HandleValue[] }, { rootKey: top.node.key.publicJwk }), /no HS_CERT/);
  });

  test('a foreign prefix resolves through the top-level node and HS_SITE, then from the TTL cache; auth=true goes to the source', async () => {
    const first = await call(`${a.url}/api/handles/88.199.1001/B-1`);
    assert.equal(first.status, 200);
    assert.equal(first.body.values!.find((v) => v.type === 'URL')!.data.value, 'https://b.example/1');
    assert.equal(first.headers.get('x-gridspace-source'), b.url);
    const second = await call(`${a.url}/api/handles/88.199.1001/B-1`);
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers.get('x-gridspace-source'), 'cache');
    await call(`${b.url}/api/handles/88.199.1001/B-1`, { method: 'PUT', token: b.token['tx-maker'], body: { values: [{ index: 1, type: 'URL', data: 'https://b.example/moved' }] } });
    const cached = await call(`${a.url}/api/handles/88.199.1001/B-1`);
    assert.equal(cached.body.values!.find((v) => v.type === 'URL')!.data.value, 'https://b.example/1', 'within its TTL the cached answer is served');
    const fresh = await call(`${a.url}/api/handles/88.199.1001/B-1?auth=true`);
    assert.equal(fresh.headers.get('x-gridspace-source'), b.url);
    assert.equal(fresh.body.values!.find((v) => v.type === 'URL')!.data.value, 'https://b.example/moved');
    // A foreign signed answer verifies against the same root, certified for 88.199.
    const signed = await call(`${a.url}/api/handles/88.199.1001/B-1?signed=true`);
    const verified = await verify({ handle: signed.body.handle as string, values: signed.body.values as unknown as HandleValue[] }, { rootKey: top.node.key.publicJwk });
    assert.equal(verified.certifiedPrefix, '88.199');
  });

  test('misses are cached too (negative caching); unknown prefixes say so', async () => {
    const miss = await call(`${a.url}/api/handles/88.199.1001/LATER`);
    assert.deepEqual([miss.status, miss.body.responseCode], [404, 100]);
    await call(`${b.url}/api/handles/88.199.1001/LATER`, { method: 'PUT', token: b.token['tx-maker'], body: { values: [{ index: 1, type: 'URL', data: 'https://b.example/later' }] } });
    const stillMiss = await call(`${a.url}/api/handles/88.199.1001/LATER`);
    assert.equal(stillMiss.status, 404);
    assert.equal(stillMiss.headers.get('x-gridspace-source'), 'cache');
    assert.equal((await call(`${a.url}/api/handles/88.199.1001/LATER?auth=true`)).status, 200);
    const unknown = await call(`${a.url}/api/handles/77.1/X`);
    assert.deepEqual([unknown.status, unknown.body.responseCode], [404, 100]);
    assert.match(unknown.body.message!, /prefix 77\.1 is not registered at the top-level node/);
    // Under 88 but allocated to no second-level node: the top-level node itself answers.
    const unallocated = await call(`${a.url}/api/handles/88.777.1/X`);
    assert.deepEqual([unallocated.status, unallocated.body.responseCode], [404, 100]);
    assert.equal(unallocated.headers.get('x-gridspace-source'), top.url);
  });

  test('second-level nodes send signed statistics reports; forged reports are refused', async () => {
    await a.node.sendStatsReport();
    const reports = await call(`${top.url}/api/reports?prefix=88.188`);
    const list = reports.body.reports as { prefix: string; report: { identifiers: number; prefixes: number; registrations: number; resolutions: number; iss: string } }[];
    assert.equal(list.length, 1);
    assert.equal(list[0]!.report.iss, '0.NA/88.188');
    assert.equal(list[0]!.report.prefixes, 2);
    assert.ok(list[0]!.report.registrations >= 1);
    assert.ok(list[0]!.report.resolutions >= 1);
    const { privateKey } = await generateKeyPair('EdDSA');
    const forged = await new SignJWT({ day: '2026-01-01', identifiers: 1 }).setProtectedHeader({ alg: 'EdDSA', typ: 'stats-report+jwt' }).setIssuer('0.NA/88.188').setIssuedAt().sign(privateKey);
    const refused = await call(`${top.url}/api/reports`, { method: 'POST', body: { report: forged } });
    assert.deepEqual([refused.status, refused.body.responseCode], [401, 402]);
  });
});

describe('hierarchy: applications wait for the top-level operator when auto-approval is off', () => {
  test('pending until the operator approves; then the second-level node gets its certificate', async () => {
    const top = await startTestNode('sqlite', { mode: 'top-level', prefix: '88', seedDemo: false, autoApprove: false });
    const sln = await startTestNode('sqlite', { prefix: '88.177', topLevelUrl: top.url, rootJwk: top.node.key.publicJwk });
    try {
      assert.equal(sln.node.certificate(), undefined);
      assert.equal(await sln.node.applyToTopLevel(), 'pending');
      const pending = (await call(`${top.url}/api/handles/0.NA/88.177`));
      assert.equal(pending.status, 404, 'nothing is published before approval');
      const { body } = await call(`${top.url}/api/applications`, { method: 'POST', body: { application: 'not-a-jwt' } });
      assert.match(String(body.message), /signature does not verify/);
      // The operator (gd-grid on the top-level node) approves the pending application.
      const list = await top.node.service.store.applications().find();
      assert.equal(list.length, 1, 're-applying does not pile up applications');
      const refused = await call(`${top.url}/api/applications/${list[0]!.id}/approve`, { method: 'POST', token: top.token['tx-maker'] });
      assert.equal(refused.status, 403);
      const approved = await call(`${top.url}/api/applications/${list[0]!.id}/approve`, { method: 'POST', token: top.token['gd-grid'] });
      assert.equal(approved.body.status, 'approved');
      assert.equal(await sln.node.applyToTopLevel(), 'approved');
      assert.equal(sln.node.certificate(), approved.body.certificate);
      assert.equal((await call(`${top.url}/api/handles/0.NA/88.177`)).status, 200);
    } finally {
      await sln.close();
      await top.close();
    }
  });
});
