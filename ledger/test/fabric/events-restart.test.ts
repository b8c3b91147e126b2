// A chaincode event listener that stops mid-stream and starts again on its checkpoint file sees
// every event exactly once.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileCheckpoint } from '../../src/fabric/index.js';
import type { ChaincodeEvent } from '../../src/index.js';
import { tempDir } from '../support/temp-dir.js';
import { ensureOperator, onFabric, openFabricLedger, registeredOrgId, registerOrg, uniqueOrg } from './support.js';

if (onFabric) {
  test('an event listener restarted mid-stream misses and repeats nothing', { timeout: 180_000 }, async () => {
    const ledger = openFabricLedger();
    const dir = tempDir('fabric-events');
    try {
      await ensureOperator(ledger);
      const fromBlock = await ledger.height();
      const orgs = Array.from({ length: 12 }, () => uniqueOrg('events'));
      // Three waves, so that the events span several blocks.
      for (const wave of [orgs.slice(0, 4), orgs.slice(4, 8), orgs.slice(8)]) {
        await Promise.all(wave.map((org) => registerOrg(ledger, org)));
      }
      const ours = new Set(orgs.map((org) => org.id));
      const checkpointFile = join(dir.path, 'checkpoint.json');
      const delivered: ChaincodeEvent[] = [];
      const take = (event: ChaincodeEvent) => {
        const id = registeredOrgId(event);
        if (id && ours.has(id)) delivered.push(event);
      };

      // First listener: processes five of our events, then stops (as a process would on restart).
      const first = openFabricLedger();
      for await (const event of first.events({ fromBlock, checkpoint: await fileCheckpoint(checkpointFile) })) {
        take(event);
        if (delivered.length === 5) break;
      }
      await first.close();
      assert.equal(delivered.length, 5);

      // Second listener: a new client with a checkpointer read back from the same file.
      const second = openFabricLedger();
      for await (const event of second.events({ fromBlock, checkpoint: await fileCheckpoint(checkpointFile) })) {
        take(event);
        if (delivered.length >= orgs.length) break;
      }
      await second.close();

      const ids = delivered.map((event) => registeredOrgId(event)!);
      assert.deepEqual([...ids].sort(), [...ours].sort(), 'every event once: none missed, none repeated');
      const positions = delivered.map((event) => event.blockNumber);
      assert.deepEqual(positions, [...positions].sort((a, b) => a - b), 'events in block order');
    } finally {
      await ledger.close();
      dir.remove();
    }
  });
}
