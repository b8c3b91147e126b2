// The Handle.net REST API of the second-level node, against SQLite and PostgreSQL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { DB_KINDS, call, startTestNode, type TestNode } from './helpers.js';

/** Sends a raw request path as bytes (what fetch would normalise or refuse to send). */
function rawGet(base: string, path: string): Promise<{ status: number; body: { responseCode: number; message: string } }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(Buffer.from(`GET ${path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n`, 'latin1')));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, body] = text.split('\r\n\r\n');
      resolve({ status: Number(head!.split(' ')[1]), body: JSON.parse(body!) as { responseCode: number; message: string } });
    });
  });
}

for (const kind of DB_KINDS) {
  describe(`Handle REST API (${kind})`, () => {
    let t: TestNode;
    let api: string;
    before(async () => {
      t = await startTestNode(kind);
      api = `${t.url}/api/handles`;
    });
    after(() => t.close());

    test('PUT creates (201/1), GET resolves (200/1), overwrite=false refuses (409/101), PUT replaces (200/1)', async () => {
      const values = [{ index: 1, type: 'URL', data: { format: 'string', value: 'https://example.org/tx/1' } }, { index: 2, type: 'EMAIL', data: 'ops@tx-maker.example' }];
      const created = await call(`${api}/88.188.1001/TX-A1`, { method: 'PUT', token: t.token['tx-maker'], body: { values } });
      assert.equal(created.status, 201);
      assert.deepEqual(created.body, { responseCode: 1, handle: '88.188.1001/TX-A1' });
      const got = await call(`${api}/88.188.1001/TX-A1`);
      assert.equal(got.status, 200);
      assert.equal(got.body.responseCode, 1);
      assert.equal(got.body.handle, '88.188.1001/TX-A1');
      const url = got.body.values!.find((v) => v.index === 1)!;
      assert.deepEqual(url.data, { format: 'string', value: 'https://example.org/tx/1' });
      assert.deepEqual(got.body.values!.find((v) => v.index === 2)!.data, { format: 'string', value: 'ops@tx-maker.example' });
      for (const v of got.body.values!) {
        assert.equal(typeof (v as unknown as { ttl: number }).ttl, 'number');
        assert.match((v as unknown as { timestamp: string }).timestamp, /^\d{4}-\d{2}-\d{2}T/);
      }
      assert.ok(got.body.values!.some((v) => v.type === 'HS_ADMIN'), 'an HS_ADMIN value is added when none is given');
      const again = await call(`${api}/88.188.1001/TX-A1?overwrite=false`, { method: 'PUT', token: t.token['tx-maker'], body: { values } });
      assert.equal(again.status, 409);
      assert.equal(again.body.responseCode, 101);
      const replaced = await call(`${api}/88.188.1001/TX-A1`, { method: 'PUT', token: t.token['tx-maker'], body: { values: [values[0]] } });
      assert.deepEqual([replaced.status, replaced.body.responseCode], [200, 1]);
      const after = await call(`${api}/88.188.1001/TX-A1`);
      assert.ok(!after.body.values!.some((v) => v.type === 'EMAIL'), 'a replaced record loses values not sent');
    });

    test('concurrent creates of one handle: exactly one 201, the others 409/101, never a 500', async () => {
      const body = { values: [{ index: 1, type: 'URL', data: 'https://race.example' }] };
      const answers = await Promise.all(Array.from({ length: 12 }, () => call(`${api}/88.188.1001/RACE-1?overwrite=false`, { method: 'PUT', token: t.token['tx-maker'], body })));
      const statuses = answers.map((a) => a.status).sort();
      assert.deepEqual(statuses, [201, ...Array(11).fill(409)]);
      assert.ok(answers.filter((a) => a.status === 409).every((a) => a.body.responseCode === 101));
      const batches = await Promise.all([0, 1, 2].map((n) => call(`${t.url}/api/batches`, { method: 'POST', token: t.token['tx-maker'], body: {
        identifiers: [{ handle: `88.188.1001/RACE-B${n}`, values: body.values }, { handle: '88.188.1001/RACE-SHARED', values: body.values }],
      } })));
      assert.deepEqual(batches.map((b) => b.status).sort(), [201, 409, 409]);
      const winner = batches.findIndex((b) => b.status === 201);
      for (const n of [0, 1, 2]) assert.equal((await call(`${api}/88.188.1001/RACE-B${n}`)).status, n === winner ? 200 : 404, 'losing batches left nothing');
    });

    test('unknown handle 404/100; filters type= and index= (repeatable); no match 200/200', async () => {
      const unknown = await call(`${api}/88.188.1001/NOPE`);
      assert.deepEqual([unknown.status, unknown.body.responseCode, unknown.body.handle], [404, 100, '88.188.1001/NOPE']);
      await call(`${api}/88.188.1001/TX-F1`, { method: 'PUT', token: t.token['tx-maker'], body: { values: [
        { index: 1, type: 'URL', data: 'https://a.example' }, { index: 2, type: 'EMAIL', data: 'a@b.example' }, { index: 3, type: 'DESC', data: 'desc' },
      ] } });
      const byType = await call(`${api}/88.188.1001/TX-F1?type=URL&type=DESC`);
      assert.deepEqual(byType.body.values!.map((v) => v.index).sort(), [1, 3]);
      const byIndex = await call(`${api}/88.188.1001/TX-F1?index=2&index=100`);
      assert.deepEqual(byIndex.body.values!.map((v) => v.type).sort(), ['EMAIL', 'HS_ADMIN']);
      const none = await call(`${api}/88.188.1001/TX-F1?type=NOTHING`);
      assert.deepEqual([none.status, none.body.responseCode], [200, 200]);
      const badIndex = await call(`${api}/88.188.1001/TX-F1?index=abc`);
      assert.deepEqual([badIndex.status, badIndex.body.responseCode], [400, 202]);
      assert.match(badIndex.body.message!, /index/);
    });

    test('PUT with index= adds or replaces only those values; overwrite=false refuses an existing index (409/201)', async () => {
      const h = `${api}/88.188.1001/TX-I1`;
      await call(h, { method: 'PUT', token: t.token['tx-maker'], body: { values: [{ index: 1, type: 'URL', data: 'https://one.example' }] } });
      const added = await call(`${h}?index=5&overwrite=false`, { method: 'PUT', token: t.token['tx-maker'], body: { values: [{ index: 5, type: 'DESC', data: 'added' }] } });
      assert.deepEqual([added.status, added.body.responseCode], [200, 1]);
      const clash = await call(`${h}?index=5&overwrite=false`, { method: 'PUT', token: t.token['tx-maker'], body: { values: [{ index: 5, type: 'DESC', data: 'again' }] } });
      assert.deepEqual([clash.status, clash.body.responseCode], [409, 201]);
      await call(`${h}?index=1`, { method: 'PUT', token: t.token['tx-maker'], body: { values: [{ index: 1, type: 'URL', data: 'https://two.example' }] } });
      const got = await call(h);
      assert.equal(got.body.values!.find((v) => v.index === 1)!.data.value, 'https://two.example');
      assert.equal(got.body.values!.find((v) => v.index === 5)!.data.value, 'added');
      const missing = await call(`${api}/88.188.1001/NOT-THERE?index=1`, { method: 'PUT', token: t.token['tx-maker'], body: { values: [{ index: 1, type: 'URL', data: 'x' }] } });
      assert.deepEqual([missing.status, missing.body.responseCode], [404, 100]);
    });

    test('mintNewSuffix=true appends a new suffix and answers the minted handle', async () => {
      const minted = await call(`${api}/88.188.1001/TX-?mintNewSuffix=true`, { method: 'PUT', token: t.token['tx-maker'], body: { values: [{ index: 1, type: 'URL', data: 'https://m.example' }] } });
      assert.equal(minted.status, 201);
      assert.match(String(minted.body.handle), /^88\.188\.1001\/TX-[0-9a-f-]{36}$/);
      const got = await call(`${api}/${minted.body.handle as string}`);
      assert.equal(got.status, 200);
    });

    test('DELETE removes values (index=) or the whole record; missing values 400/200, missing handle 404/100', async () => {
      const h = `${api}/88.188.1001/TX-D1`;
      await call(h, { method: 'PUT', token: t.token['tx-maker'], body: { values: [{ index: 1, type: 'URL', data: 'https://d.example' }, { index: 2, type: 'DESC', data: 'x' }] } });
      const someValues = await call(`${h}?index=2`, { method: 'DELETE', token: t.token['tx-maker'] });
      assert.deepEqual([someValues.status, someValues.body.responseCode], [200, 1]);
      assert.ok(!(await call(h)).body.values!.some((v) => v.index === 2));
      const noValue = await call(`${h}?index=77`, { method: 'DELETE', token: t.token['tx-maker'] });
      assert.deepEqual([noValue.status, noValue.body.responseCode], [400, 200]);
      const whole = await call(h, { method: 'DELETE', token: t.token['tx-maker'] });
      assert.deepEqual([whole.status, whole.body], [200, { responseCode: 1, handle: '88.188.1001/TX-D1' }]);
      assert.equal((await call(h)).status, 404);
      const gone = await call(h, { method: 'DELETE', token: t.token['tx-maker'] });
      assert.deepEqual([gone.status, gone.body.responseCode], [404, 100]);
    });

    test('prefix handles 0.NA/<prefix> resolve with HS_SITE and HS_ADMIN; the node\'s own with HS_PUBKEY', async () => {
      const prefix = await call(`${api}/0.NA/88.188.1001`);
      assert.equal(prefix.status, 200);
      const site = prefix.body.values!.find((v) => v.type === 'HS_SITE')!;
      assert.equal(site.data.format, 'site');
      assert.ok(prefix.body.values!.some((v) => v.type === 'HS_ADMIN'));
      const own = await call(`${api}/0.NA/88.188`);
      assert.equal(own.body.values!.find((v) => v.type === 'HS_PUBKEY')!.data.format, 'key');
      const lower = await call(`${api}/0.na/88.188.1001`);
      assert.equal(lower.body.handle, '0.NA/88.188.1001');
    });

    test('writes need credentials (401/402); another org\'s prefix is refused (403/400); unknown keys are refused', async () => {
      const body = { values: [{ index: 1, type: 'URL', data: 'https://x.example' }] };
      const anonymous = await call(`${api}/88.188.1001/TX-W1`, { method: 'PUT', body });
      assert.deepEqual([anonymous.status, anonymous.body.responseCode], [401, 402]);
      assert.ok(anonymous.headers.get('www-authenticate'));
      const foreignOrg = await call(`${api}/88.188.1001/TX-W1`, { method: 'PUT', token: t.token['cable-maker'], body });
      assert.deepEqual([foreignOrg.status, foreignOrg.body.responseCode], [403, 400]);
      assert.match(foreignOrg.body.message!, /cable-maker.*88\.188\.1001/);
      const forged = await call(`${api}/88.188.1001/TX-W1`, { method: 'PUT', token: t.token.stranger, body });
      assert.deepEqual([forged.status, forged.body.responseCode], [401, 402]);
      assert.match(forged.body.message!, /signature/);
      // A partner's token for the gateway is not a credential here (the gateway forwards tokens to partner-run subgraphs).
      const gatewayToken = await call(`${api}/88.188.1001/TX-W1`, { method: 'PUT', token: t.token.gateway, body });
      assert.deepEqual([gatewayToken.status, gatewayToken.body.responseCode], [401, 402]);
      assert.match(gatewayToken.body.message!, /aud must be gridspace-resolver/);
      const unallocated = await call(`${api}/88.188.9999/X`, { method: 'PUT', token: t.token['tx-maker'], body });
      assert.deepEqual([unallocated.status, unallocated.body.responseCode], [400, 301]);
      const notOurs = await call(`${api}/77.1/X`, { method: 'PUT', token: t.token['gd-grid'], body });
      assert.deepEqual([notOurs.status, notOurs.body.responseCode], [400, 301]);
      assert.equal((await call(`${api}/88.188.1001/TX-W1`)).status, 404, 'nothing was written by refused requests');
      // The operator may write anywhere under the node's prefix.
      const operator = await call(`${api}/88.188.1001/TX-W1`, { method: 'PUT', token: t.token['gd-grid'], body });
      assert.equal(operator.status, 201);
    });

    test('Handle-style Basic auth with <index>:<admin handle> and the prefix\'s secret key; HS_SECKEY is never public', async () => {
      const allocated = await call(`${t.url}/api/prefixes`, { method: 'POST', token: t.token['gd-grid'], body: { prefix: '88.188.2001', ownerOrg: 'tx-maker', adminSecret: 'correct horse battery' } });
      assert.equal(allocated.status, 201);
      const user = encodeURIComponent('300:0.NA/88.188.2001');
      const body = { values: [{ index: 1, type: 'URL', data: 'https://basic.example' }] };
      const ok = await call(`${api}/88.188.2001/B1`, { method: 'PUT', basic: `${user}:correct horse battery`, body });
      assert.deepEqual([ok.status, ok.body.responseCode], [201, 1]);
      const wrong = await call(`${api}/88.188.2001/B2`, { method: 'PUT', basic: `${user}:wrong secret`, body });
      assert.deepEqual([wrong.status, wrong.body.responseCode], [401, 402]);
      const otherPrefix = await call(`${api}/88.188.1001/B3`, { method: 'PUT', basic: `${user}:correct horse battery`, body });
      assert.deepEqual([otherPrefix.status, otherPrefix.body.responseCode], [403, 400]);
      const malformed = await call(`${api}/88.188.2001/B4`, { method: 'PUT', basic: 'admin:pw', body });
      assert.equal(malformed.status, 401);
      assert.match(malformed.body.message!, /<index>:<admin handle>/);
      // The owner may set values of its prefix handle by index, but not HS_SITE / HS_ADMIN, nor replace it whole.
      const owner = t.token['tx-maker'];
      const addDesc = await call(`${api}/0.NA/88.188.2001?index=3`, { method: 'PUT', token: owner, body: { values: [{ index: 3, type: 'DESC', data: 'Pearl River Transformer Works' }] } });
      assert.equal(addDesc.status, 200);
      const site = await call(`${api}/0.NA/88.188.2001?index=1`, { method: 'PUT', token: owner, body: { values: [{ index: 1, type: 'URL', data: 'https://evil.example' }] } });
      assert.deepEqual([site.status, site.body.responseCode], [403, 400]);
      const whole = await call(`${api}/0.NA/88.188.2001`, { method: 'PUT', token: owner, body: { values: [{ index: 3, type: 'DESC', data: 'x' }] } });
      assert.equal(whole.status, 403);
      const dropAdmin = await call(`${api}/0.NA/88.188.2001?index=100`, { method: 'DELETE', token: owner });
      assert.equal(dropAdmin.status, 403);
      const publicView = await call(`${api}/0.NA/88.188.2001`);
      assert.ok(!publicView.body.values!.some((v) => v.type === 'HS_SECKEY'), 'secret keys are not public');
      const adminView = await call(`${api}/0.NA/88.188.2001`, { basic: `${user}:correct horse battery` });
      const seckey = adminView.body.values!.find((v) => v.type === 'HS_SECKEY')!;
      assert.ok(String(seckey.data.value).startsWith('scrypt$'), 'the admin sees the secret key, stored hashed');
      const publicOnly = await call(`${api}/0.NA/88.188.2001?publicOnly=true`, { basic: `${user}:correct horse battery` });
      assert.ok(!publicOnly.body.values!.some((v) => v.type === 'HS_SECKEY'));
    });

    test('bad handles and values: 400 with the Handle responseCode and a message naming the problem', async () => {
      const cases: [string, RegExp][] = [
        ['/api/handles/', /empty/],
        ['/api/handles/88.188.1001', /prefix\/suffix/],
        ['/api/handles/88.188.1001/a%01b', /control characters/],
        ['/api/handles/88.188.1001/%E0%A4%A', /percent-encoding/],
        ['/api/handles/88.188.1001/%C3%28', /not UTF-8/],
        [`/api/handles/88.188.1001/${'x'.repeat(2100)}`, /longer than 2048 bytes/],
        ['/api/handles/88.188.1001/', /suffix.*empty/],
        ['/api/handles/88.1 88/x', /prefix/],
      ];
      for (const [path, message] of cases) {
        const answer = await rawGet(t.url, path.replace(' ', '%20'));
        assert.equal(answer.status, 400, path);
        assert.equal(answer.body.responseCode, 102, path);
        assert.match(answer.body.message, message, path);
      }
      const rawBytes = await rawGet(t.url, '/api/handles/88.188.1001/\xff\xfe');
      assert.deepEqual([rawBytes.status, rawBytes.body.responseCode], [400, 102]);
      assert.match(rawBytes.body.message, /percent-encoded/);
      const put = (body: unknown) => call(`${api}/88.188.1001/BAD`, { method: 'PUT', token: t.token['tx-maker'], body });
      const valueCases: [unknown, RegExp][] = [
        ['{not json', /not valid JSON/],
        [{ values: 'x' }, /values: must be a list/],
        [{ values: [{ index: 0, type: 'URL', data: 'x' }] }, /values\[0\]\.index/],
        [{ values: [{ index: 1, type: '', data: 'x' }] }, /values\[0\]\.type/],
        [{ values: [{ index: 1, type: 'URL', data: 42 }] }, /values\[0\]\.data/],
        [{ values: [{ index: 1, type: 'URL', data: { format: 'bogus', value: 'x' } }] }, /format/],
        [{ values: [{ index: 1, type: 'URL', data: 'a' }, { index: 1, type: 'EMAIL', data: 'b' }] }, /used twice/],
        [{ values: [{ index: 1, type: 'URL', data: 'x'.repeat(70000) }] }, /longer than 65536 bytes/],
        [{ values: [{ index: 1, type: 'URL', data: { format: 'hex', value: 'xyz' } }] }, /hex/],
        [{ values: [{ index: 1, type: 'URL', data: 'x', ttl: -5 }] }, /ttl/],
        [{ handle: '88.188.1001/OTHER', values: [{ index: 1, type: 'URL', data: 'x' }] }, /differs/],
      ];
      for (const [body, message] of valueCases) {
        const answer = await put(body);
        assert.equal(answer.status, 400, JSON.stringify(body).slice(0, 80));
        assert.equal(answer.body.responseCode, 202);
        assert.match(answer.body.message!, message);
      }
      assert.equal((await call(`${api}/88.188.1001/BAD`)).status, 404, 'no bad request wrote anything');
    });
  });
}
