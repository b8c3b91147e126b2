// The authorization matrix: every org type x both data products x agreement states and
// constraints, through the gateway over real HTTP with real tokens, against a real embedded
// ledger. Each case gets the exact allow or refusal code, and no refused row is ever returned.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { negotiate, policy, terminate } from './support/agreements.js';
import { INDICES } from './support/indices-subgraph.js';
import { startTestNetwork, type GraphQLResponse, type TestNetwork } from './support/network.js';

const PURPOSE = 'macro-economic-monitoring';
const cells = (query: string) => `{ electricityIndices(query: ${query}) { period periodKind regionLevel regionCode consumptionKwh } }`;
const MONTH_CITY = cells('{ periodKind: MONTH, regionLevels: [CITY, PROVINCE] }');
const MONTH_PROVINCE = cells('{ periodKind: MONTH, regionLevels: [PROVINCE] }');
const MONTH_ANY = cells('{ periodKind: MONTH }');
const DAY_CITY = cells('{ periodKind: DAY, regionLevels: [CITY] }');
const MONTH_CUSTOMER = cells('{ periodKind: MONTH, regionLevels: [CUSTOMER] }');
const LOAD = '{ substationLoad(substation: "SZ-110kV-01") { hour mw } }';

type Expectation = { allowed: true; rows?: number } | { code: string; reason?: RegExp };
interface Case {
  name: string;
  org: string | null;
  query: string;
  purpose?: string;
  expect: Expectation;
}

describe('authorization matrix', { timeout: 120_000 }, () => {
  let net: TestNetwork;
  const agreements: Record<string, string> = {};
  let expiresAt = 0;

  before(async () => {
    net = await startTestNetwork();
    const month = (n: number) => ({ leftOperand: 'count', operator: 'lteq', rightOperand: n, period: 'month' });
    const atLeast = (region: string, industry: string, period: string) => ({ leftOperand: 'aggregationLevel', operator: 'gteq', rightOperand: { region, industry, period } });
    agreements.agency = await negotiate(net.ledger, { consumer: 'gd-drc', dataProductId: INDICES, policy: policy(INDICES, [atLeast('city', 'division', 'month'), month(100)]) });
    agreements.stats = await negotiate(net.ledger, { consumer: 'gd-stats', dataProductId: INDICES, policy: policy(INDICES), upTo: 'REQUESTED' });
    agreements.cable = await negotiate(net.ledger, { consumer: 'cable-maker', dataProductId: INDICES, policy: policy(INDICES) });
    await terminate(net.ledger, agreements.cable, 'supplier no longer eligible');
    agreements.hk = await negotiate(net.ledger, { consumer: 'hk-partner', dataProductId: INDICES, policy: policy(INDICES, [atLeast('province', 'section', 'month'), month(2)]) });
    agreements.macau = await negotiate(net.ledger, {
      consumer: 'mo-partner',
      dataProductId: INDICES,
      policy: policy(INDICES, [{ leftOperand: 'spatial', operator: 'isAnyOf', rightOperand: ['CN-GD'] }]),
    });
    expiresAt = Date.now() + 2500;
    agreements.supplier = await negotiate(net.ledger, {
      consumer: 'tx-maker',
      dataProductId: INDICES,
      policy: policy(INDICES, [{ leftOperand: 'dateTime', operator: 'lt', rightOperand: new Date(expiresAt).toISOString() }]),
    });
  });
  after(async () => net?.close());

  const check = (c: Case, response: GraphQLResponse) => {
    const label = `${c.name}: ${JSON.stringify(response.errors ?? response.data).slice(0, 300)}`;
    if ('allowed' in c.expect) {
      assert.equal(response.errors, undefined, label);
      const rows = (Object.values(response.data!)[0] as unknown[]).length;
      if (c.expect.rows !== undefined) assert.equal(rows, c.expect.rows, label);
      return;
    }
    assert.equal(response.data ?? null, null, `${label}: a refused operation returns no data`);
    assert.equal(response.errors?.[0]?.extensions?.code, c.expect.code, label);
    if (c.expect.reason) assert.match(response.errors![0]!.message, c.expect.reason, label);
  };

  it('decides every org type x data product x agreement state and constraint', async () => {
    const cases: Case[] = [
      // grid operator: provider of both products
      { name: 'operator, own indices', org: 'gd-grid', query: MONTH_CITY, expect: { allowed: true, rows: 4 } },
      { name: 'operator, own load profiles', org: 'gd-grid', query: LOAD, expect: { allowed: true, rows: 3 } },
      // government: finalized agreement with aggregation and purpose terms
      { name: 'agency, finalized, city x month', org: 'gd-drc', query: MONTH_CITY, purpose: PURPOSE, expect: { allowed: true, rows: 4 } },
      { name: 'agency, finalized, no levels asked: grant filters', org: 'gd-drc', query: MONTH_ANY, purpose: PURPOSE, expect: { allowed: true, rows: 4 } },
      { name: 'agency, wrong purpose', org: 'gd-drc', query: MONTH_CITY, purpose: 'marketing', expect: { code: 'PURPOSE_NOT_ALLOWED', reason: /allowed: macro-economic-monitoring/ } },
      { name: 'agency, no purpose', org: 'gd-drc', query: MONTH_CITY, expect: { code: 'PURPOSE_NOT_ALLOWED', reason: /x-gridspace-purpose/ } },
      { name: 'agency, days too fine', org: 'gd-drc', query: DAY_CITY, purpose: PURPOSE, expect: { code: 'AGGREGATION_TOO_FINE', reason: /period "day"/ } },
      { name: 'agency, customers too fine', org: 'gd-drc', query: MONTH_CUSTOMER, purpose: PURPOSE, expect: { code: 'AGGREGATION_TOO_FINE', reason: /region "customer"/ } },
      { name: 'agency, no agreement for load profiles', org: 'gd-drc', query: LOAD, purpose: PURPOSE, expect: { code: 'NO_AGREEMENT' } },
      { name: 'statistics bureau, only requested', org: 'gd-stats', query: MONTH_CITY, purpose: PURPOSE, expect: { code: 'NO_AGREEMENT', reason: /still being negotiated \(state REQUESTED\)/ } },
      // suppliers: terminated; none for the second product
      { name: 'cable maker, terminated', org: 'cable-maker', query: MONTH_CITY, purpose: PURPOSE, expect: { code: 'NO_AGREEMENT', reason: /was terminated/ } },
      { name: 'cable maker, load profiles', org: 'cable-maker', query: LOAD, purpose: PURPOSE, expect: { code: 'NO_AGREEMENT' } },
      // Hong Kong: cross-border, provinces only, two per month
      { name: 'hk, provinces', org: 'hk-partner', query: MONTH_PROVINCE, purpose: PURPOSE, expect: { allowed: true, rows: 2 } },
      { name: 'hk, cities too fine', org: 'hk-partner', query: MONTH_CITY, purpose: PURPOSE, expect: { code: 'AGGREGATION_TOO_FINE' } },
      { name: 'hk, customer-level data', org: 'hk-partner', query: MONTH_CUSTOMER, purpose: PURPOSE, expect: { code: 'AGGREGATION_TOO_FINE', reason: /region "customer"/ } },
      { name: 'hk, customer-level load profiles', org: 'hk-partner', query: LOAD, purpose: PURPOSE, expect: { code: 'NO_AGREEMENT' } },
      { name: 'hk, provinces again', org: 'hk-partner', query: MONTH_PROVINCE, purpose: PURPOSE, expect: { allowed: true, rows: 2 } },
      { name: 'hk, quota used up', org: 'hk-partner', query: MONTH_PROVINCE, purpose: PURPOSE, expect: { code: 'QUOTA_EXCEEDED', reason: /allows 2 releases per month/ } },
      // Macau: use allowed only in CN-GD
      { name: 'macau, wrong jurisdiction', org: 'mo-partner', query: MONTH_PROVINCE, purpose: PURPOSE, expect: { code: 'JURISDICTION_NOT_ALLOWED', reason: /MO/ } },
      { name: 'macau, load profiles', org: 'mo-partner', query: LOAD, purpose: PURPOSE, expect: { code: 'NO_AGREEMENT' } },
      // nobody signed in
      { name: 'anonymous', org: null, query: MONTH_CITY, purpose: PURPOSE, expect: { code: 'UNAUTHENTICATED' } },
    ];
    for (const c of cases) check(c, await net.query(c.org, c.query, { purpose: c.purpose }));

    // No cell finer than the grant allowed ever reached the agency.
    const agency = await net.query('gd-drc', MONTH_ANY, { purpose: PURPOSE });
    for (const cell of agency.data!.electricityIndices as Array<{ regionLevel: string; periodKind: string }>) {
      assert.notEqual(cell.regionLevel, 'CUSTOMER');
      assert.equal(cell.periodKind, 'MONTH');
    }
    const grant = net.indices.grants.at(-1)!;
    assert.equal(grant.sub, 'gd-drc');
    assert.equal(grant.agreement, agreements.agency);
    assert.deepEqual(grant.scope.minAggregation, { region: 'city', industry: 'division', period: 'month' });
  });

  it('refuses a supplier whose agreement expired', async () => {
    const allowed = await net.query('tx-maker', MONTH_CITY, { purpose: PURPOSE });
    // Before its end the agreement releases (the setup finishes well within its 2.5 s window).
    if (Date.now() < expiresAt - 200) check({ name: 'supplier, before expiry', org: 'tx-maker', query: MONTH_CITY, expect: { allowed: true } }, allowed);
    await sleep(Math.max(0, expiresAt - Date.now() + 50));
    check(
      { name: 'supplier, expired', org: 'tx-maker', query: MONTH_CITY, expect: { code: 'AGREEMENT_EXPIRED', reason: /negotiate a new agreement with gd-grid/ } },
      await net.query('tx-maker', MONTH_CITY, { purpose: PURPOSE }),
    );
  });

  it('leaves a usage receipt per release on the ledger, recorded by the provider', async () => {
    await net.gateway.flushReceipts();
    const usage = JSON.parse(await net.ledger.evaluate({ identity: 'operator', fn: 'Usage:InPeriod', args: [agreements.hk!, 'month', ''] })) as {
      count: number;
      receipts: Array<{ provider: string; consumer: string; rows: number; queryHash: string }>;
    };
    assert.equal(usage.count, 2, 'two hk releases, the third was refused');
    for (const receipt of usage.receipts) {
      assert.equal(receipt.provider, 'gd-grid');
      assert.equal(receipt.consumer, 'hk-partner');
      assert.equal(receipt.rows, 2);
      assert.match(receipt.queryHash, /^[0-9a-f]{64}$/);
    }
    const agency = JSON.parse(await net.ledger.evaluate({ identity: 'operator', fn: 'Usage:InPeriod', args: [agreements.agency!, 'month', ''] })) as { count: number };
    assert.equal(agency.count, 3, 'three agency releases');
  });

  it('refuses a terminated agreement within a second of the ledger event', async () => {
    check({ name: 'agency before revocation', org: 'gd-drc', query: MONTH_CITY, expect: { allowed: true } }, await net.query('gd-drc', MONTH_CITY, { purpose: PURPOSE }));
    await terminate(net.ledger, agreements.agency!, 'audit finding');
    const committedAt = Date.now();
    let response: GraphQLResponse;
    for (;;) {
      response = await net.query('gd-drc', MONTH_CITY, { purpose: PURPOSE });
      if (response.errors || Date.now() - committedAt > 1000) break;
      await sleep(20);
    }
    const elapsed = Date.now() - committedAt;
    check({ name: 'agency after revocation', org: 'gd-drc', query: MONTH_CITY, expect: { code: 'NO_AGREEMENT', reason: /was terminated/ } }, response);
    assert.ok(elapsed <= 1000, `refused ${elapsed} ms after the termination committed; must be within 1 s`);
  });
});
