// Configuration from the environment: defaults, and bad values named with the rule they broke.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Ledger } from '@gridspace/ledger';
import { ensureDevPartners } from '@gridspace/partners';
import { gatewayConfigFromEnv } from '../src/index.js';

// Configuration only stores the ledger; nothing here calls it.
const ledger = {} as Ledger;

describe('gatewayConfigFromEnv', () => {
  it('fills defaults and reads the registry file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridspace-gateway-env-'));
    try {
      const { registryPath } = await ensureDevPartners(dir);
      const config = gatewayConfigFromEnv(ledger, { GRIDSPACE_PARTNER_REGISTRY: registryPath, GRIDSPACE_GATEWAY_RATE_PER_SECOND: '0' });
      assert.equal(config.port, 4000);
      assert.equal(config.host, '127.0.0.1');
      assert.deepEqual(config.subgraphs.map((s) => s.name), ['ledger', 'energy', 'identifiers']);
      assert.equal(config.enforcement, true);
      assert.equal(config.rateLimit, false);
      assert.equal(typeof config.registry === 'function' ? config.registry().org('gd-drc')?.mspId : undefined, 'ProvincialDrcMSP');
      assert.equal(config.receipts, undefined, 'no receipt journal unless one is named');
      const journaled = gatewayConfigFromEnv(ledger, { GRIDSPACE_PARTNER_REGISTRY: registryPath, GRIDSPACE_GATEWAY_RECEIPT_JOURNAL: join(dir, 'receipts.journal') });
      assert.deepEqual(journaled.receipts, { journalFile: join(dir, 'receipts.journal') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the variable and the rule of a bad value', () => {
    const base = { GRIDSPACE_PARTNER_REGISTRY: '/nonexistent' };
    assert.throws(() => gatewayConfigFromEnv(ledger, {}), /GRIDSPACE_PARTNER_REGISTRY: is required/);
    assert.throws(() => gatewayConfigFromEnv(ledger, { ...base, GRIDSPACE_SUBGRAPHS: 'ledger' }), /GRIDSPACE_SUBGRAPHS: each entry must be name=http/);
    assert.throws(() => gatewayConfigFromEnv(ledger, { ...base, GRIDSPACE_GATEWAY_PORT: 'x' }), /GRIDSPACE_GATEWAY_PORT: must be an integer/);
    assert.throws(() => gatewayConfigFromEnv(ledger, { ...base, GRIDSPACE_GATEWAY_ENFORCEMENT: 'maybe' }), /GRIDSPACE_GATEWAY_ENFORCEMENT: must be on or off/);
  });
});
