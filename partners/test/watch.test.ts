// A watched registry file follows edits, and a broken edit keeps the last good registry.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { ensureDevPartners, watchRegistryFile } from '../src/index.js';

it('re-reads the registry file when it changes, keeping the last good one on a broken edit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gridspace-watch-'));
  try {
    const { registryPath } = await ensureDevPartners(dir);
    const log: string[] = [];
    const registry = watchRegistryFile(registryPath, { checkEveryMs: 0, log: (message) => log.push(message) });
    assert.ok(registry().org('hk-partner'));

    const file = JSON.parse(readFileSync(registryPath, 'utf8')) as { orgs: Array<{ id: string; name: string }> };
    file.orgs.find((o) => o.id === 'hk-partner')!.name = 'HK Interconnect (renamed)';
    writeFileSync(registryPath, JSON.stringify(file));
    utimesSync(registryPath, new Date(), new Date(Date.now() + 5_000));
    assert.equal(registry().org('hk-partner')?.name, 'HK Interconnect (renamed)');
    assert.match(log.at(-1)!, /reloaded \(7 orgs\)/);

    writeFileSync(registryPath, '{"orgs": [');
    utimesSync(registryPath, new Date(), new Date(Date.now() + 10_000));
    assert.equal(registry().org('hk-partner')?.name, 'HK Interconnect (renamed)');
    assert.match(log.at(-1)!, /not reloaded, keeping the last good one/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
