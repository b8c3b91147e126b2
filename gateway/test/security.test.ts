// Attacks and protections: forged and broken tokens, subgraphs called around the gateway,
// limits, introspection, CSRF, rate limits, persisted documents, and the operations endpoints.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { devIssuer } from '@gridspace/partners';
import { negotiate, policy } from './support/agreements.js';
import { INDICES } from './support/indices-subgraph.js';
import { startTestNetwork, type TestNetwork } from './support/network.js';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const PERIODS = '{ indexPeriods }';

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, ...((await response.json()) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }) };
}

describe('gateway security', { timeout: 120_000 }, () => {
  let net: TestNetwork;
  let agencyKey: CryptoKey;
  let agencyJwk: JWK;

  before(async () => {
    net = await startTestNetwork({ limits: { maxDepth: 3, maxAliases: 3, maxTokens: 300, maxCost: 100 } });
    agencyJwk = JSON.parse(readFileSync(join(net.partners.keysDir, 'gd-drc.private.jwk.json'), 'utf8')) as JWK;
    agencyKey = (await importJWK(agencyJwk, 'ES256')) as CryptoKey;
  });
  after(async () => net?.close());

  const agencyToken = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
    new SignJWT({ org: 'gd-drc', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: agencyJwk.kid!, ...header })
      .setIssuer((claims.iss as string) ?? devIssuer('gd-drc'))
      .setAudience((claims.aud as string) ?? 'gridspace-gateway')
      .setSubject('alice')
      .setIssuedAt()
      .setExpirationTime((claims.exp as number) ?? now() + 600)
      .sign(agencyKey);

  it('refuses forged and broken tokens with UNAUTHENTICATED and a reason', async () => {
    const valid = await agencyToken();
    const [header, payload, signature] = valid.split('.');
    const { d: _d, ...publicJwk } = agencyJwk;
    const hsHeader = b64url({ alg: 'HS256', kid: agencyJwk.kid });
    const hsPayload = b64url({ iss: devIssuer('gd-drc'), aud: 'gridspace-gateway', sub: 'mallory', org: 'gd-drc', exp: now() + 600 });
    const stranger = await generateKeyPair('ES256');
    const strangerToken = await new SignJWT({ org: 'gd-drc' })
      .setProtectedHeader({ alg: 'ES256', kid: 'unknown-kid' })
      .setIssuer(devIssuer('gd-drc'))
      .setAudience('gridspace-gateway')
      .setSubject('mallory')
      .setExpirationTime('5m')
      .sign(stranger.privateKey);
    const attacks: Array<[string, string, RegExp]> = [
      ['alg none', `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`, /signs with ES256 only|could not be verified/],
      ['HS256 signed with the issuer public key', `${hsHeader}.${hsPayload}.${createHmac('sha256', JSON.stringify(publicJwk)).update(`${hsHeader}.${hsPayload}`).digest('base64url')}`, /signs with ES256 only/],
      ['wrong issuer', await agencyToken({ iss: 'https://idp.evil.example' }), /not in the partner registry/],
      ['wrong audience', await agencyToken({ aud: 'another-gateway' }), /aud must be gridspace-gateway/],
      ['expired', await agencyToken({ exp: now() - 3600 }), /expired/],
      ['not yet valid', await agencyToken({ nbf: now() + 3600 }), /not valid yet/],
      ['unknown kid', strangerToken, /no key of gd-drc matches/],
      ['tampered payload', `${header}.${b64url({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), roles: ['admin'] })}.${signature}`, /signature does not verify/],
      ['a valid token of one partner claiming another org', await net.token('hk-partner', { claims: { org: 'gd-drc' } }), /claims org gd-drc, but its issuer .* speaks only for hk-partner/],
      ['garbage', 'not-a-token', /not a JWT/],
    ];
    for (const [what, token, reason] of attacks) {
      const response = await post(net.gateway.url, { query: PERIODS }, { authorization: `Bearer ${token}` });
      assert.equal(response.status, 401, what);
      assert.equal(response.data ?? null, null, what);
      assert.equal(response.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', what);
      assert.match(response.errors![0]!.message, reason, what);
    }
    const good = await post(net.gateway.url, { query: PERIODS }, { authorization: `Bearer ${valid}` });
    assert.deepEqual(good.data, { indexPeriods: ['2026-01', '2026-02'] });
  });

  it('has subgraphs refuse calls that bypass the gateway', async () => {
    const query = '{ electricityIndices(query: { periodKind: MONTH }) { period } }';
    const noGrant = await post(net.indices.url, { query });
    assert.equal(noGrant.errors?.[0]?.extensions?.code, 'GRANT_MISSING');
    assert.equal(noGrant.data ?? null, null);

    // A grant signed by anyone but the gateway is refused.
    const forger = await generateKeyPair('ES256');
    const forged = await new SignJWT({ agreement: 'agr-x', provider: 'gd-grid', purpose: 'macro-economic-monitoring', scope: { minAggregation: { region: 'customer', industry: 'customer', period: 'day' }, deidentification: 'none', crossBorder: false } })
      .setProtectedHeader({ alg: 'ES256', typ: 'gridspace-grant+jwt', kid: net.gateway.grantJwks().keys[0]!.kid! })
      .setIssuer('gridspace-gateway')
      .setAudience(INDICES)
      .setSubject('gd-drc')
      .setIssuedAt()
      .setExpirationTime('60s')
      .setJti('forged')
      .sign(forger.privateKey);
    const forgedCall = await post(net.indices.url, { query }, { 'x-gridspace-grant': forged });
    assert.equal(forgedCall.errors?.[0]?.extensions?.code, 'GRANT_INVALID');
    assert.equal(forgedCall.data ?? null, null);

    // The ledger subgraph wants the caller's own token too.
    const ledgerDirect = await post(net.ledgerSubgraphUrl, { query: '{ agreements { id } }' });
    assert.equal(ledgerDirect.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  });

  it('refuses oversized operations with clear errors', async () => {
    assert.equal((await net.query('gd-drc', '{ agreements { history { state } } dataProducts { offers { id } } }')).errors, undefined, 'within the limits');
    const cases: Array<[string, string, RegExp]> = [
      ['depth', '{ agreements { usage(period: month) { receiptPage { receipts { id } } } } }', /depth/i],
      ['aliases', '{ a: indexPeriods b: indexPeriods c: indexPeriods d: indexPeriods }', /aliases/i],
      ['tokens', `{ ${Array.from({ length: 400 }, () => 'indexPeriods').join(' ')} }`, /token/i],
      ['cost', `{ ${Array.from({ length: 40 }, () => 'agreements { id state provider consumer }').join(' ')} }`, /cost/i],
    ];
    for (const [what, query, message] of cases) {
      const response = await net.query('gd-drc', query);
      assert.equal(response.data ?? undefined, undefined, what);
      assert.match(response.errors?.[0]?.message ?? '', message, `${what}: ${response.errors?.[0]?.message}`);
    }
  });

  it('allows introspection to grid-operator admins only', async () => {
    const introspection = '{ __schema { queryType { name } } }';
    const analyst = await net.query('gd-grid', introspection);
    assert.match(analyst.errors?.[0]?.message ?? '', /introspection/i);
    const partner = await net.query('gd-drc', introspection, { tokenOptions: { roles: ['admin'] } });
    assert.match(partner.errors?.[0]?.message ?? '', /introspection/i, 'an admin of another org is not a grid-operator admin');
    const admin = await net.query('gd-grid', introspection, { tokenOptions: { roles: ['admin'] } });
    assert.deepEqual(admin.data, { __schema: { queryType: { name: 'Query' } } });
  });

  it('prevents CSRF: a simple GET without the CSRF header is refused', async () => {
    const token = await net.token('gd-drc');
    const url = `${net.gateway.url}?query=${encodeURIComponent(PERIODS)}`;
    const simple = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(simple.status, 403);
    const withHeader = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'x-gridspace-csrf': '1', accept: 'application/json' } });
    assert.deepEqual(((await withHeader.json()) as { data: unknown }).data, { indexPeriods: ['2026-01', '2026-02'] });
  });

  it('serves health, status, JWKS and Prometheus metrics, and tags responses with a request id', async () => {
    await negotiate(net.ledger, { consumer: 'gd-drc', dataProductId: INDICES, policy: policy(INDICES) });
    await net.query('gd-drc', '{ electricityIndices(query: { periodKind: MONTH }) { period } }', { purpose: 'macro-economic-monitoring' });
    await net.query('gd-stats', '{ electricityIndices(query: { periodKind: MONTH }) { period } }', { purpose: 'macro-economic-monitoring' });
    const tagged = await net.query('gd-drc', PERIODS, { headers: { 'x-request-id': 'req-1234' } });
    assert.equal(tagged.headers.get('x-request-id'), 'req-1234');

    const health = (await (await fetch(`${net.gateway.origin}/healthz`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
    const status = (await (await fetch(`${net.gateway.origin}/status`)).json()) as { subgraphs: Array<{ name: string; state: string }>; dataProducts: Array<{ id: string }> };
    assert.deepEqual(status.subgraphs.map((s) => `${s.name}:${s.state}`), ['ledger:composed', 'energy:composed']);
    assert.ok(status.dataProducts.some((p) => p.id === INDICES));
    const jwks = (await (await fetch(`${net.gateway.origin}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    assert.equal(jwks.keys[0]!.kty, 'EC');
    assert.equal(jwks.keys[0]!.d, undefined);
    const metrics = await (await fetch(`${net.gateway.origin}/metrics`)).text();
    assert.match(metrics, /gridspace_gateway_decisions_total\{code="ALLOWED",data_product="electricity-economic-indices"\} [1-9]/);
    assert.match(metrics, /gridspace_gateway_decisions_total\{code="NO_AGREEMENT",data_product="electricity-economic-indices"\} [1-9]/);
    assert.match(metrics, /gridspace_gateway_request_duration_seconds_bucket/);
  });
});

describe('gateway rate limits and persisted documents', { timeout: 120_000 }, () => {
  it('limits each org to its rate, independently of other orgs', async () => {
    const net = await startTestNetwork({ rateLimit: { perSecond: 0.5, burst: 2 } });
    try {
      assert.equal((await net.query('gd-drc', PERIODS)).errors, undefined);
      assert.equal((await net.query('gd-drc', PERIODS)).errors, undefined);
      const limited = await net.query('gd-drc', PERIODS);
      assert.equal(limited.status, 429);
      assert.equal(limited.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
      assert.match(limited.errors![0]!.message, /gd-drc is over its rate limit; retry in \d+ s/);
      assert.equal((await net.query('hk-partner', PERIODS)).errors, undefined, 'another org has its own budget');
    } finally {
      await net.close();
    }
  });

  it('runs only persisted documents in persisted mode', async () => {
    const net = await startTestNetwork({ persistedDocuments: { documents: { 'periods-v1': PERIODS } } });
    try {
      const token = await net.token('gd-drc');
      const arbitrary = await post(net.gateway.url, { query: PERIODS }, { authorization: `Bearer ${token}` });
      assert.equal(arbitrary.data ?? null, null);
      assert.match(arbitrary.errors?.[0]?.message ?? '', /persisted/i);
      const persisted = await post(net.gateway.url, { documentId: 'periods-v1' }, { authorization: `Bearer ${token}` });
      assert.deepEqual(persisted.data, { indexPeriods: ['2026-01', '2026-02'] });
      const unknown = await post(net.gateway.url, { documentId: 'nope' }, { authorization: `Bearer ${token}` });
      assert.match(unknown.errors?.[0]?.message ?? '', /no persisted document has this documentId/);
    } finally {
      await net.close();
    }
  });

  it('shows GraphiQL to a browser in development only', async () => {
    const dev = await startTestNetwork({ development: true });
    try {
      const page = await fetch(dev.gateway.url, { headers: { accept: 'text/html' } });
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await page.text(), /GraphiQL/i);
    } finally {
      await dev.close();
    }
    const production = await startTestNetwork();
    try {
      const page = await fetch(production.gateway.url, { headers: { accept: 'text/html' } });
      assert.doesNotMatch(page.headers.get('content-type') ?? '', /text\/html/);
    } finally {
      await production.close();
    }
  });
});
