// The embedded ledger serves the Gridspace contracts' metadata as a peer does (the contract API's
// system contract), which Fabric tooling and clients use to discover transaction functions.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { EmbeddedLedger } from '../../src/index.js';
import { tempDir } from '../support/temp-dir.js';

it('answers org.hyperledger.fabric:GetMetadata with every Gridspace contract', async () => {
  const dir = tempDir('metadata');
  const ledger = await EmbeddedLedger.open({ dataDir: dir.path });
  try {
    const metadata = JSON.parse(await ledger.evaluate({ identity: 'agency', fn: 'org.hyperledger.fabric:GetMetadata' })) as {
      contracts: Record<string, { transactions: Array<{ name: string; tag: string[] }> }>;
    };
    assert.deepEqual(Object.keys(metadata.contracts).sort(),
      ['Agreements', 'Catalog', 'IdentifierAnchors', 'Organizations', 'Traceability', 'Usage', 'org.hyperledger.fabric']);
    const finalize = metadata.contracts.Agreements!.transactions.find((t) => t.name === 'Finalize');
    assert.ok(finalize?.tag.includes('SUBMIT'));
    const get = metadata.contracts.Agreements!.transactions.find((t) => t.name === 'Get');
    assert.ok(get?.tag.includes('EVALUATE'));
  } finally {
    await ledger.close();
    dir.remove();
  }
});
