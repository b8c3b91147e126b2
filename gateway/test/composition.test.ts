// Composition: partner subgraphs from the registry join the supergraph; one that does not compose
// is left out and reported, one that is down is reported, and neither takes the gateway down; a
// changed subgraph schema is picked up by recomposition.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { compose, silentLogger, startGateway } from '../src/index.js';
import { negotiate, policy } from './support/agreements.js';
import { INDICES } from './support/indices-subgraph.js';
import { startPartnerSubgraph, type RunningPartnerSubgraph } from './support/partner-subgraph.js';
import { startTestNetwork, type TestNetwork } from './support/network.js';

const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])';

const datasheetV1 = `${FEDERATION}
  type Identifier @key(fields: "handle") { handle: String! datasheet: Datasheet }
  type Datasheet { model: String! ratedKva: Int! }`;
const datasheetV2 = `${FEDERATION}
  type Identifier @key(fields: "handle") { handle: String! datasheet: Datasheet }
  type Datasheet { model: String! ratedKva: Int! coolingClass: String! }`;
const datasheetResolvers = (extra: Record<string, unknown> = {}) => ({
  Identifier: {
    __resolveReference: (ref: { handle: string }) => ({ handle: ref.handle }),
    datasheet: (identifier: { handle: string }) => ({ model: `TX-${identifier.handle.split('/')[1]}`, ratedKva: 630, ...extra }),
  },
});

// Conflicts with the energy subgraph: IndexCell.period is String! there.
const conflicting = `${FEDERATION}
  type IndexCell { period: Int }
  type Query { hkFlows: [Int!]! }`;

interface Status {
  subgraphs: Array<{ name: string; state: string; reason?: string; hash?: string }>;
}

describe('composition', { timeout: 120_000 }, () => {
  let net: TestNetwork;
  let datasheet: RunningPartnerSubgraph;
  let broken: RunningPartnerSubgraph;

  before(async () => {
    datasheet = await startPartnerSubgraph(datasheetV1, datasheetResolvers());
    broken = await startPartnerSubgraph(conflicting, { Query: { hkFlows: () => [1] } });
    net = await startTestNetwork(
      { recomposeIntervalMs: 100 },
      { partnerSubgraphs: { 'tx-maker': datasheet.url, 'hk-partner': broken.url, 'mo-partner': 'http://127.0.0.1:9/graphql' } },
    );
  });
  after(async () => {
    await net?.close();
    await datasheet?.close();
    await broken?.close();
  });

  const status = async () => (await (await fetch(`${net.gateway.origin}/status`)).json()) as Status;

  it('composes partner subgraphs, leaving out and reporting those that fail', async () => {
    const { subgraphs } = await status();
    const byName = Object.fromEntries(subgraphs.map((s) => [s.name, s]));
    assert.equal(byName.ledger?.state, 'composed');
    assert.equal(byName.energy?.state, 'composed');
    assert.equal(byName['tx-maker']?.state, 'composed');
    assert.equal(byName['hk-partner']?.state, 'left-out');
    assert.match(byName['hk-partner']!.reason!, /IndexCell\.period/);
    assert.equal(byName['mo-partner']?.state, 'unreachable');

    // One query across the ledger (trace) and the supplier's subgraph (datasheet).
    const handle = '88.188.1001/TX2026-000001';
    const response = await net.query('gd-grid', 'query($h: String!) { tracedIdentifier(handle: $h) { handle trace { events { eventId } } datasheet { model ratedKva } } }', { variables: { h: handle } });
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    assert.deepEqual(response.data, { tracedIdentifier: { handle, trace: { events: [] }, datasheet: { model: 'TX-TX2026-000001', ratedKva: 630 } } });
    // Partner-run subgraphs never see callers' tokens (they could replay them); the network's own do.
    const queried = datasheet.requests.filter((headers) => headers['x-request-id']);
    assert.ok(queried.length > 0);
    assert.ok(queried.every((headers) => headers.authorization === undefined), 'a partner subgraph received a caller token');
    const hk = await net.query('gd-grid', '{ hkFlows }');
    assert.match(hk.errors?.[0]?.message ?? '', /Cannot query field "hkFlows"/);
  });

  it('recomposes when a subgraph changes its schema', async () => {
    const before = (await status()).subgraphs.find((s) => s.name === 'tx-maker')!.hash;
    datasheet.setSchema(datasheetV2, datasheetResolvers({ coolingClass: 'ONAN' }));
    let after = before;
    for (let i = 0; i < 100 && after === before; i++) {
      await sleep(50);
      after = (await status()).subgraphs.find((s) => s.name === 'tx-maker')!.hash;
    }
    assert.notEqual(after, before, 'the gateway noticed the new schema');
    const response = await net.query('gd-grid', '{ tracedIdentifier(handle: "88.188.1001/TX1") { datasheet { coolingClass } } }');
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    assert.deepEqual(response.data, { tracedIdentifier: { datasheet: { coolingClass: 'ONAN' } } });
  });

  it('serves a ready supergraph SDL, enforcing the data products marked in it', async () => {
    const { supergraphSdl } = await compose([
      { name: 'ledger', url: net.ledgerSubgraphUrl },
      { name: 'energy', url: net.indices.url },
    ]);
    const gateway = await startGateway({ port: 0, ledger: net.ledger, registry: net.partners.registry, subgraphs: [], supergraphSdl, grantKeyFile: net.grantKeyFile, rateLimit: false, logger: silentLogger });
    try {
      const call = async (org: string, purpose?: string) => {
        const response = await fetch(gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${await net.token(org)}`, ...(purpose ? { 'x-gridspace-purpose': purpose } : {}) },
          body: JSON.stringify({ query: '{ electricityIndices(query: { periodKind: MONTH, regionLevels: [CITY] }) { regionLevel } }' }),
        });
        return (await response.json()) as { data?: { electricityIndices: unknown[] } | null; errors?: Array<{ extensions?: { code?: string } }> };
      };
      assert.equal((await call('gd-drc', 'macro-economic-monitoring')).errors?.[0]?.extensions?.code, 'NO_AGREEMENT');
      await negotiate(net.ledger, { consumer: 'gd-drc', dataProductId: INDICES, policy: policy(INDICES) });
      const allowed = await call('gd-drc', 'macro-economic-monitoring');
      assert.equal(allowed.errors, undefined, JSON.stringify(allowed.errors));
      assert.equal(allowed.data?.electricityIndices.length, 2, 'the grant reached the subgraph');
    } finally {
      await gateway.close();
    }
  });
});
