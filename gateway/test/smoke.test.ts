import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestNetwork, type TestNetwork } from './support/network.js';

describe('gateway smoke', () => {
  let net: TestNetwork;
  before(async () => {
    net = await startTestNetwork();
  });
  after(async () => net?.close());

  it('serves the ledger subgraph and refuses a product without agreement', async () => {
    const catalog = await net.query('gd-drc', '{ dataProducts { id provider } }');
    assert.equal(catalog.errors, undefined, JSON.stringify(catalog.errors));
    assert.equal(catalog.data!.dataProducts.length, 2);
    const refused = await net.query('gd-drc', '{ electricityIndices(query: { periodKind: MONTH }) { period } }', { purpose: 'macro-economic-monitoring' });
    assert.equal(refused.errors?.[0]?.extensions?.code, 'NO_AGREEMENT');
    const own = await net.query('gd-grid', '{ electricityIndices(query: { periodKind: MONTH }) { period regionLevel } }');
    assert.equal(own.errors, undefined);
  });
});
