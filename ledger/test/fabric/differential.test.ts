// Differential: one transaction sequence on the embedded ledger and on Fabric gives the same query
// results (apart from what each ledger stamps itself: times and transaction ids).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { EmbeddedLedger, type Ledger } from '../../src/index.js';
import {
  basicPolicy, bothParties, domesticTerms, ensureOrganizations, evaluate, org, productJson, receipt, submit, unique, uniquePrefix,
} from '../contracts/support.js';
import { tempDir } from '../support/temp-dir.js';
import { onFabric, openFabricLedger } from './support.js';

/** Drops what a ledger stamps by itself (commit times, transaction ids); keeps everything else. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value)
      .filter(([key]) => !/(At|^at|^timestamp|^txId)$/.test(key))
      .map(([key, inner]) => [key, comparable(inner)]));
  }
  return value;
}

const epc = (handle: string) => `info:hdl/${handle}`;

if (onFabric) {
  test('the same transaction sequence gives the same query results on embedded and on Fabric', { timeout: 240_000 }, async () => {
    const dir = tempDir('differential');
    const embedded = await EmbeddedLedger.open({ dataDir: dir.path });
    const fabric = openFabricLedger();
    try {
      // Every id is chosen once, so both ledgers get identical arguments.
      const prefix = uniquePrefix();
      const productId = unique('indices');
      const agreementId = unique('agr');
      const handle = `${prefix}/${unique('TX2026')}`;
      // Same receipts on both ledgers; each is released "now", after its ledger finalized the agreement.
      const receipts = [receipt(agreementId, productId), receipt(agreementId, productId)];
      const policy = basicPolicy(productId);
      const proposal = { id: agreementId, dataProductId: productId, policy, crossBorder: domesticTerms() };
      const both = bothParties('operator', 'agency');
      const events = [
        { type: 'ObjectEvent', action: 'ADD', eventTime: '2026-05-01T08:00:00+08:00', eventTimeZoneOffset: '+08:00', eventID: `urn:uuid:${randomUUID()}`, epcList: [epc(handle)], bizStep: 'commissioning', disposition: 'active' },
        { type: 'ObjectEvent', action: 'OBSERVE', eventTime: '2026-05-02T08:00:00+08:00', eventTimeZoneOffset: '+08:00', eventID: `urn:uuid:${randomUUID()}`, epcList: [epc(handle)], bizStep: 'shipping', disposition: 'in_transit', destinationList: [{ type: 'possessing_party', destination: `urn:gridspace:org:${org('operator').orgId}` }] },
      ];
      const receiving = { type: 'ObjectEvent', action: 'OBSERVE', eventTime: '2026-05-03T08:00:00+08:00', eventTimeZoneOffset: '+08:00', eventID: `urn:uuid:${randomUUID()}`, epcList: [epc(handle)], bizStep: 'receiving', disposition: 'in_progress' };

      async function sequence(ledger: Ledger) {
        await ensureOrganizations(ledger);
        await submit(ledger, { identity: 'operator', fn: 'Organizations:AssignPrefix', args: [prefix, org('supplier').orgId] });
        await submit(ledger, { identity: 'operator', fn: 'Catalog:Publish', args: [productJson(productId, org('operator').orgId)] });
        await submit(ledger, { identity: 'agency', fn: 'Agreements:Request', args: [proposal] });
        await submit(ledger, { identity: 'operator', fn: 'Agreements:Agree', args: [agreementId], endorsingOrgs: both });
        await submit(ledger, { identity: 'agency', fn: 'Agreements:Verify', args: [agreementId], endorsingOrgs: both });
        await submit(ledger, { identity: 'operator', fn: 'Agreements:Finalize', args: [agreementId], endorsingOrgs: both });
        await submit(ledger, { identity: 'operator', fn: 'Usage:RecordBatch', args: [receipts.map((r) => ({ ...r, releasedAt: new Date().toISOString() }))] });
        await submit(ledger, { identity: 'supplier', fn: 'Traceability:RecordEvents', args: [events] });
        await submit(ledger, { identity: 'operator', fn: 'Traceability:RecordEvent', args: [receiving] });
        const queries = [
          { identity: 'agency', fn: 'Agreements:Get', args: [agreementId] },
          { identity: 'stats', fn: 'Catalog:Get', args: [productId] },
          { identity: 'operator', fn: 'Usage:Get', args: [receipts[0]!.id] },
          { identity: 'operator', fn: 'Usage:InPeriod', args: [agreementId, 'year', ''] },
          { identity: 'stats', fn: 'Traceability:StateOf', args: [handle] },
          { identity: 'stats', fn: 'Traceability:EventsOf', args: [handle] },
          { identity: 'operator', fn: 'Organizations:Get', args: [org('supplier').orgId] },
        ];
        const answers: unknown[] = [];
        for (const query of queries) answers.push(comparable(await evaluate(ledger, query)));
        return answers;
      }

      const onEmbedded = await sequence(embedded);
      const onFabricLedger = await sequence(fabric);
      assert.deepEqual(onFabricLedger, onEmbedded);
    } finally {
      await fabric.close();
      await embedded.close();
      dir.remove();
    }
  });
}
