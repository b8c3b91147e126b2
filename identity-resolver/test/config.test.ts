// Configuration: partner orgs and keys from a JSON file, environment defaults, and no partners at all
// (dev keys of the demo orgs made in the data folder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePartnerKeys, partnerToken, resolveConfig, startResolverNode } from '../src/index.js';
import { call } from './helpers.js';

test('defaults: second-level on 8000 with prefix 88.188, top-level on 8001 with prefix 88, SQLite in the data folder', () => {
  const second = resolveConfig({ dataDir: '/tmp/x' });
  assert.deepEqual([second.mode, second.port, second.prefix, second.database], ['second-level', 8000, '88.188', { type: 'sqlite', path: '/tmp/x/resolver.sqlite' }]);
  const top = resolveConfig({ mode: 'top-level' });
  assert.deepEqual([top.port, top.prefix, top.seedDemo], [8001, '88', false]);
});

test('partners from a JSON file; without one, dev keys for the demo orgs are made in the data folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'resolver-config-'));
  try {
    const keys = await generatePartnerKeys(['gd-grid', 'tx-maker']);
    const file = join(dir, 'partners.json');
    writeFileSync(file, JSON.stringify({ orgs: keys.partners }));
    const node = await startResolverNode({ port: 0, dataDir: join(dir, 'a'), partnersFile: file, seedDemo: true, statsIntervalMs: 0, log: () => undefined });
    try {
      const token = await partnerToken('tx-maker', keys.privateJwks['tx-maker']!);
      const put = await call(`${node.url}/api/handles/88.188.1001/CFG-1`, { method: 'PUT', token, body: { values: [{ index: 1, type: 'URL', data: 'https://cfg.example' }] } });
      assert.equal(put.status, 201);
      assert.equal((await call(`${node.url}/api/prefixes/88.188.1002`)).status, 404, 'cable-maker is not configured, so its demo prefix is not allocated');
    } finally {
      await node.close();
    }
    const dev = await startResolverNode({ port: 0, dataDir: join(dir, 'b'), seedDemo: true, statsIntervalMs: 0, log: () => undefined });
    try {
      const devKeys = JSON.parse(readFileSync(join(dir, 'b', 'dev-partner-keys.json'), 'utf8')) as { privateJwks: Record<string, never> };
      assert.deepEqual(Object.keys(devKeys.privateJwks).sort(), ['cable-maker', 'gd-grid', 'tx-maker']);
      const token = await partnerToken('cable-maker', devKeys.privateJwks['cable-maker']!);
      const put = await call(`${dev.url}/api/handles/88.188.1002/CABLE-1`, { method: 'PUT', token, body: { values: [{ index: 1, type: 'URL', data: 'https://cable.example' }] } });
      assert.equal(put.status, 201);
    } finally {
      await dev.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
