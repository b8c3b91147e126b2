// "The active agreement admitting this request" for every constraint kind, and usage receipts:
// batches, quota enforcement, usage per period, releases after termination.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Ledger } from '../../src/index.js';
import {
  basicPolicy,
  bothParties,
  eventOf,
  evaluate,
  finalizedAgreement,
  isoIn,
  openLedgerWithOrganizations,
  org,
  publishProduct,
  receipt,
  rejects,
  submit,
  unique,
} from './support.js';

interface Decision {
  admitted: boolean;
  code?: string;
  reason?: string;
  agreementId?: string;
  scope?: { regions?: string[]; minAggregation: Record<string, string>; deidentification: string; crossBorder: boolean };
  quotas?: Array<{ period: string; limit: number; used: number; remaining: number }>;
  expiresAt?: string;
}

const REGION_DIVISION_MONTH = { region: 'district', industry: 'division', period: 'month' };

describe('Policy evaluation on the ledger (Agreements:FindActive) and usage receipts', () => {
  let ledger: Ledger;
  let productId: string;

  before(async () => {
    ledger = await openLedgerWithOrganizations();
    productId = await publishProduct(ledger, 'operator');
  });
  after(async () => ledger.close());

  const find = (request: Record<string, unknown>, product = productId) =>
    evaluate<Decision>(ledger, {
      identity: 'operator',
      fn: 'Agreements:FindActive',
      args: [{ consumer: org('agency').orgId, dataProductId: product, purpose: 'macro-economic-monitoring', jurisdiction: 'CN-GD', aggregation: REGION_DIVISION_MONTH, ...request }],
    });

  /** A product of its own per test keeps FindActive's candidates to the agreement under test. */
  async function agreementWith(constraints: unknown[], extra: Record<string, unknown> = {}, consumer = 'agency') {
    const product = await publishProduct(ledger, 'operator');
    const id = await finalizedAgreement(ledger, { productId: product, policy: basicPolicy(product, constraints, extra), consumer });
    return { product, id };
  }

  it('admits a request under a FINALIZED agreement and returns the grant scope', async () => {
    const { product, id } = await agreementWith([
      { leftOperand: 'aggregationLevel', operator: 'gteq', rightOperand: REGION_DIVISION_MONTH },
      { leftOperand: 'region', operator: 'isAnyOf', rightOperand: ['440300', '440100'] },
      { leftOperand: 'deidentification', operator: 'gteq', rightOperand: 'aggregated' },
    ]);
    const decision = await find({}, product);
    assert.equal(decision.admitted, true, decision.reason);
    assert.equal(decision.agreementId, id);
    assert.deepEqual(decision.scope, { regions: ['440300', '440100'], minAggregation: REGION_DIVISION_MONTH, deidentification: 'aggregated', crossBorder: false });
  });

  it('refuses with NO_AGREEMENT when there is none, or it is not finalized, or it was terminated', async () => {
    const product = await publishProduct(ledger, 'operator');
    const none = await find({}, product);
    assert.equal(none.code, 'NO_AGREEMENT');
    const pending = unique('agr');
    await submit(ledger, { identity: 'agency', fn: 'Agreements:Request', args: [{ id: pending, dataProductId: product, policy: basicPolicy(product), crossBorder: { providerJurisdiction: 'CN-GD', consumerJurisdiction: 'CN-GD', personalInformation: false, transferMechanism: 'exempt', onwardTransferScope: 'none' } }] });
    const negotiating = await find({}, product);
    assert.equal(negotiating.code, 'NO_AGREEMENT');
    assert.match(negotiating.reason!, /still being negotiated \(state REQUESTED\)/);

    const { product: p2, id } = await agreementWith([]);
    assert.equal((await find({}, p2)).admitted, true);
    await submit(ledger, { identity: 'operator', fn: 'Agreements:Terminate', args: [id, 'audit finding'], endorsingOrgs: bothParties('operator', 'agency') });
    const revoked = await find({}, p2);
    assert.equal(revoked.code, 'NO_AGREEMENT');
    assert.match(revoked.reason!, /was terminated/);
  });

  it('checks the purpose', async () => {
    const { product } = await agreementWith([]);
    const decision = await find({ purpose: 'marketing' }, product);
    assert.equal(decision.code, 'PURPOSE_NOT_ALLOWED');
    assert.match(decision.reason!, /"marketing" is not allowed .* allowed: macro-economic-monitoring/);
  });

  it('checks the dateTime window: not yet in force, and expired', async () => {
    const { product } = await agreementWith([
      { leftOperand: 'dateTime', operator: 'gteq', rightOperand: isoIn(-86_400_000) },
      { leftOperand: 'dateTime', operator: 'lt', rightOperand: isoIn(30 * 86_400_000) },
    ]);
    assert.equal((await find({}, product)).admitted, true);
    const later = await find({ time: isoIn(31 * 86_400_000) }, product);
    assert.equal(later.code, 'AGREEMENT_EXPIRED');
    assert.match(later.reason!, /expired at .*negotiate a new agreement/);
    const earlier = await find({ time: isoIn(-2 * 86_400_000) }, product);
    assert.equal(earlier.code, 'NO_AGREEMENT');
    assert.match(earlier.reason!, /not in force before/);
  });

  it('checks the spatial constraint, prohibitions and the agreed consumer jurisdiction', async () => {
    const { product } = await agreementWith(
      [{ leftOperand: 'spatial', operator: 'isAnyOf', rightOperand: ['CN-GD'] }],
      { prohibitions: [{ action: 'use', constraints: [{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['macro-economic-monitoring'] }, { leftOperand: 'spatial', operator: 'isNoneOf', rightOperand: ['CN-GD', 'HK', 'MO'] }] }] },
    );
    assert.equal((await find({}, product)).admitted, true);
    const abroad = await find({ jurisdiction: 'HK' }, product);
    assert.equal(abroad.code, 'JURISDICTION_NOT_ALLOWED');
    assert.match(abroad.reason!, /covers release to CN-GD, not HK/);
  });

  it('refuses customer-level data to a Hong Kong partner whose agreement requires aggregation', async () => {
    const { product } = await agreementWith(
      [
        { leftOperand: 'aggregationLevel', operator: 'gteq', rightOperand: { region: 'city', industry: 'section', period: 'month' } },
        { leftOperand: 'deidentification', operator: 'gteq', rightOperand: 'aggregated' },
        { leftOperand: 'spatial', operator: 'isAnyOf', rightOperand: ['HK'] },
      ],
      {},
      'hk',
    );
    const hk = (request: Record<string, unknown>) => find({ consumer: org('hk').orgId, jurisdiction: 'HK', ...request }, product);
    const customer = await hk({ aggregation: { region: 'customer', industry: 'customer', period: 'day' } });
    assert.equal(customer.code, 'AGGREGATION_TOO_FINE');
    assert.match(customer.reason!, /region "customer" \(at least "city"\)/);
    const cities = await hk({ aggregation: { region: 'city', industry: 'section', period: 'month' } });
    assert.equal(cities.admitted, true, cities.reason);
    assert.equal(cities.scope?.crossBorder, true);
    assert.equal(cities.scope?.deidentification, 'aggregated');
    const fromMainland = await hk({ jurisdiction: 'CN-GD', aggregation: { region: 'city', industry: 'section', period: 'month' } });
    assert.equal(fromMainland.code, 'JURISDICTION_NOT_ALLOWED');
    // Another org cannot ride on the HK partner's agreement.
    assert.equal((await find({ consumer: org('macau').orgId, jurisdiction: 'MO' }, product)).code, 'NO_AGREEMENT');
  });

  it('checks the minimum aggregation level and de-identification', async () => {
    const { product } = await agreementWith([
      { leftOperand: 'aggregationLevel', operator: 'gteq', rightOperand: REGION_DIVISION_MONTH },
      { leftOperand: 'deidentification', operator: 'gteq', rightOperand: 'pseudonymized' },
    ]);
    const customer = await find({ aggregation: { region: 'customer', industry: 'division', period: 'month' } }, product);
    assert.equal(customer.code, 'AGGREGATION_TOO_FINE');
    assert.match(customer.reason!, /region "customer" \(at least "district"\)/);
    const daily = await find({ aggregation: { region: 'city', industry: 'section', period: 'day' } }, product);
    assert.equal(daily.code, 'AGGREGATION_TOO_FINE');
    assert.match(daily.reason!, /period "day"/);
    const raw = await find({ deidentification: 'none' }, product);
    assert.equal(raw.code, 'AGGREGATION_TOO_FINE');
    assert.match(raw.reason!, /de-identification "pseudonymized"/);
    assert.equal((await find({ aggregation: { region: 'gba', industry: 'all', period: 'year' } }, product)).admitted, true);
  });

  it('enforces a count constraint: receipts count, the batch that would exceed it is refused whole', async () => {
    const { product, id } = await agreementWith([{ leftOperand: 'count', operator: 'lteq', rightOperand: 3, period: 'month' }]);
    const first = await find({}, product);
    assert.deepEqual(first.quotas?.map((q) => [q.limit, q.used, q.remaining]), [[3, 0, 2]]);

    const recorded = await submit<{ recorded: number }>(ledger, { identity: 'operator', fn: 'Usage:RecordBatch', args: [[receipt(id, product), receipt(id, product)]] });
    assert.equal(recorded.value.recorded, 2);
    const event = await eventOf(ledger, recorded.tx);
    assert.equal(event.name, 'UsageRecorded');
    assert.equal(event.payload.count, 2);
    assert.deepEqual(event.payload.agreements, [{ agreementId: id, dataProductId: product, count: 2, rows: 24 }]);
    assert.deepEqual((await find({}, product)).quotas?.map((q) => q.used), [2]);

    // Two more would make four: the whole batch is refused and nothing of it is written.
    await rejects(
      submit(ledger, { identity: 'operator', fn: 'Usage:RecordBatch', args: [[receipt(id, product), receipt(id, product)]] }),
      'QUOTA_EXCEEDED',
      /receipts\[1\]: agreement .* allows 3 releases per month; .* already has 3/,
    );
    const usage = await evaluate<{ count: number; rows: number; limit: number; remaining: number; receipts: unknown[] }>(ledger, { identity: 'agency', fn: 'Usage:InPeriod', args: [id, 'month', ''] });
    assert.deepEqual([usage.count, usage.rows, usage.limit, usage.remaining, usage.receipts.length], [2, 2 * receipt(id, product).rows, 3, 1, 2]);
    // Count answers the same from the period's counter, without the receipts.
    const { receipts: _receipts, ...summary } = usage;
    assert.deepEqual(await evaluate(ledger, { identity: 'agency', fn: 'Usage:Count', args: [id, 'month', ''] }), summary);
    // A period without a count limit keeps no counter: it is counted from the receipts.
    const year = await evaluate<{ count: number; limit?: number }>(ledger, { identity: 'agency', fn: 'Usage:Count', args: [id, 'year', ''] });
    assert.deepEqual([year.count, year.limit], [2, undefined]);

    await submit(ledger, { identity: 'operator', fn: 'Usage:RecordBatch', args: [[receipt(id, product)]] });
    const exhausted = await find({}, product);
    assert.equal(exhausted.code, 'QUOTA_EXCEEDED');
    assert.match(exhausted.reason!, /allows 3 releases per month; 3 used .* resets at/);
    await rejects(submit(ledger, { identity: 'operator', fn: 'Usage:RecordBatch', args: [[receipt(id, product)]] }), 'QUOTA_EXCEEDED');
  });

  it('pages through the receipts of a period, every receipt once', async () => {
    const { product, id } = await agreementWith([]);
    const batch = Array.from({ length: 5 }, () => receipt(id, product));
    await submit(ledger, { identity: 'operator', fn: 'Usage:RecordBatch', args: [batch] });
    const seen: string[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const page = await evaluate<{ receipts: Array<{ id: string }>; bookmark: string }>(ledger, { identity: 'agency', fn: 'Usage:Receipts', args: [id, 'month', '', '2', bookmark] });
      assert.ok(page.receipts.length <= 2);
      seen.push(...page.receipts.map((r) => r.id));
      bookmark = page.bookmark;
      pages++;
    } while (bookmark !== '' && pages < 10);
    assert.deepEqual(seen.sort(), batch.map((r) => r.id).sort());
    assert.ok(pages >= 3, `${pages} pages of at most 2`);
    await rejects(evaluate(ledger, { identity: 'agency', fn: 'Usage:Receipts', args: [id, 'month', '', '0', ''] }), 'INVALID_ARGUMENT', /pageSize: must be an integer from 1 to 1000/);
  });

  it('records usage only by the provider, for the agreement, once per receipt id', async () => {
    const { product, id } = await agreementWith([]);
    const r = receipt(id, product);
    await rejects(submit(ledger, { identity: 'agency', fn: 'Usage:RecordBatch', args: [[r]] }), 'FORBIDDEN', /only the provider gd-grid records usage/);
    await rejects(submit(ledger, { identity: 'operator', fn: 'Usage:RecordBatch', args: [[{ ...r, dataProductId: productId }]] }), 'INVALID_ARGUMENT', /receipts\[0\]\.dataProductId: must be the agreement's data product/);
    await rejects(submit(ledger, { identity: 'operator', fn: 'Usage:RecordBatch', args: [[{ ...r, queryHash: 'abc' }]] }), 'INVALID_ARGUMENT', /receipts\[0\]\.queryHash: must be a SHA-256 hash/);
    await rejects(submit(ledger, { identity: 'operator', fn: 'Usage:RecordBatch', args: [[r, r]] }), 'INVALID_ARGUMENT', /receipts\[1\]\.id: duplicates receipts\[0\]\.id/);
    await rejects(submit(ledger, { identity: 'operator', fn: 'Usage:RecordBatch', args: [[receipt(unique('agr'), product)]] }), 'NOT_FOUND', /agreement/);
    await submit(ledger, { identity: 'operator', fn: 'Usage:RecordBatch', args: [[r]] });
    await rejects(submit(ledger, { identity: 'operator', fn: 'Usage:RecordBatch', args: [[r]] }), 'CONFLICT', /already recorded/);
    const stored = await evaluate<{ id: string; consumer: string; provider: string }>(ledger, { identity: 'agency', fn: 'Usage:Get', args: [r.id] });
    assert.deepEqual([stored.id, stored.consumer, stored.provider], [r.id, 'gd-drc', 'gd-grid']);
  });

  it('refuses receipts of releases after the agreement was terminated', async () => {
    const { product, id } = await agreementWith([]);
    const { agreement } = await evaluate<{ agreement: { finalizedAt: string } }>(ledger, { identity: 'operator', fn: 'Agreements:Get', args: [id] });
    const before = receipt(id, product, agreement.finalizedAt);
    await submit(ledger, { identity: 'agency', fn: 'Agreements:Terminate', args: [id, 'project ended'], endorsingOrgs: bothParties('operator', 'agency') });
    await submit(ledger, { identity: 'operator', fn: 'Usage:RecordBatch', args: [[before]] });
    await rejects(submit(ledger, { identity: 'operator', fn: 'Usage:RecordBatch', args: [[receipt(id, product, isoIn(1000))]] }), 'CONFLICT', /renounced at/);
  });
});
