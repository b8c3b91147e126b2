// Validators report the first broken rule as `INVALID_ARGUMENT: <field path>: <rule>`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertPolicy,
  canonicalJson,
  fieldPath,
  InvalidArgumentError,
  validateAgreementProposal,
  validateCrossBorderTerms,
  validateDataProduct,
  validateGrantClaims,
  validateGrantHeader,
  validateIdentifierAnchor,
  validateOrganization,
  validatePolicy,
  validateUsageReceiptBatch,
  type Policy,
} from '../src/index.js';

const policy = (constraints: unknown[], extra: Record<string, unknown> = {}) => ({ target: 'electricity-economic-indices', permissions: [{ action: 'use', constraints }], ...extra });
const message = (result: { ok: boolean; error?: InvalidArgumentError }) => (result.ok ? 'ok' : result.error!.message);

describe('policy validation', () => {
  it('accepts every constraint kind, prohibitions and duties', () => {
    const full = policy(
      [
        { leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['macro-economic-monitoring'] },
        { leftOperand: 'dateTime', operator: 'gteq', rightOperand: '2026-01-01T00:00:00+08:00' },
        { leftOperand: 'dateTime', operator: 'lt', rightOperand: '2027-01-01T00:00:00+08:00' },
        { leftOperand: 'spatial', operator: 'isAnyOf', rightOperand: ['CN-GD', 'HK'] },
        { leftOperand: 'region', operator: 'isAnyOf', rightOperand: ['440300'] },
        { leftOperand: 'count', operator: 'lteq', rightOperand: 100, period: 'month' },
        { leftOperand: 'count', operator: 'lteq', rightOperand: 10, period: 'day' },
        { leftOperand: 'aggregationLevel', operator: 'gteq', rightOperand: { region: 'district', industry: 'division', period: 'month' } },
        { leftOperand: 'deidentification', operator: 'gteq', rightOperand: 'aggregated' },
      ],
      {
        prohibitions: [{ action: 'transfer', constraints: [{ leftOperand: 'spatial', operator: 'isNoneOf', rightOperand: ['CN-GD', 'HK', 'MO'] }] }],
        obligations: [{ action: 'attribute', note: 'cite Guangdong Power Grid' }],
      },
    );
    assert.equal(message(validatePolicy(full)), 'ok');
    assert.equal(assertPolicy(full).permissions[0]!.constraints.length, 9);
  });

  it('names the field and the rule', () => {
    const cases: Array<[unknown, string]> = [
      [policy([{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['a'] }, { leftOperand: 'dateTime', operator: 'lt', rightOperand: 'soon' }]), 'INVALID_ARGUMENT: policy.permissions[0].constraints[1].rightOperand: must be a date-time'],
      [policy([{ leftOperand: 'colour', operator: 'eq', rightOperand: 'red' }]), 'INVALID_ARGUMENT: policy.permissions[0].constraints[0].leftOperand: must be one of: purpose, dateTime, spatial, region, count, aggregationLevel, deidentification'],
      [policy([{ operator: 'eq' }]), 'INVALID_ARGUMENT: policy.permissions[0].constraints[0].leftOperand: is required'],
      [policy([{ leftOperand: 'count', operator: 'lteq', rightOperand: 5 }]), 'INVALID_ARGUMENT: policy.permissions[0].constraints[0].period: is required'],
      [policy([{ leftOperand: 'count', operator: 'lteq', rightOperand: 0, period: 'month' }]), 'INVALID_ARGUMENT: policy.permissions[0].constraints[0].rightOperand: must be >= 1'],
      [policy([{ leftOperand: 'aggregationLevel', operator: 'gteq', rightOperand: { region: 'street', industry: 'all', period: 'year' } }]), 'INVALID_ARGUMENT: policy.permissions[0].constraints[0].rightOperand.region: must be one of: customer, district, city, province, gba'],
      [policy([{ leftOperand: 'spatial', operator: 'isAnyOf', rightOperand: ['Hong Kong'] }]), 'INVALID_ARGUMENT: policy.permissions[0].constraints[0].rightOperand[0]: must be an ISO 3166 code such as CN-GD, HK or MO'],
      [policy([{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: [] }]), 'INVALID_ARGUMENT: policy.permissions[0].constraints[0].rightOperand: must have at least 1 item'],
      [{ ...policy([]), extra: true }, 'INVALID_ARGUMENT: policy.extra: is not an allowed field'],
      [{ target: 'x', permissions: [] }, 'INVALID_ARGUMENT: policy.permissions: must have at least 1 item'],
      [policy([{ leftOperand: 'dateTime', operator: 'gteq', rightOperand: '2026-06-01T00:00:00Z' }, { leftOperand: 'dateTime', operator: 'lt', rightOperand: '2026-01-01T00:00:00Z' }]), 'INVALID_ARGUMENT: policy.permissions[0].constraints[1].rightOperand: must be later than the start of the validity window'],
      [policy([{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['a'] }, { leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['b'] }]), 'INVALID_ARGUMENT: policy.permissions[0].constraints[1].leftOperand: duplicates constraints[0] (one purpose constraint per permission)'],
    ];
    for (const [input, expected] of cases) assert.equal(message(validatePolicy(input)), expected);
    assert.throws(() => assertPolicy({ target: 'x' }), (error: unknown) => error instanceof InvalidArgumentError && error.field === 'policy.permissions' && error.rule === 'is required');
  });
});

describe('other payload validators', () => {
  it('validate organizations', () => {
    const ok = { id: 'gd-grid', name: 'Guangdong Power Grid', mspId: 'GridOperatorMSP', type: 'grid-operator', jurisdiction: 'CN-GD' };
    assert.equal(message(validateOrganization(ok)), 'ok');
    assert.equal(message(validateOrganization({ ...ok, id: 'GD Grid' })), 'INVALID_ARGUMENT: organization.id: must be an org id of lower-case letters, digits and - (e.g. gd-grid)');
    assert.equal(message(validateOrganization({ ...ok, mspId: undefined })), 'INVALID_ARGUMENT: organization.mspId: is required');
  });

  it('validate data products and their offers', () => {
    const product = { id: 'eei', version: '1.0.0', title: 'Indices', provider: 'gd-grid', graphqlCoordinates: ['Query.electricityIndices'], offers: [{ id: 'o1', policy: policy([]) }] };
    assert.equal(message(validateDataProduct(product)), 'INVALID_ARGUMENT: dataProduct.offers[0].policy.target: must be the data product\'s id (eei)');
    const fixed = { ...product, offers: [{ id: 'o1', policy: { ...policy([]), target: 'eei' } }] };
    assert.equal(message(validateDataProduct(fixed)), 'ok');
    assert.equal(message(validateDataProduct({ ...fixed, version: 'v1' })), 'INVALID_ARGUMENT: dataProduct.version: must be a semantic version such as 1.0.0');
    assert.equal(message(validateDataProduct({ ...fixed, offers: [fixed.offers[0], fixed.offers[0]] })), 'INVALID_ARGUMENT: dataProduct.offers[1].id: must be unique within the data product');
  });

  it('validate cross-border terms', () => {
    const hk = { providerJurisdiction: 'CN-GD', consumerJurisdiction: 'HK', personalInformation: true, transferMechanism: 'gba-standard-contract-hk', filingReference: 'GD-HK-1', onwardTransferScope: 'gba' };
    assert.equal(message(validateCrossBorderTerms(hk)), 'ok');
    assert.equal(message(validateCrossBorderTerms({ ...hk, filingReference: undefined })), 'INVALID_ARGUMENT: crossBorder.filingReference: is required for the transfer mechanism gba-standard-contract-hk');
    assert.equal(message(validateCrossBorderTerms({ ...hk, transferMechanism: 'exempt', filingReference: undefined })), 'INVALID_ARGUMENT: crossBorder.transferMechanism: a cross-border transfer of personal information needs a mechanism other than exempt');
    assert.equal(message(validateCrossBorderTerms({ ...hk, transferMechanism: 'gba-standard-contract-mo' })), 'INVALID_ARGUMENT: crossBorder.transferMechanism: the GBA standard contract (Macao) covers only transfers between CN-GD and MO');
    assert.equal(message(validateCrossBorderTerms({ ...hk, onwardTransferScope: 'world' })), 'INVALID_ARGUMENT: crossBorder.onwardTransferScope: must be one of: none, consumer-jurisdiction, gba, unrestricted');
  });

  it('validate agreement proposals, receipts, anchors and grants', () => {
    const proposal = { id: 'a1', dataProductId: 'eei', policy: { ...policy([]), target: 'eei' }, crossBorder: { providerJurisdiction: 'CN-GD', consumerJurisdiction: 'CN-GD', personalInformation: false, transferMechanism: 'exempt', onwardTransferScope: 'none' } };
    assert.equal(message(validateAgreementProposal(proposal)), 'ok');
    assert.equal(message(validateAgreementProposal({ ...proposal, crossBorder: { ...proposal.crossBorder, personalInformation: 'no' } })), 'INVALID_ARGUMENT: proposal.crossBorder.personalInformation: must be a boolean');

    const r = { id: 'r1', agreementId: 'a1', dataProductId: 'eei', queryHash: 'a'.repeat(64), rows: 3, releasedAt: '2026-03-01T10:00:00+08:00' };
    assert.equal(message(validateUsageReceiptBatch([r])), 'ok');
    assert.equal(message(validateUsageReceiptBatch([r, { ...r, rows: -1 }])), 'INVALID_ARGUMENT: receipts[1].rows: must be >= 0');
    assert.equal(message(validateUsageReceiptBatch([])), 'INVALID_ARGUMENT: receipts: must have at least 1 item');

    assert.equal(message(validateIdentifierAnchor({ prefix: '88.188.1001', batchId: 'b1', merkleRoot: 'f'.repeat(64), count: 2001 })), 'INVALID_ARGUMENT: anchor.count: must be <= 2000');

    const claims = {
      iss: 'gridspace-gateway', aud: 'electricity-economic-indices', sub: 'gd-drc', iat: 1_800_000_000, exp: 1_800_000_060, jti: 'j1', agreement: 'a1', provider: 'gd-grid', purpose: 'macro-economic-monitoring',
      scope: { regions: ['440300'], minAggregation: { region: 'district', industry: 'division', period: 'month' }, deidentification: 'aggregated', crossBorder: false },
    };
    assert.equal(message(validateGrantClaims(claims)), 'ok');
    assert.equal(message(validateGrantClaims({ ...claims, exp: claims.iat })), 'INVALID_ARGUMENT: grant.exp: must be later than iat');
    assert.equal(message(validateGrantClaims({ ...claims, scope: { ...claims.scope, minAggregation: { region: 'district', industry: 'division' } } })), 'INVALID_ARGUMENT: grant.scope.minAggregation.period: is required');
    assert.equal(message(validateGrantHeader({ alg: 'ES256', typ: 'gridspace-grant+jwt', kid: 'k1' })), 'ok');
    assert.equal(message(validateGrantHeader({ alg: 'HS256', typ: 'gridspace-grant+jwt', kid: 'k1' })), 'INVALID_ARGUMENT: grantHeader.alg: must be "ES256"');
  });

  it('formats paths and canonical JSON deterministically', () => {
    assert.equal(fieldPath('policy', '/permissions/0/constraints/1'), 'policy.permissions[0].constraints[1]');
    assert.equal(fieldPath('event', '/ilmd/ex:weird key'), 'event.ilmd["ex:weird key"]');
    assert.equal(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[{"y":2,"z":1}]},"b":1}');
    const p: Policy = { target: 't', permissions: [{ action: 'use', constraints: [] }] };
    assert.equal(canonicalJson(p), canonicalJson(JSON.parse(JSON.stringify({ permissions: p.permissions, target: 't' }))));
  });
});
