// Configuration: environment defaults, partner orgs from a partner registry file (re-read when it
// changes), and no registry at all (the demo partners of @gridspace/partners in the data folder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevPartners, issueDevToken, PartnerRegistry } from '@gridspace/partners';
import { RESOLVER_AUDIENCE, resolveConfig, startResolverNode } from '../src/index.js';
import { call } from './helpers.js';

test('defaults: second-level on 8000 with prefix 88.188, top-level on 8001 with prefix 88, SQLite in the data folder', () => {
  const second = resolveConfig({ dataDir: '/tmp/x' });
  assert.deepEqual([second.mode, second.port, second.prefix, second.database], ['second-level', 8000, '88.188', { type: 'sqlite', path: '/tmp/x/resolver.sqlite' }]);
  assert.equal(second.audience, 'gridspace-resolver');
  const top = resolveConfig({ mode: 'top-level' });
  assert.deepEqual([top.port, top.prefix, top.seedDemo], [8001, '88', false]);
  process.env.GRIDSPACE_PARTNER_REGISTRY = '/etc/gridspace/partners.yaml';
  try {
    assert.equal(resolveConfig().registryFile, '/etc/gridspace/partners.yaml', 'the same variable as the gateway');
  } finally {
    delete process.env.GRIDSPACE_PARTNER_REGISTRY;
  }
});

/** Retries `check` until it is true (the node re-reads a changed registry file within about a second). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail('condition not reached in 10 s');
}

test('partners from a registry file, re-read when it changes; without one, the demo partners of the data folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'resolver-config-'));
  try {
    const dev = await ensureDevPartners(join(dir, 'keys'));
    const token = (org: string) => issueDevToken(dev, org, { audience: RESOLVER_AUDIENCE });
    const file = join(dir, 'registry.json');
    const writeRegistry = (orgIds: string[]) => writeFileSync(file, JSON.stringify({ orgs: dev.registry.orgs.filter((o) => orgIds.includes(o.id)) }));
    writeRegistry(['gd-grid', 'tx-maker']);
    const node = await startResolverNode({ port: 0, dataDir: join(dir, 'a'), registryFile: file, seedDemo: true, statsIntervalMs: 0, log: () => undefined });
    try {
      const put = await call(`${node.url}/api/handles/88.188.1001/CFG-1`, { method: 'PUT', token: await token('tx-maker'), body: { values: [{ index: 1, type: 'URL', data: 'https://cfg.example' }] } });
      assert.equal(put.status, 201);
      assert.equal((await call(`${node.url}/api/prefixes/88.188.1002`)).status, 404, 'cable-maker is not in the registry, so its prefix is not allocated');
      const unknown = await call(`${node.url}/api/handles/88.188.1001/CFG-2`, { method: 'PUT', token: await token('cable-maker'), body: { values: [{ index: 1, type: 'URL', data: 'https://cfg.example' }] } });
      assert.deepEqual([unknown.status, unknown.body.responseCode], [401, 402]);
      assert.match(unknown.body.message!, /not in the partner registry/);
      const operator = await token('gd-grid');
      const refused = await call(`${node.url}/api/prefixes`, { method: 'POST', token: operator, body: { prefix: '88.188.1002', ownerOrg: 'cable-maker' } });
      assert.equal(refused.status, 400);
      assert.match(refused.body.message!, /ownerOrg: "cable-maker" is not a known partner org/);

      // The operator adds cable-maker to the registry file: the running node learns it.
      writeRegistry(['gd-grid', 'tx-maker', 'cable-maker']);
      await eventually(async () => (await call(`${node.url}/api/prefixes`, { method: 'POST', token: operator, body: { prefix: '88.188.1002', ownerOrg: 'cable-maker' } })).status === 201);
      const cable = await call(`${node.url}/api/handles/88.188.1002/CABLE-1`, { method: 'PUT', token: await token('cable-maker'), body: { values: [{ index: 1, type: 'URL', data: 'https://cable.example' }] } });
      assert.equal(cable.status, 201);
    } finally {
      await node.close();
    }

    const demo = await startResolverNode({ port: 0, dataDir: join(dir, 'b'), seedDemo: true, statsIntervalMs: 0, log: () => undefined });
    try {
      const registryPath = join(dir, 'b', 'partners', 'registry.json');
      const partners = { registryPath, registry: PartnerRegistry.load(registryPath), keysDir: join(dir, 'b', 'partners', 'keys') };
      assert.deepEqual(demo.registry().orgs.map((o) => o.id), partners.registry.orgs.map((o) => o.id));
      const put = await call(`${demo.url}/api/handles/88.188.1002/CABLE-1`, { method: 'PUT', token: await issueDevToken(partners, 'cable-maker', { audience: RESOLVER_AUDIENCE }), body: { values: [{ index: 1, type: 'URL', data: 'https://cable.example' }] } });
      assert.equal(put.status, 201, 'the demo registry allocates 88.188.1002 to cable-maker');
    } finally {
      await demo.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
