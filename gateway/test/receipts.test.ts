// The usage receipt queue against a real embedded ledger: batches recorded as the provider's
// identity, and a batch the ledger refuses retried receipt by receipt so good receipts still land.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddedLedger, registerDevOrganizations } from '@gridspace/ledger';
import { ReceiptJournal } from '../src/receipts/receipt-journal.js';
import { ReceiptQueue, type QueuedReceipt } from '../src/receipts/receipt-queue.js';
import { negotiate, policy } from './support/agreements.js';
import { INDICES } from './support/indices-subgraph.js';

describe('usage receipt queue', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gridspace-receipts-'));
  let ledger: EmbeddedLedger;
  let agreementId: string;

  before(async () => {
    ledger = await EmbeddedLedger.open({ dataDir: dir });
    await registerDevOrganizations(ledger);
    await ledger.submit({
      identity: 'operator',
      fn: 'Catalog:Publish',
      args: [JSON.stringify({ id: INDICES, version: '1.0.0', title: INDICES, provider: 'gd-grid', graphqlCoordinates: ['Query.electricityIndices'], offers: [{ id: 'standard', policy: policy(INDICES) }] })],
    });
    agreementId = await negotiate(ledger, { consumer: 'gd-drc', dataProductId: INDICES, policy: policy(INDICES, [{ leftOperand: 'count', operator: 'lteq', rightOperand: 3, period: 'month' }]) });
  });
  after(async () => {
    await ledger?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const item = (agreement: string, n: number): QueuedReceipt => ({
    identity: 'operator',
    reservation: { agreementId: agreement, keys: [`${agreement}|month|x`] },
    receipt: { id: `rcpt-test-${n}-${randomBytes(4).toString('hex')}`, agreementId: agreement, dataProductId: INDICES, queryHash: randomBytes(32).toString('hex'), rows: n, releasedAt: new Date().toISOString() },
  });

  it('records good receipts and reports the ones the ledger refuses', async () => {
    const settled: Array<{ id: string; recorded: boolean; error?: string }> = [];
    const queue = new ReceiptQueue({ ledger, intervalMs: 10_000, onSettled: (i, recorded, error) => settled.push({ id: i.receipt.id, recorded, error: error?.message }) });
    const good = [item(agreementId, 1), item(agreementId, 2)];
    const unknown = item('agr-does-not-exist', 3);
    for (const i of [good[0]!, unknown, good[1]!]) queue.add(i);
    assert.equal(queue.inFlight, 3);
    await queue.flush();
    assert.equal(queue.inFlight, 0);
    assert.deepEqual(settled.filter((s) => s.recorded).map((s) => s.id).sort(), good.map((g) => g.receipt.id).sort());
    const failed = settled.find((s) => !s.recorded)!;
    assert.equal(failed.id, unknown.receipt.id);
    assert.match(failed.error!, /NOT_FOUND: agreement agr-does-not-exist/);

    const usage = JSON.parse(await ledger.evaluate({ identity: 'operator', fn: 'Usage:InPeriod', args: [agreementId, 'month', ''] })) as { count: number; receipts: Array<{ provider: string }> };
    assert.equal(usage.count, 2);
    assert.ok(usage.receipts.every((r) => r.provider === 'gd-grid'));
  });

  it('never records past the quota: the ledger refuses the receipt that would exceed it', async () => {
    const settled: boolean[] = [];
    const queue = new ReceiptQueue({ ledger, intervalMs: 10_000, onSettled: (_i, recorded) => settled.push(recorded) });
    queue.add(item(agreementId, 4));
    queue.add(item(agreementId, 5));
    await queue.flush();
    assert.deepEqual(settled.sort(), [false, true], 'the third release of the month is recorded, the fourth refused');
  });

  it('two gateways recording under one quota at once lose nothing: a batch that lost the race for the counter is sent again whole', async () => {
    const shared = await negotiate(ledger, { consumer: 'gd-drc', dataProductId: INDICES, policy: policy(INDICES, [{ leftOperand: 'count', operator: 'lteq', rightOperand: 1000, period: 'month' }]) });
    const settled: boolean[] = [];
    const gateways = [1, 2].map(() => new ReceiptQueue({ ledger, intervalMs: 10_000, batchSize: 1_000, onSettled: (_i, recorded) => settled.push(recorded) }));
    // Each gateway sends ten batches of ten, one after the other; the two run side by side.
    await Promise.all(
      gateways.map(async (queue, g) => {
        for (let b = 0; b < 10; b++) {
          for (let n = 0; n < 10; n++) queue.add(item(shared, 100 * g + 10 * b + n));
          await queue.flush();
        }
      }),
    );
    assert.equal(settled.length, 200);
    assert.ok(settled.every(Boolean), `${settled.filter((r) => !r).length} receipts not recorded`);
    assert.deepEqual(gateways.map((q) => q.stats.failed), [0, 0]);
    const usage = JSON.parse(await ledger.evaluate({ identity: 'operator', fn: 'Usage:Count', args: [shared, 'month', ''] })) as { count: number; remaining: number };
    assert.deepEqual([usage.count, usage.remaining], [200, 800]);
  });

  it('a journal keeps the receipts of a crashed gateway; the next start sends them, skipping those the ledger already has', async () => {
    const file = join(dir, 'gateway', 'receipts.journal');
    const agreement = await negotiate(ledger, { consumer: 'gd-drc', dataProductId: INDICES, policy: policy(INDICES) });
    // The gateway journals three releases; one batch reached the ledger just before it died, and
    // the journal line for the fourth was cut short by the crash.
    const released = [1, 2, 3].map((n) => item(agreement, n));
    const before = ReceiptJournal.open(file);
    assert.deepEqual(before.unsettled, []);
    for (const r of released) before.journal.add(r);
    before.journal.close();
    await ledger.submit({ identity: 'operator', fn: 'Usage:RecordBatch', args: [JSON.stringify([released[0]!.receipt])] });
    appendFileSync(file, '{"add":{"identity":"operator","receipt":{"id":"rcpt-torn');

    const after = ReceiptJournal.open(file);
    assert.deepEqual(after.unsettled.map((u) => u.receipt.id), released.map((r) => r.receipt.id));
    const settled: Array<{ id: string; recorded: boolean }> = [];
    const queue = new ReceiptQueue({ ledger, intervalMs: 10_000, journal: after.journal, onSettled: (i, recorded) => settled.push({ id: i.receipt.id, recorded }) });
    await queue.resume(after.unsettled);
    assert.deepEqual(settled.map((x) => x.recorded), [true, true, true]);
    assert.deepEqual(queue.stats, { recorded: 3, failed: 0, batches: 1, retries: 0 }, 'one batch: the receipt already on the ledger is not sent again');
    const usage = JSON.parse(await ledger.evaluate({ identity: 'operator', fn: 'Usage:InPeriod', args: [agreement, 'month', ''] })) as { count: number; receipts: Array<{ id: string }> };
    assert.deepEqual(usage.receipts.map((r) => r.id).sort(), released.map((r) => r.receipt.id).sort());
    assert.equal(readFileSync(file, 'utf8'), '', 'nothing left open: the journal starts afresh');

    // New releases are journaled until the ledger has them.
    queue.add(item(agreement, 4));
    assert.match(readFileSync(file, 'utf8'), /"add"/);
    await queue.close();
    assert.equal(readFileSync(file, 'utf8'), '');
  });
});
