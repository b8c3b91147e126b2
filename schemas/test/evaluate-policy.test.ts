// evaluatePolicy, the agreement state machine, calendar periods and Merkle proofs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AGREEMENT_STATES,
  AGREEMENT_TRANSITIONS,
  checkTransition,
  evaluateAgreements,
  evaluatePolicy,
  merkleLeafHash,
  merkleProof,
  merkleRoot,
  periodBounds,
  periodKey,
  verifyMerkleProof,
  type Agreement,
  type Constraint,
  type PolicyRequest,
} from '../src/index.js';

function agreement(constraints: Constraint[], extra: Partial<Agreement> = {}): Agreement {
  return {
    id: 'agr-1',
    dataProductId: 'electricity-economic-indices',
    provider: 'gd-grid',
    consumer: 'gd-drc',
    providerMspId: 'GridOperatorMSP',
    consumerMspId: 'ProvincialDrcMSP',
    state: 'FINALIZED',
    policy: { target: 'electricity-economic-indices', permissions: [{ action: 'use', constraints }] },
    crossBorder: { providerJurisdiction: 'CN-GD', consumerJurisdiction: 'CN-GD', personalInformation: false, transferMechanism: 'exempt', onwardTransferScope: 'none' },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    revision: 6,
    lastAction: { action: 'finalize', by: 'provider', at: '2026-01-01T00:00:00.000Z' },
    ...extra,
  };
}

const request = (extra: Partial<PolicyRequest> = {}): PolicyRequest => ({
  consumer: 'gd-drc',
  dataProductId: 'electricity-economic-indices',
  purpose: 'macro-economic-monitoring',
  time: '2026-03-15T10:00:00+08:00',
  jurisdiction: 'CN-GD',
  aggregation: { region: 'district', industry: 'division', period: 'month' },
  ...extra,
});

const J2: Constraint[] = [
  { leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['macro-economic-monitoring'] },
  { leftOperand: 'dateTime', operator: 'gteq', rightOperand: '2026-01-01T00:00:00+08:00' },
  { leftOperand: 'dateTime', operator: 'lt', rightOperand: '2027-01-01T00:00:00+08:00' },
  { leftOperand: 'aggregationLevel', operator: 'gteq', rightOperand: { region: 'district', industry: 'division', period: 'month' } },
  { leftOperand: 'count', operator: 'lteq', rightOperand: 100, period: 'month' },
];

describe('evaluatePolicy', () => {
  it('admits a request within every constraint and returns the grant scope and quota', () => {
    const decision = evaluatePolicy(agreement(J2), request({ usage: { month: 40 } }));
    assert.ok(decision.admitted);
    assert.deepEqual(decision.scope, { minAggregation: { region: 'district', industry: 'division', period: 'month' }, deidentification: 'none', crossBorder: false });
    assert.equal(decision.expiresAt, '2026-12-31T16:00:00.000Z');
    assert.deepEqual(decision.quotas, [{ period: 'month', periodKey: '2026-03', limit: 100, used: 40, remaining: 59, resetsAt: '2026-03-31T16:00:00.000Z' }]);
  });

  it('refuses with the code that names the problem', () => {
    const codes: Array<[Agreement, PolicyRequest, string, RegExp]> = [
      [agreement(J2, { state: 'AGREED' }), request(), 'NO_AGREEMENT', /still being negotiated \(state AGREED\)/],
      [agreement(J2, { state: 'TERMINATED' }), request(), 'NO_AGREEMENT', /was terminated/],
      [agreement(J2), request({ consumer: 'gd-stats' }), 'NO_AGREEMENT', /not gd-stats/],
      [agreement(J2), request({ dataProductId: 'other' }), 'NO_AGREEMENT', /covers data product electricity-economic-indices/],
      [agreement(J2), request({ time: '2027-01-01T00:00:00+08:00' }), 'AGREEMENT_EXPIRED', /expired at 2026-12-31T16:00:00.000Z/],
      [agreement(J2), request({ time: '2025-12-31T23:59:59+08:00' }), 'NO_AGREEMENT', /not in force before/],
      [agreement(J2), request({ purpose: 'marketing' }), 'PURPOSE_NOT_ALLOWED', /"marketing" is not allowed/],
      [agreement(J2), request({ jurisdiction: 'MO' }), 'JURISDICTION_NOT_ALLOWED', /covers release to CN-GD, not MO/],
      [agreement(J2), request({ aggregation: { region: 'customer', industry: 'division', period: 'month' } }), 'AGGREGATION_TOO_FINE', /region "customer"/],
      [agreement(J2), request({ usage: { month: 100 } }), 'QUOTA_EXCEEDED', /allows 100 releases per month; 100 used in 2026-03; the quota resets at 2026-03-31T16:00:00.000Z/],
    ];
    for (const [a, r, code, reason] of codes) {
      const decision = evaluatePolicy(a, r);
      assert.equal(decision.admitted, false);
      if (!decision.admitted) {
        assert.equal(decision.code, code, decision.reason);
        assert.match(decision.reason, reason);
      }
    }
  });

  it('applies spatial constraints, region scope, de-identification and use prohibitions', () => {
    const hkAgreement = agreement(
      [
        { leftOperand: 'spatial', operator: 'isAnyOf', rightOperand: ['HK'] },
        { leftOperand: 'region', operator: 'isAnyOf', rightOperand: ['440300', '810000'] },
        { leftOperand: 'deidentification', operator: 'gteq', rightOperand: 'aggregated' },
      ],
      { consumer: 'hk-partner', crossBorder: { providerJurisdiction: 'CN-GD', consumerJurisdiction: 'HK', personalInformation: false, transferMechanism: 'gba-standard-contract-hk', filingReference: 'F-1', onwardTransferScope: 'gba' } },
    );
    const hk = request({ consumer: 'hk-partner', jurisdiction: 'HK' });
    const admitted = evaluatePolicy(hkAgreement, hk);
    assert.ok(admitted.admitted);
    assert.deepEqual(admitted.scope.regions, ['440300', '810000']);
    assert.equal(admitted.scope.crossBorder, true);
    assert.equal(admitted.scope.deidentification, 'aggregated');
    const raw = evaluatePolicy(hkAgreement, { ...hk, deidentification: 'pseudonymized' });
    assert.equal(raw.admitted ? 'admitted' : raw.code, 'AGGREGATION_TOO_FINE');

    const excluded = agreement([{ leftOperand: 'spatial', operator: 'isNoneOf', rightOperand: ['CN-GD'] }]);
    const refused = evaluatePolicy(excluded, request());
    assert.equal(refused.admitted ? 'admitted' : refused.code, 'JURISDICTION_NOT_ALLOWED');

    const prohibited = agreement([], { policy: { target: 'electricity-economic-indices', permissions: [{ action: 'use', constraints: [] }], prohibitions: [{ action: 'use', constraints: [{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['credit-scoring'] }] }] } });
    assert.equal(evaluatePolicy(prohibited, request()).admitted, true);
    const credit = evaluatePolicy(prohibited, request({ purpose: 'credit-scoring' }));
    assert.equal(credit.admitted ? 'admitted' : credit.code, 'JURISDICTION_NOT_ALLOWED');
  });

  it('picks the admitting agreement among several, else the most telling refusal', () => {
    const narrow = agreement([{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['planning'] }], { id: 'narrow' });
    const wide = agreement(J2, { id: 'wide' });
    const chosen = evaluateAgreements([narrow, wide], request());
    assert.equal(chosen.admitted && chosen.agreementId, 'wide');
    const refused = evaluateAgreements([narrow, wide], request({ usage: { month: 100 } }));
    assert.equal(refused.admitted ? 'admitted' : refused.code, 'QUOTA_EXCEEDED');
    const none = evaluateAgreements([], request());
    assert.equal(none.admitted ? 'admitted' : none.code, 'NO_AGREEMENT');
  });
});

describe('agreement state machine', () => {
  it('covers every state and names the party of each transition', () => {
    const reached = new Set(AGREEMENT_TRANSITIONS.map((t) => t.to));
    for (const state of AGREEMENT_STATES) assert.ok(reached.has(state), state);
    assert.deepEqual(checkTransition('OFFERED', 'accept', 'consumer'), { allowed: true, transition: { from: 'OFFERED', action: 'accept', to: 'ACCEPTED', by: ['consumer'] } });
    const wrongParty = checkTransition('OFFERED', 'accept', 'provider');
    assert.equal(!wrongParty.allowed && wrongParty.code, 'FORBIDDEN');
    const wrongState = checkTransition('REQUESTED', 'verify', 'consumer');
    assert.equal(!wrongState.allowed && wrongState.code, 'CONFLICT');
    assert.match(!wrongState.allowed ? wrongState.reason : '', /possible: offer, agree, terminate/);
    assert.equal(checkTransition('TERMINATED', 'terminate', 'provider').allowed, false);
    assert.equal(checkTransition('FINALIZED', 'terminate', 'consumer').allowed, true);
  });
});

describe('periods and Merkle proofs', () => {
  it('cuts calendar periods in UTC+08:00', () => {
    assert.equal(periodKey('2026-03-31T16:30:00Z', 'month'), '2026-04');
    assert.equal(periodKey('2026-03-31T15:59:59Z', 'day'), '2026-03-31');
    assert.equal(periodKey('2026-05-01T00:00:00+08:00', 'quarter'), '2026-Q2');
    assert.equal(periodKey('2026-12-31T16:00:00Z', 'year'), '2027');
    assert.deepEqual(periodBounds('2026-02-10T00:00:00Z', 'quarter'), { start: '2025-12-31T16:00:00.000Z', end: '2026-03-31T16:00:00.000Z' });
  });

  it('proves every leaf of odd and even batches, and nothing else', () => {
    for (const size of [1, 2, 5, 8, 13]) {
      const leaves = Array.from({ length: size }, (_, i) => merkleLeafHash(`88.188.1001/TX2026-${i}`));
      const root = merkleRoot(leaves);
      leaves.forEach((leaf, i) => assert.ok(verifyMerkleProof(leaf, merkleProof(leaves, i), root), `${size}:${i}`));
      if (size > 1) assert.equal(verifyMerkleProof(leaves[0]!, merkleProof(leaves, 1), root), false);
    }
    assert.throws(() => merkleRoot([]), RangeError);
  });
});
