// The `identifiers` federation v2 subgraph: queries, entity resolution by @key, and _service SDL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TRANSFORMER_TEMPLATE, call, startTestNode, transformerItems, type TestNode } from './helpers.js';

async function gql(url: string, query: string, variables: Record<string, unknown> = {}) {
  const answer = await call(`${url}/graphql`, { method: 'POST', body: { query, variables } });
  return answer.body as { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] };
}

describe('identifiers subgraph', () => {
  let t: TestNode;
  before(async () => {
    t = await startTestNode('sqlite');
    await call(`${t.url}/api/templates`, { method: 'POST', token: t.token['gd-grid'], body: TRANSFORMER_TEMPLATE });
    const created = await call(`${t.url}/api/batches`, { method: 'POST', token: t.token['tx-maker'], body: { template: 'power-transformer', identifiers: [1, 2, 3].map((n) => ({ handle: `88.188.1001/TX2026-00000${n}`, items: transformerItems(n) })) } });
    assert.equal(created.status, 201);
  });
  after(() => t.close());

  test('an identifier with its values, template fields and trace link', async () => {
    const result = await gql(t.url, `query ($h: String!) { identifier(handle: $h) { handle prefix traceUrl batchId
      values(types: ["ratedKva"]) { index type format value } template { id industrySection industryDivision } fields { name value required } } }`, { h: '88.188.1001/TX2026-000002' });
    assert.equal(result.errors, undefined);
    const id = result.data!.identifier as { handle: string; prefix: string; traceUrl: string; batchId: string; values: { index: number; value: string }[]; template: { id: string; industrySection: string }; fields: { name: string; value: string | null }[] };
    assert.equal(id.prefix, '88.188.1001');
    assert.deepEqual(id.values, [{ index: 11, type: 'ratedKva', format: 'string', value: String(transformerItems(2).ratedKva) }]);
    assert.deepEqual([id.template.id, id.template.industrySection], ['power-transformer', 'C']);
    assert.equal(id.fields.find((f) => f.name === 'model')!.value, transformerItems(2).model);
    assert.equal(id.fields.find((f) => f.name === 'coolingType')!.value, null);
    assert.match(id.traceUrl, /88\.188\.1001%2FTX2026-000002/);
    assert.ok(id.batchId);
    const missing = await gql(t.url, '{ identifier(handle: "88.188.1001/NOPE") { handle } }');
    assert.equal(missing.data!.identifier, null);
    const bad = await gql(t.url, '{ identifier(handle: "no-slash") { handle } }');
    assert.equal(bad.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
    assert.match(bad.errors![0]!.message, /prefix\/suffix/);
  });

  test('federation: entities by @key(fields: "handle") and the subgraph SDL', async () => {
    const entities = await gql(t.url, 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Identifier { handle fields { name value } } } }', {
      r: [{ __typename: 'Identifier', handle: '88.188.1001/TX2026-000001' }, { __typename: 'Identifier', handle: '88.188.1001/TX2026-000003' }],
    });
    assert.equal(entities.errors, undefined);
    assert.deepEqual((entities.data!._entities as { handle: string }[]).map((e) => e.handle), ['88.188.1001/TX2026-000001', '88.188.1001/TX2026-000003']);
    const sdl = await gql(t.url, '{ _service { sdl } }');
    assert.match((sdl.data!._service as { sdl: string }).sdl, /type Identifier\s+@key\(fields: "handle"\)/);
    // The key field's type must match the ledger's and the partners' Identifier (String!) to compose.
    assert.match((sdl.data!._service as { sdl: string }).sdl, /type Identifier\s+@key\(fields: "handle"\)\s*\{[^}]*?handle: String!/);
    const listed = await gql(t.url, '{ identifiers(prefix: "88.188.1001", first: 2) { handle } templates { id } enterprisePrefix(prefix: "88.188.1001") { ownerOrg } }');
    assert.deepEqual((listed.data!.identifiers as { handle: string }[]).map((i) => i.handle), ['88.188.1001/TX2026-000001', '88.188.1001/TX2026-000002']);
    assert.deepEqual(listed.data!.enterprisePrefix, { ownerOrg: 'tx-maker' });
  });
});
