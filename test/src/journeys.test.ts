// The five journeys of DESIGN.md, end to end over HTTP against the network `npm start` runs:
// real servers on free ports, a fresh data folder seeded as on a first start, real partner tokens.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { verify, VerificationError, type HandleValue } from '@gridspace/identity-resolver';
import { eventually, PURPOSE, startTestNetwork, transformerItems, type TestNetwork } from './support.js';

const execFileAsync = promisify(execFile);
/** The `gridspace` command as built (dist/src/main.js of @gridspace/cli). */
const gridspaceMain = createRequire(import.meta.url).resolve('@gridspace/cli').replace(/index\.js$/, 'main.js');

const INDICES = 'electricity-economic-indices';
const CELLS = 'totalCount cells { periodKind period regionLevel regionCode industryLevel industryCode suppressed suppressionReason consumptionKwh baseIndex momPct }';
const indicesQuery = (regionLevel: string, industryLevel: string) =>
  `{ electricityIndices(query: { periodKind: MONTH, regionLevels: [${regionLevel}], industryLevels: [${industryLevel}] }, first: 5000) { ${CELLS} } }`;

interface Cell {
  regionLevel: string;
  industryLevel: string;
  periodKind: string;
  suppressed: boolean;
  suppressionReason: string | null;
  consumptionKwh: number | null;
}

describe('journeys J1-J5 on the network as npm start runs it', () => {
  let net: TestNetwork;
  before(async () => {
    net = await startTestNetwork();
  });
  after(async () => net?.close());

  it('J1: a supplier registers a batch of identifiers and records commissioning; a stranger resolves and verifies one', async () => {
    const { urls } = net.network;
    const token = await net.token({ org: 'tx-maker', audience: 'resolver' });
    const identifiers = Array.from({ length: 2000 }, (_, i) => ({ handle: `88.188.1001/TX2026-${String(30001 + i).padStart(6, '0')}`, items: transformerItems(i) }));
    const registered = await fetch(`${urls.resolver}/api/batches`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ template: 'power-transformer', identifiers }) });
    const batch = (await registered.json()) as { batchId: string; count: number; merkleRoot: string };
    assert.equal(registered.status, 201, JSON.stringify(batch));
    assert.equal(batch.count, 2000);

    // One bad item refuses the whole batch, naming the item and the rule; nothing is written.
    const bad = [{ handle: '88.188.1001/TX2026-040001', items: transformerItems(1) }, { handle: '88.188.1001/TX2026-040002', items: { ...transformerItems(2), ratedKva: 'big' } }];
    const refused = await fetch(`${urls.resolver}/api/batches`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ identifiers: bad }) });
    const refusal = (await refused.json()) as { message: string; errors: Array<{ item: number; reason: string }> };
    assert.equal(refused.status, 400);
    assert.equal(refusal.errors[0]!.item, 1);
    assert.match(refusal.errors[0]!.reason, /ratedKva/);
    assert.equal((await fetch(`${urls.resolver}/api/handles/88.188.1001/TX2026-040001`)).status, 404);

    const handle = identifiers[0]!.handle;
    const commissioning = await net.graphql('tx-maker', 'mutation($e: JSON!) { recordTraceEvent(event: $e) { eventId txId } }', {
      e: { type: 'ObjectEvent', action: 'ADD', eventTime: new Date().toISOString(), eventTimeZoneOffset: '+08:00', epcList: [`info:hdl/${handle}`], bizStep: 'commissioning', disposition: 'active' },
    });
    assert.equal(commissioning.errors, undefined, JSON.stringify(commissioning.errors));

    // The stranger: no token, only the top-level node's published root key.
    const rootKey = ((await (await fetch(`${urls.topLevel}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, unknown>> }).keys[0]!;
    const answer = (await (await fetch(`${urls.resolver}/api/handles/${handle}?signed=true`)).json()) as { handle: string; values: HandleValue[] };
    const verified = await verify(answer, { rootKey });
    assert.equal(verified.handle, handle);
    assert.equal(verified.certifiedBy, '0.NA/88');
    const byType = Object.fromEntries(answer.values.map((v) => [v.type, v.data.value]));
    assert.equal(byType.model, transformerItems(0).model);
    assert.match(String(byType.TRACE), new RegExp(`trace\\(handle.*${encodeURIComponent(handle).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // A value altered on the way does not verify.
    const altered = { ...answer, values: answer.values.map((v) => (v.type === 'ratedKva' ? { ...v, data: { ...v.data, value: '9999' } } : v)) };
    await assert.rejects(verify(altered, { rootKey }), VerificationError);

    // The trace pointer leads to the commissioning event on the ledger.
    const trace = await net.graphql('gd-stats', 'query($h: String!) { trace(handle: $h) { events { bizStep recordedBy } } }', { h: handle });
    assert.deepEqual(trace.data?.trace.events, [{ bizStep: 'commissioning', recordedBy: 'tx-maker' }]);

    // The batch's Merkle root is anchored on the ledger by the prefix owner, and the proof leads to it.
    const proof = (await (await fetch(`${urls.resolver}/api/handles/${handle}/proof`)).json()) as { batchId: string; merkleRoot: string };
    assert.equal(proof.batchId, batch.batchId);
    const anchor = await eventually(async () => {
      const found = await net.graphql('gd-stats', 'query($p: String!, $b: ID!) { identifierAnchor(prefix: $p, batchId: $b) { merkleRoot count anchoredBy } }', { p: '88.188.1001', b: batch.batchId });
      return found.data?.identifierAnchor ?? undefined;
    });
    assert.deepEqual(anchor, { merkleRoot: batch.merkleRoot, count: 2000, anchoredBy: 'tx-maker' });

    // `gridspace id verify --proof`: the signature up to the root key, the Merkle path by the resolver's
    // verifyProof, and the same leaf and path by the ledger (IdentifierAnchors:Verify) against the anchor.
    const cli = await execFileAsync(process.execPath, [gridspaceMain, '--data-dir', net.dataDir, '--json', 'id', 'verify', handle, '--proof'], { encoding: 'utf8' });
    const checked = JSON.parse(cli.stdout) as { signature: string; proof: { batchId: string; path: string; ledger: string; matchesRegistered: boolean; anchoredOnLedger: { merkleRoot: string; anchoredBy: string } } };
    assert.equal(checked.signature, 'valid');
    assert.deepEqual([checked.proof.batchId, checked.proof.path, checked.proof.ledger, checked.proof.matchesRegistered], [batch.batchId, 'valid', 'valid', true]);
    assert.deepEqual([checked.proof.anchoredOnLedger.merkleRoot, checked.proof.anchoredOnLedger.anchoredBy], [batch.merkleRoot, 'tx-maker']);
    // The ledger refuses a leaf that is not in the batch.
    const fullProof = (await (await fetch(`${urls.resolver}/api/handles/${handle}/proof`)).json()) as { leaf: string; path: unknown[] };
    const forged = await net.graphql('gd-stats', 'query($p: String!, $b: ID!, $l: String!, $path: [MerkleProofStepInput!]!) { identifierProofCheck(prefix: $p, batchId: $b, leaf: $l, path: $path) { valid } }', { p: '88.188.1001', b: batch.batchId, l: '0'.repeat(64), path: fullProof.path });
    assert.deepEqual(forged.data?.identifierProofCheck, { valid: false });
  });

  it('J2: the statistics bureau negotiates an agreement on the ledger and pulls indices, suppressed cells flagged, receipts on the ledger', async () => {
    const id = 'agr-gd-stats-e2e';
    const proposal = {
      id,
      dataProductId: INDICES,
      policy: { target: INDICES, permissions: [{ action: 'use', constraints: [{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: [PURPOSE] }, { leftOperand: 'aggregationLevel', operator: 'gteq', rightOperand: { region: 'city', industry: 'division', period: 'month' } }, { leftOperand: 'count', operator: 'lteq', rightOperand: 10, period: 'month' }] }] },
      crossBorder: { providerJurisdiction: 'CN-GD', consumerJurisdiction: 'CN-GD', personalInformation: false, transferMechanism: 'exempt', onwardTransferScope: 'none' },
    };
    const before = await net.graphql('gd-stats', indicesQuery('CITY', 'DIVISION'), {}, PURPOSE);
    assert.equal(before.errors?.[0]?.extensions?.code, 'NO_AGREEMENT');

    const steps: Array<[string, string, Record<string, unknown>]> = [
      ['gd-stats', 'mutation($p: AgreementProposalInput!) { requestAgreement(proposal: $p) { state } }', { p: proposal }],
      ['gd-grid', 'mutation($p: AgreementProposalInput!) { offerAgreement(proposal: $p) { state } }', { p: proposal }],
      ['gd-stats', 'mutation($id: ID!) { acceptAgreement(id: $id) { state } }', { id }],
      ['gd-grid', 'mutation($id: ID!) { agreeAgreement(id: $id) { state } }', { id }],
      ['gd-stats', 'mutation($id: ID!) { verifyAgreement(id: $id) { state } }', { id }],
      ['gd-grid', 'mutation($id: ID!) { finalizeAgreement(id: $id) { state } }', { id }],
    ];
    const states = [];
    for (const [org, mutation, variables] of steps) {
      const step = await net.graphql(org, mutation, variables);
      assert.equal(step.errors, undefined, JSON.stringify(step.errors));
      states.push(Object.values(step.data!)[0].state);
    }
    assert.deepEqual(states, ['REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED', 'FINALIZED']);
    // The consumer cannot finalize for the provider.
    const wrongParty = await net.graphql('gd-stats', 'mutation($id: ID!) { terminateAgreement(id: $id, reason: "x") { state } }', { id: 'agr-gd-drc-indices' });
    assert.ok(wrongParty.errors?.length, 'a third party cannot terminate another org\'s agreement');

    const pulled = await net.graphql<{ electricityIndices: { totalCount: number; cells: Cell[] } }>('gd-stats', indicesQuery('CITY', 'DIVISION'), {}, PURPOSE);
    assert.equal(pulled.errors, undefined, JSON.stringify(pulled.errors));
    const cells = pulled.data!.electricityIndices.cells;
    assert.ok(cells.length > 0);
    const suppressed = cells.filter((c) => c.suppressed);
    const published = cells.filter((c) => !c.suppressed);
    assert.ok(suppressed.length > 0 && published.length > 0, `both suppressed (${suppressed.length}) and published (${published.length}) cells`);
    for (const cell of suppressed) {
      assert.equal(cell.consumptionKwh, null, 'a suppressed cell carries no value');
      assert.match(cell.suppressionReason ?? '', /contributors|dominance|secondary/);
    }
    for (const cell of published) assert.equal(typeof cell.consumptionKwh, 'number');
    for (const cell of cells) assert.deepEqual([cell.periodKind, cell.regionLevel, cell.industryLevel], ['MONTH', 'CITY', 'DIVISION']);

    // Finer than agreed (days) is refused.
    const days = await net.graphql('gd-stats', '{ electricityIndices(query: { periodKind: DAY }) { totalCount } }', {}, PURPOSE);
    assert.equal(days.errors?.[0]?.extensions?.code, 'AGGREGATION_TOO_FINE');

    await net.network.flushReceipts();
    const usage = await net.graphql<{ agreement: { usage: { count: number; receiptPage: { receipts: Array<{ rows: number; queryHash: string }>; nextCursor: string | null } } } }>('gd-stats', 'query($id: ID!) { agreement(id: $id) { usage(period: month) { count receiptPage { receipts { rows queryHash } nextCursor } } } }', { id });
    assert.equal(usage.errors, undefined, JSON.stringify(usage.errors));
    assert.equal(usage.data!.agreement.usage.count, 1, 'one release, one receipt (the refused pulls left none)');
    const { receipts, nextCursor } = usage.data!.agreement.usage.receiptPage;
    assert.equal(receipts[0]!.rows, cells.length);
    assert.match(receipts[0]!.queryHash, /^[0-9a-f]{64}$/);
    assert.equal(nextCursor, null);
  });

  it('J3: the Hong Kong partner gets only aggregated cross-border data; customer-level detail is refused with a reason', async () => {
    const tooFine = await net.graphql('hk-partner', indicesQuery('CITY', 'DIVISION'), {}, PURPOSE);
    assert.equal(tooFine.data ?? null, null);
    assert.equal(tooFine.errors?.[0]?.extensions?.code, 'AGGREGATION_TOO_FINE');
    assert.match(tooFine.errors![0]!.message, /province/);

    const allowed = await net.graphql<{ electricityIndices: { cells: Cell[] } }>('hk-partner', indicesQuery('PROVINCE', 'SECTION'), {}, PURPOSE);
    assert.equal(allowed.errors, undefined, JSON.stringify(allowed.errors));
    assert.ok(allowed.data!.electricityIndices.cells.length > 0);
    for (const cell of allowed.data!.electricityIndices.cells) assert.deepEqual([cell.regionLevel, cell.industryLevel], ['PROVINCE', 'SECTION']);
    // Without levels the grant narrows the answer to what the agreement allows.
    const unspecified = await net.graphql<{ electricityIndices: { cells: Cell[] } }>('hk-partner', `{ electricityIndices(query: { periodKind: MONTH }, first: 5000) { ${CELLS} } }`, {}, PURPOSE);
    for (const cell of unspecified.data!.electricityIndices.cells) assert.notEqual(cell.regionLevel, 'CITY');

    // Macau: the agreement is only offered, nothing flows.
    const macau = await net.graphql('mo-partner', indicesQuery('GBA', 'ALL'), {}, PURPOSE);
    assert.equal(macau.errors?.[0]?.extensions?.code, 'NO_AGREEMENT');
    // The Hong Kong partner's own subgraph is part of the network.
    const flows = await net.graphql<{ interconnectorFlows: Array<{ netImportMwh: number }> }>('gd-grid', '{ interconnectorFlows(from: "2026-07-01", to: "2026-07-03") { interconnectorId date netImportMwh } }');
    assert.equal(flows.errors, undefined, JSON.stringify(flows.errors));
    assert.equal(flows.data!.interconnectorFlows.length, 9);
  });

  it("J4: one query returns a transformer's identifier record, its trace and the supplier's datasheet", async () => {
    const handle = '88.188.1001/TX2026-000001';
    const response = await net.graphql<{ identifier: { handle: string; fields: Array<{ name: string; value: string }>; trace: { events: Array<{ bizStep: string }>; state: { custodian: string } }; datasheet: { model: string; ratedKva: number; manufacturer: string } } }>(
      'gd-grid',
      'query($h: String!) { identifier(handle: $h) { handle fields { name value } trace { events { bizStep } state { custodian } } datasheet { model ratedKva manufacturer } } }',
      { h: handle },
    );
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    const identifier = response.data!.identifier;
    const fields = Object.fromEntries(identifier.fields.map((f) => [f.name, f.value]));
    assert.deepEqual(identifier.trace.events.map((e) => e.bizStep), ['commissioning', 'shipping', 'receiving']);
    assert.equal(identifier.trace.state.custodian, 'gd-grid');
    assert.equal(identifier.datasheet.model, fields.model, 'the datasheet is of the model the record names');
    assert.equal(String(identifier.datasheet.ratedKva), fields.ratedKva);
    assert.equal(identifier.datasheet.manufacturer, 'Pearl River Transformer Works');
  });

  it('J5: a terminated agreement is refused at the next query', async () => {
    const id = 'agr-gd-drc-indices';
    const allowed = await net.graphql('gd-drc', indicesQuery('CITY', 'SECTION'), {}, PURPOSE);
    assert.equal(allowed.errors, undefined, JSON.stringify(allowed.errors));
    const terminated = await net.graphql('gd-grid', 'mutation($id: ID!) { terminateAgreement(id: $id, reason: "e2e: revoked by the provider") { state termination { kind by } } }', { id });
    assert.equal(terminated.errors, undefined, JSON.stringify(terminated.errors));
    assert.deepEqual(terminated.data!.terminateAgreement, { state: 'TERMINATED', termination: { kind: 'revoked', by: 'provider' } });
    // The gateway learns of the termination from the ledger's event within a second.
    const deadline = Date.now() + 1000;
    let refused;
    do {
      refused = await net.graphql('gd-drc', indicesQuery('CITY', 'SECTION'), {}, PURPOSE);
    } while (!refused.errors && Date.now() < deadline);
    assert.equal(refused.data ?? null, null);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'NO_AGREEMENT');
    assert.match(refused.errors![0]!.message, /terminated/);
  });
});
