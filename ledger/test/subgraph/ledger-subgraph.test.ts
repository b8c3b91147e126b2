// The ledger subgraph over real HTTP against a fresh embedded ledger: catalog, the whole
// negotiation as mutations (each as the caller org's ledger identity), agreements with history,
// usage, trace, entity resolution, and refusals.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEV_ORGS, EmbeddedLedger, registerDevOrganizations } from '../../src/index.js';
import { startLedgerSubgraph, type LedgerCaller, type RunningSubgraph } from '../../src/subgraph/index.js';
import { tempDir } from '../support/temp-dir.js';

// The gateway authenticates partners with JWTs; here the caller is named by a header, since this
// suite is about the subgraph, not authentication (the gateway's suite covers real tokens).
const CALLER_HEADER = 'x-test-caller';
async function callerFromHeader(request: Request): Promise<LedgerCaller | undefined> {
  const org = DEV_ORGS.find((o) => o.orgId === request.headers.get(CALLER_HEADER));
  return org && { orgId: org.orgId, mspId: org.mspId };
}

interface GraphQLResult {
  data?: Record<string, any> | null; // eslint-disable-line @typescript-eslint/no-explicit-any
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

describe('ledger subgraph', { timeout: 120_000 }, () => {
  const dir = tempDir('ledger-subgraph');
  let ledger: EmbeddedLedger;
  let subgraph: RunningSubgraph;
  const productId = 'indices-subgraph-test';

  const call = async (org: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult> => {
    const response = await fetch(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(org ? { [CALLER_HEADER]: org } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResult;
  };
  const ok = async (org: string, query: string, variables: Record<string, unknown> = {}) => {
    const result = await call(org, query, variables);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!;
  };

  before(async () => {
    ledger = await EmbeddedLedger.open({ dataDir: dir.path });
    await registerDevOrganizations(ledger);
    await ledger.submit({
      identity: 'operator',
      fn: 'Catalog:Publish',
      args: [
        JSON.stringify({
          id: productId,
          version: '1.0.0',
          title: 'Electricity economic indices',
          provider: 'gd-grid',
          graphqlCoordinates: ['Query.electricityIndices'],
          offers: [{ id: 'standard', policy: policy() }],
        }),
      ],
    });
    subgraph = await startLedgerSubgraph({ ledger, authenticate: callerFromHeader, port: 0 });
  });

  after(async () => {
    await subgraph?.close();
    await ledger?.close();
    dir.remove();
  });

  function policy() {
    return {
      target: productId,
      permissions: [
        {
          action: 'use',
          constraints: [
            { leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['macro-economic-monitoring'] },
            { leftOperand: 'count', operator: 'lteq', rightOperand: 10, period: 'month' },
          ],
        },
      ],
    };
  }
  const proposal = (id: string) => ({
    id,
    dataProductId: productId,
    policy: policy(),
    crossBorder: { providerJurisdiction: 'CN-GD', consumerJurisdiction: 'CN-GD', personalInformation: false, transferMechanism: 'exempt', onwardTransferScope: 'none' },
  });

  it('lists the catalog and the organizations', async () => {
    const data = await ok('gd-drc', '{ dataProducts { id provider status offers { id } } organizations { id mspId } }');
    assert.deepEqual(data.dataProducts, [{ id: productId, provider: 'gd-grid', status: 'published', offers: [{ id: 'standard' }] }]);
    assert.equal(data.organizations.length, DEV_ORGS.length);
  });

  it('negotiates an agreement to FINALIZED with each party acting as itself, and shows its history', async () => {
    const id = 'agr-subgraph-1';
    const proposalMutation = (name: string) => `mutation($p: AgreementProposalInput!) { ${name}(proposal: $p) { id state } }`;
    assert.equal((await ok('gd-drc', proposalMutation('requestAgreement'), { p: proposal(id) })).requestAgreement.state, 'REQUESTED');
    assert.equal((await ok('gd-grid', proposalMutation('offerAgreement'), { p: proposal(id) })).offerAgreement.state, 'OFFERED');
    for (const [org, mutation, state] of [
      ['gd-drc', 'acceptAgreement', 'ACCEPTED'],
      ['gd-grid', 'agreeAgreement', 'AGREED'],
      ['gd-drc', 'verifyAgreement', 'VERIFIED'],
      ['gd-grid', 'finalizeAgreement', 'FINALIZED'],
    ] as const) {
      const data = await ok(org, `mutation($id: ID!) { ${mutation}(id: $id) { state } }`, { id });
      assert.equal(data[mutation].state, state);
    }
    const data = await ok('gd-drc', 'query($id: ID!) { agreement(id: $id) { state provider consumer history { state action by } usage(period: month) { count limit remaining } } }', { id });
    assert.equal(data.agreement.state, 'FINALIZED');
    assert.deepEqual(
      data.agreement.history.map((h: { state: string; by: string }) => `${h.state}/${h.by}`),
      ['REQUESTED/consumer', 'OFFERED/provider', 'ACCEPTED/consumer', 'AGREED/provider', 'VERIFIED/consumer', 'FINALIZED/provider'],
    );
    assert.deepEqual(data.agreement.usage, { count: 0, limit: 10, remaining: 10 });
    const page = await ok('gd-drc', 'query($id: ID!) { agreement(id: $id) { usage(period: month) { receiptPage(first: 5) { receipts { id } nextCursor } } } }', { id });
    assert.deepEqual(page.agreement.usage.receiptPage, { receipts: [], nextCursor: null });

    const mine = await ok('gd-grid', '{ agreements(state: FINALIZED) { id consumer } }');
    assert.deepEqual(mine.agreements, [{ id, consumer: 'gd-drc' }]);
    // A third party sees neither the agreement nor that it exists.
    assert.equal((await ok('hk-partner', 'query($id: ID!) { agreement(id: $id) { id } }', { id })).agreement, null);
    assert.deepEqual((await ok('hk-partner', '{ agreements { id } }')).agreements, []);

    const terminated = await ok('gd-grid', 'mutation($id: ID!) { terminateAgreement(id: $id, reason: "audit finding") { state termination { kind reason by } } }', { id });
    assert.deepEqual(terminated.terminateAgreement, { state: 'TERMINATED', termination: { kind: 'revoked', reason: 'audit finding', by: 'provider' } });
  });

  it('refuses a transition by the wrong party with the ledger code', async () => {
    const id = 'agr-subgraph-2';
    await ok('gd-drc', 'mutation($p: AgreementProposalInput!) { requestAgreement(proposal: $p) { id } }', { p: proposal(id) });
    // Only the provider may agree to a request.
    const result = await call('gd-drc', 'mutation($id: ID!) { agreeAgreement(id: $id) { id } }', { id });
    assert.equal(result.errors?.[0]?.extensions?.code, 'FORBIDDEN', JSON.stringify(result.errors));
    const state = await ok('gd-drc', 'query($id: ID!) { agreement(id: $id) { state } }', { id });
    assert.equal(state.agreement.state, 'REQUESTED');
  });

  it('names the bad field of an invalid proposal', async () => {
    const bad = { ...proposal('agr-subgraph-3'), crossBorder: { providerJurisdiction: 'CN-GD', consumerJurisdiction: 'Guangdong' } };
    const result = await call('gd-drc', 'mutation($p: AgreementProposalInput!) { requestAgreement(proposal: $p) { id } }', { p: bad });
    assert.equal(result.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(result.errors![0]!.message, /proposal\.crossBorder/);
  });

  it('refuses an unauthenticated caller', async () => {
    const result = await call(undefined, '{ dataProducts { id } }');
    assert.equal(result.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  });

  it('resolves Identifier entities with their trace', async () => {
    const handle = '88.188.1001/TX2026-000001';
    const data = await ok(
      'gd-grid',
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Identifier { handle trace { events { eventId } state { id } } } } }',
      { r: [{ __typename: 'Identifier', handle }] },
    );
    assert.deepEqual(data._entities, [{ handle, trace: { events: [], state: null } }]);
    const sdl = await ok('gd-grid', '{ _service { sdl } }');
    assert.match(sdl._service.sdl, /type Identifier\s+@key\(fields: "handle"\)/);
  });

  it('serves the trace of an identifier: events, state and provenance', async () => {
    const handle = '88.188.1001/TX2026-000042';
    await ledger.submit({ identity: 'operator', fn: 'Organizations:AssignPrefix', args: ['88.188.1001', 'tx-maker'] });
    const event = { type: 'ObjectEvent', action: 'ADD', eventTime: new Date().toISOString(), eventTimeZoneOffset: '+08:00', epcList: [`info:hdl/${handle}`], bizStep: 'commissioning', disposition: 'active' };
    await ledger.submit({ identity: 'supplier', fn: 'Traceability:RecordEvent', args: [JSON.stringify(event)] });
    const data = await ok('gd-grid', 'query($h: String!) { trace(handle: $h) { events { type bizStep recordedBy objects } state { owner custodian commissioned } provenance(depth: 1) { root objects { id } } } }', { h: handle });
    assert.equal(data.trace.events.length, 1);
    assert.match(data.trace.events[0].bizStep, /commissioning/);
    assert.equal(data.trace.events[0].recordedBy, 'tx-maker');
    assert.deepEqual(data.trace.state, { owner: 'tx-maker', custodian: 'tx-maker', commissioned: true });
    assert.deepEqual(data.trace.provenance, { root: handle, objects: [{ id: handle }] });
  });
});
