// A TransactionEvent's price lives in the implicit private collections of its two parties: on real
// peers only those two orgs can read it, and the block that every org receives holds no trace of it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { DEV_ORGS } from '../../src/index.js';
import { assignFreshPrefix, ensureOrganizations, evaluate, org, rejects, submit, unique } from '../contracts/support.js';
import { onFabric, openFabricLedger } from './support.js';

const epc = (handle: string) => `info:hdl/${handle}`;
const eventTime = () => ({ eventTime: new Date().toISOString(), eventTimeZoneOffset: '+00:00' });

if (onFabric) {
  test('private data is readable by the two parties only', { timeout: 180_000 }, async () => {
    const ledger = openFabricLedger();
    try {
      await ensureOrganizations(ledger);
      const prefix = await assignFreshPrefix(ledger);
      const handle = `${prefix}/${unique('TX2026')}`;
      await submit(ledger, {
        identity: 'supplier',
        fn: 'Traceability:RecordEvent',
        args: [{ type: 'ObjectEvent', action: 'ADD', ...eventTime(), eventID: `urn:uuid:${randomUUID()}`, epcList: [epc(handle)], bizStep: 'commissioning', disposition: 'active' }],
      });
      const amount = `${100000 + Math.floor(Math.random() * 899999)}.25`;
      const sale = {
        type: 'TransactionEvent',
        action: 'ADD',
        ...eventTime(),
        eventID: `urn:uuid:${randomUUID()}`,
        epcList: [epc(handle)],
        bizStep: 'shipping',
        bizTransactionList: [{ type: 'po', bizTransaction: `urn:gridspace:po:${unique('PO')}` }],
        destinationList: [{ type: 'owning_party', destination: `urn:gridspace:org:${org('operator').orgId}` }],
      };
      const recorded = await submit<{ eventId: string; hasPrivatePrice: boolean }>(ledger, {
        identity: 'supplier',
        fn: 'Traceability:RecordEvent',
        args: [sale],
        transient: { price: JSON.stringify({ amount, currency: 'CNY', counterparty: org('operator').orgId }) },
      });
      assert.equal(recorded.value.hasPrivatePrice, true);

      for (const { identity } of DEV_ORGS) {
        if (identity === 'supplier' || identity === 'operator') {
          const price = await evaluate<{ amount: string }>(ledger, { identity, fn: 'Traceability:GetPrice', args: [recorded.value.eventId] });
          assert.equal(price.amount, amount, `${identity} reads the price from its own peer`);
        } else {
          await rejects(evaluate(ledger, { identity, fn: 'Traceability:GetPrice', args: [recorded.value.eventId] }), 'NOT_FOUND');
        }
      }
      const block = await ledger.blockBytes(recorded.tx.blockNumber);
      assert.ok(Buffer.from(block).includes(recorded.tx.txId), 'the block holds the transaction');
      assert.equal(Buffer.from(block).includes(amount), false, 'but not the price: only its hash');
    } finally {
      await ledger.close();
    }
  });
}
