// A peer killed (SIGKILL) and restarted in the middle of a load: every submitted transaction is
// either committed or reported failed to its caller; none is lost, none applied twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LedgerError } from '../../src/index.js';
import {
  OPERATOR_IDENTITY, collectEvents, ensureOperator, killNode, onFabric, openFabricLedger, peerOf, registeredOrgId, registerOrg, startNode, uniqueOrg,
} from './support.js';

if (onFabric) {
  test('a peer killed and restarted mid-load loses no transaction and applies none twice', { timeout: 240_000 }, async (t) => {
    const ledger = openFabricLedger();
    const peer = peerOf(OPERATOR_IDENTITY);
    try {
      await ensureOperator(ledger);
      const fromBlock = await ledger.height();
      const outcomes = new Map<string, 'committed' | string>();
      let restarted = false;
      let wavesAfterRestart = 0;
      // The load goes through the operator's peer (its gateway and endorser), ten at a time,
      // until two waves have run after the peer is back.
      const load = (async () => {
        while (wavesAfterRestart < 2) {
          if (restarted) wavesAfterRestart++;
          await Promise.all(Array.from({ length: 10 }, async () => {
            const org = uniqueOrg('load');
            try {
              await registerOrg(ledger, org);
              outcomes.set(org.id, 'committed');
            } catch (error) {
              outcomes.set(org.id, error instanceof LedgerError ? error.code : String(error));
            }
          }));
        }
      })();
      while (outcomes.size < 20) await sleep(50);
      await killNode(peer);
      await sleep(1_000);
      await startNode(peer);
      restarted = true;
      await load;

      // A marker transaction after the load: once its event is read, every earlier one has been.
      const marker = uniqueOrg('marker');
      await registerOrg(ledger, marker);
      const events = await collectEvents(ledger, fromBlock, (event) => registeredOrgId(event) === marker.id);
      const applied = new Map<string, number>();
      for (const event of events) {
        const id = registeredOrgId(event);
        if (id && outcomes.has(id)) applied.set(id, (applied.get(id) ?? 0) + 1);
      }

      // Read back through another org's peer.
      for (const [id, outcome] of outcomes) {
        if (outcome === 'committed') {
          assert.equal(applied.get(id), 1, `${id} committed: applied exactly once`);
          const record = JSON.parse(await ledger.evaluate({ identity: 'agency', fn: 'Organizations:Get', args: [id] })) as { id: string };
          assert.equal(record.id, id);
        } else {
          assert.equal(applied.get(id), undefined, `${id} reported ${outcome}: not applied`);
          await assert.rejects(ledger.evaluate({ identity: 'agency', fn: 'Organizations:Get', args: [id] }), { code: 'NOT_FOUND' });
        }
      }
      assert.ok(outcomes.size >= 40, 'the load ran on across the restart');
      const tally = [...outcomes.values()].reduce<Record<string, number>>((counts, outcome) => ({ ...counts, [outcome]: (counts[outcome] ?? 0) + 1 }), {});
      t.diagnostic(`outcomes: ${JSON.stringify(tally)}`);
    } finally {
      await startNode(peer);
      await ledger.close();
    }
  });
}
