// Agreements: every negotiation transition by the right and the wrong party, termination, expiry,
// cross-border terms, history and queries.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Ledger } from '../../src/index.js';
import {
  basicPolicy,
  bothParties,
  domesticTerms,
  eventOf,
  evaluate,
  finalizedAgreement,
  isoIn,
  openLedgerWithOrganizations,
  org,
  publishProduct,
  rejects,
  submit,
  unique,
} from './support.js';

interface AgreementView {
  id: string;
  state: string;
  provider: string;
  consumer: string;
  revision: number;
  policy: { permissions: unknown[] };
  termination?: { by: string; kind: string; reason: string };
}

describe('Agreements contract', () => {
  let ledger: Ledger;
  let productId: string;
  const P = 'operator';
  const C = 'agency';
  const endorsingOrgs = bothParties(P, C);

  before(async () => {
    ledger = await openLedgerWithOrganizations();
    productId = await publishProduct(ledger, P);
  });
  after(async () => ledger.close());

  const proposal = (id: string, extra: Record<string, unknown> = {}) => ({ id, dataProductId: productId, policy: basicPolicy(productId), crossBorder: domesticTerms(), ...extra });
  const step = (identity: string, fn: string, id: string, ...rest: string[]) =>
    submit<AgreementView>(ledger, { identity, fn: `Agreements:${fn}`, args: [id, ...rest], endorsingOrgs });

  it('walks REQUESTED -> OFFERED -> ACCEPTED -> AGREED -> VERIFIED -> FINALIZED, each step only by its party', async () => {
    const id = unique('agr');
    await rejects(submit(ledger, { identity: P, fn: 'Agreements:Request', args: [proposal(id)] }), 'FORBIDDEN', /only a consumer may request/);
    const requested = await submit<AgreementView>(ledger, { identity: C, fn: 'Agreements:Request', args: [proposal(id)] });
    assert.equal(requested.value.state, 'REQUESTED');
    assert.equal(requested.value.provider, org(P).orgId);
    assert.equal(requested.value.consumer, org(C).orgId);
    assert.deepEqual(await eventOf(ledger, requested.tx).then((e) => [e.name, e.payload.state]), ['AgreementRequested', 'REQUESTED']);

    await rejects(submit(ledger, { identity: C, fn: 'Agreements:Offer', args: [proposal(id)], endorsingOrgs }), 'FORBIDDEN', /only the provider may offer/);
    const offered = await submit<AgreementView>(ledger, { identity: P, fn: 'Agreements:Offer', args: [proposal(id)], endorsingOrgs });
    assert.equal(offered.value.state, 'OFFERED');

    await rejects(step(P, 'Accept', id), 'FORBIDDEN', /only the consumer may accept/);
    assert.equal((await step(C, 'Accept', id)).value.state, 'ACCEPTED');

    await rejects(step(C, 'Agree', id), 'FORBIDDEN', /only the provider may agree/);
    assert.equal((await step(P, 'Agree', id)).value.state, 'AGREED');

    await rejects(step(P, 'Verify', id), 'FORBIDDEN', /only the consumer may verify/);
    assert.equal((await step(C, 'Verify', id)).value.state, 'VERIFIED');

    await rejects(step(C, 'Finalize', id), 'FORBIDDEN', /only the provider may finalize/);
    const finalized = await step(P, 'Finalize', id);
    assert.equal(finalized.value.state, 'FINALIZED');
    assert.equal((await eventOf(ledger, finalized.tx)).name, 'AgreementFinalized');

    const { agreement, history } = await evaluate<{ agreement: AgreementView; history: Array<{ state: string; by: string; revision: number }> }>(ledger, {
      identity: 'stats',
      fn: 'Agreements:Get',
      args: [id],
    });
    assert.equal(agreement.state, 'FINALIZED');
    assert.deepEqual(
      history.map((h) => `${h.state}:${h.by}`),
      ['REQUESTED:consumer', 'OFFERED:provider', 'ACCEPTED:consumer', 'AGREED:provider', 'VERIFIED:consumer', 'FINALIZED:provider'],
    );
  });

  it('lets the provider open with an offer, the consumer counter with a request, and the provider agree directly', async () => {
    const id = unique('agr');
    await rejects(submit(ledger, { identity: P, fn: 'Agreements:Offer', args: [proposal(id)] }), 'INVALID_ARGUMENT', /proposal\.consumer: is required/);
    await rejects(submit(ledger, { identity: C, fn: 'Agreements:Offer', args: [proposal(id, { consumer: org(C).orgId })] }), 'FORBIDDEN', /only the provider/);
    const offered = await submit<AgreementView>(ledger, { identity: P, fn: 'Agreements:Offer', args: [proposal(id, { consumer: org(C).orgId })] });
    assert.equal(offered.value.state, 'OFFERED');

    // Counter-request with a monthly cap: only the consumer.
    const counter = proposal(id, { policy: basicPolicy(productId, [{ leftOperand: 'count', operator: 'lteq', rightOperand: 50, period: 'month' }]) });
    await rejects(submit(ledger, { identity: P, fn: 'Agreements:Request', args: [counter], endorsingOrgs }), 'FORBIDDEN', /only the consumer may request/);
    const requested = await submit<AgreementView>(ledger, { identity: C, fn: 'Agreements:Request', args: [counter], endorsingOrgs });
    assert.equal(requested.value.state, 'REQUESTED');
    assert.equal(requested.value.revision, 2);

    await rejects(step(C, 'Agree', id), 'FORBIDDEN', /only the provider may agree/);
    const agreed = await step(P, 'Agree', id);
    assert.equal(agreed.value.state, 'AGREED');
    assert.equal(JSON.stringify(agreed.value.policy).includes('"period":"month"'), true);
  });

  it('lets the provider counter a request with an offer', async () => {
    const id = unique('agr');
    await submit(ledger, { identity: C, fn: 'Agreements:Request', args: [proposal(id)] });
    const stricter = proposal(id, { policy: basicPolicy(productId, [{ leftOperand: 'aggregationLevel', operator: 'gteq', rightOperand: { region: 'city', industry: 'division', period: 'month' } }]) });
    const offered = await submit<AgreementView>(ledger, { identity: P, fn: 'Agreements:Offer', args: [stricter], endorsingOrgs });
    assert.equal(offered.value.state, 'OFFERED');
    assert.equal(offered.value.policy.permissions.length, 1);
  });

  it('refuses transitions out of order with CONFLICT, and third parties with FORBIDDEN', async () => {
    const id = unique('agr');
    await submit(ledger, { identity: C, fn: 'Agreements:Request', args: [proposal(id)] });
    await rejects(step(C, 'Accept', id), 'CONFLICT', /cannot accept an agreement in state REQUESTED/);
    await rejects(step(P, 'Finalize', id), 'CONFLICT', /cannot finalize/);
    await rejects(step(C, 'Verify', id), 'CONFLICT', /cannot verify/);
    await rejects(step('stats', 'Terminate', id, 'not mine'), 'FORBIDDEN', /not a party to agreement/);
    await rejects(step('hk', 'Accept', id), 'FORBIDDEN', /not a party/);
    await rejects(submit(ledger, { identity: C, fn: 'Agreements:Request', args: [proposal(id)], endorsingOrgs }), 'CONFLICT', /cannot request an agreement in state REQUESTED/);
    await rejects(step(C, 'Accept', unique('missing')), 'NOT_FOUND', /agreement/);
  });

  it('terminates a negotiation by either party, and a FINALIZED agreement by revoke or renounce', async () => {
    const byConsumer = unique('agr');
    await submit(ledger, { identity: C, fn: 'Agreements:Request', args: [proposal(byConsumer)] });
    await rejects(step(C, 'Terminate', byConsumer, '  '), 'INVALID_ARGUMENT', /reason: must not be empty/);
    const terminated = await step(C, 'Terminate', byConsumer, 'budget withdrawn');
    assert.equal(terminated.value.state, 'TERMINATED');
    assert.deepEqual(terminated.value.termination && [terminated.value.termination.by, terminated.value.termination.kind], ['consumer', 'terminated']);
    await rejects(submit(ledger, { identity: P, fn: 'Agreements:Offer', args: [proposal(byConsumer)], endorsingOrgs }), 'CONFLICT', /cannot offer an agreement in state TERMINATED/);
    await rejects(step(P, 'Terminate', byConsumer, 'again'), 'CONFLICT', /TERMINATED/);

    const byProvider = unique('agr');
    await submit(ledger, { identity: C, fn: 'Agreements:Request', args: [proposal(byProvider)] });
    assert.equal((await step(P, 'Terminate', byProvider, 'product is being reworked')).value.state, 'TERMINATED');

    const revoked = await finalizedAgreement(ledger, { productId, policy: basicPolicy(productId) });
    const revoke = await step(P, 'Terminate', revoked, 'consumer breached the attribution duty');
    assert.equal(revoke.value.termination?.kind, 'revoked');
    const event = await eventOf(ledger, revoke.tx);
    assert.equal(event.name, 'AgreementTerminated');
    assert.equal((event.payload.termination as { reason: string }).reason, 'consumer breached the attribution duty');

    const renounced = await finalizedAgreement(ledger, { productId, policy: basicPolicy(productId) });
    assert.equal((await step(C, 'Terminate', renounced, 'no longer needed')).value.termination?.kind, 'renounced');
  });

  it('expires a FINALIZED agreement only after its validity window, by either party', async () => {
    const end = isoIn(4000);
    const policy = basicPolicy(productId, [
      { leftOperand: 'dateTime', operator: 'gteq', rightOperand: isoIn(-60_000) },
      { leftOperand: 'dateTime', operator: 'lt', rightOperand: end },
    ]);
    const id = await finalizedAgreement(ledger, { productId, policy });
    const noEnd = await finalizedAgreement(ledger, { productId, policy: basicPolicy(productId) });
    await rejects(step(C, 'Expire', noEnd), 'CONFLICT', /no end date/);
    await rejects(step('hk', 'Expire', id), 'FORBIDDEN');
    // Poll until the ledger's clock passes the end of the window (no timing assertion: only the outcome).
    let expired: AgreementView | undefined;
    for (let attempt = 0; attempt < 120 && !expired; attempt++) {
      try {
        expired = (await step(C, 'Expire', id)).value;
      } catch (error) {
        assert.match(String(error), /CONFLICT: agreement .* is valid until/);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    assert.ok(expired, 'the agreement expired');
    assert.equal(expired.state, 'TERMINATED');
    assert.equal(expired.termination?.kind, 'expired');
  });

  it('refuses to finalize an agreement whose window has already ended', async () => {
    const id = unique('agr');
    const policy = basicPolicy(productId, [{ leftOperand: 'dateTime', operator: 'lt', rightOperand: isoIn(-1000) }]);
    await submit(ledger, { identity: C, fn: 'Agreements:Request', args: [proposal(id, { policy })] });
    await step(P, 'Agree', id);
    await step(C, 'Verify', id);
    await rejects(step(P, 'Finalize', id), 'CONFLICT', /validity window ended/);
  });

  it('validates proposals against the schemas, the parties and their jurisdictions', async () => {
    await rejects(submit(ledger, { identity: C, fn: 'Agreements:Request', args: ['{not json'] }), 'INVALID_ARGUMENT', /proposal: must be valid JSON/);
    const badDate = basicPolicy(productId, [{ leftOperand: 'dateTime', operator: 'lt', rightOperand: 'next tuesday' }]);
    await rejects(
      submit(ledger, { identity: C, fn: 'Agreements:Request', args: [proposal(unique('agr'), { policy: badDate })] }),
      'INVALID_ARGUMENT',
      /^INVALID_ARGUMENT: proposal\.policy\.permissions\[0\]\.constraints\[1\]\.rightOperand: must be a date-time$/,
    );
    await rejects(
      submit(ledger, { identity: C, fn: 'Agreements:Request', args: [proposal(unique('agr'), { crossBorder: domesticTerms('HK') })] }),
      'INVALID_ARGUMENT',
      /proposal\.crossBorder\.consumerJurisdiction: must be the consumer's jurisdiction CN-GD/,
    );
    await rejects(
      submit(ledger, { identity: C, fn: 'Agreements:Request', args: [proposal(unique('agr'), { dataProductId: unique('nothing') })] }),
      'INVALID_ARGUMENT',
      /proposal\.policy\.target: must be the data product/,
    );
    const ghost = unique('ghost');
    await rejects(
      submit(ledger, { identity: C, fn: 'Agreements:Request', args: [{ ...proposal(unique('agr')), dataProductId: ghost, policy: basicPolicy(ghost) }] }),
      'NOT_FOUND',
      /data product/,
    );
  });

  it('records cross-border terms: a Hong Kong partner under the GBA standard contract', async () => {
    const hkTerms = {
      providerJurisdiction: 'CN-GD',
      consumerJurisdiction: 'HK',
      personalInformation: false,
      transferMechanism: 'gba-standard-contract-hk',
      onwardTransferScope: 'gba',
    };
    await rejects(
      submit(ledger, { identity: 'hk', fn: 'Agreements:Request', args: [proposal(unique('agr'), { crossBorder: hkTerms })] }),
      'INVALID_ARGUMENT',
      /proposal\.crossBorder\.filingReference: is required for the transfer mechanism gba-standard-contract-hk/,
    );
    await rejects(
      submit(ledger, { identity: 'macau', fn: 'Agreements:Request', args: [proposal(unique('agr'), { crossBorder: { ...hkTerms, consumerJurisdiction: 'MO', filingReference: 'GD-2026-001' } })] }),
      'INVALID_ARGUMENT',
      /transferMechanism: the GBA standard contract \(Hong Kong\) covers only transfers between CN-GD and HK/,
    );
    const id = await finalizedAgreement(ledger, {
      productId,
      consumer: 'hk',
      crossBorder: { ...hkTerms, filingReference: 'GDCAC-GBA-HK-2026-0042' },
      policy: basicPolicy(productId, [], {
        prohibitions: [{ action: 'transfer', constraints: [{ leftOperand: 'spatial', operator: 'isNoneOf', rightOperand: ['CN-GD', 'HK', 'MO'] }] }],
      }),
    });
    const { agreement } = await evaluate<{ agreement: AgreementView & { crossBorder: { filingReference: string; onwardTransferScope: string } } }>(ledger, {
      identity: 'hk',
      fn: 'Agreements:Get',
      args: [id],
    });
    assert.equal(agreement.crossBorder.filingReference, 'GDCAC-GBA-HK-2026-0042');
    assert.equal(agreement.crossBorder.onwardTransferScope, 'gba');
  });

  it('lists agreements by provider, by consumer and by product', async () => {
    const product = await publishProduct(ledger, P);
    const a = await finalizedAgreement(ledger, { productId: product, policy: basicPolicy(product) });
    const b = unique('agr');
    await submit(ledger, { identity: 'stats', fn: 'Agreements:Request', args: [{ id: b, dataProductId: product, policy: basicPolicy(product), crossBorder: domesticTerms() }] });
    const byProduct = await evaluate<AgreementView[]>(ledger, { identity: C, fn: 'Agreements:ByProduct', args: [product] });
    assert.deepEqual(byProduct.map((x) => x.id).sort(), [a, b].sort());
    const byConsumer = await evaluate<AgreementView[]>(ledger, { identity: C, fn: 'Agreements:ByConsumer', args: [org('stats').orgId] });
    assert.ok(byConsumer.some((x) => x.id === b) && !byConsumer.some((x) => x.id === a));
    const byProvider = await evaluate<AgreementView[]>(ledger, { identity: C, fn: 'Agreements:ByProvider', args: [org(P).orgId] });
    assert.ok(byProvider.some((x) => x.id === a) && byProvider.some((x) => x.id === b));
  });
});
