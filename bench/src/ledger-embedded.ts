// ledger-embedded: committed, durable transactions per second of the embedded ledger for
// trace-event and usage-receipt writes from many concurrent submitters, through the real Gridspace
// contracts, side by side with plain batched SQLite inserts of the same records (the ceiling).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { DEV_ORGS, EmbeddedLedger, negotiateAgreement, registerDevOrganizations, type TransactionRequest } from '@gridspace/ledger';
import { percentile, report, round } from './report.js';

const TRANSACTIONS = Number(process.env.BENCH_LEDGER_TRANSACTIONS ?? 20_000);
const SUBMITTERS = Number(process.env.BENCH_LEDGER_SUBMITTERS ?? 2048);
const AGREEMENTS = 16;
const PREFIX = '88.188.1001';
const PRODUCT = 'electricity-economic-indices';

const dir = mkdtempSync(join(tmpdir(), 'gridspace-bench-ledger-'));
const ledger = await EmbeddedLedger.open({ dataDir: join(dir, 'ledger'), maxBlockTransactions: Number(process.env.BENCH_LEDGER_BLOCK ?? 1000), simulationWorkers: process.env.BENCH_LEDGER_WORKERS ? Number(process.env.BENCH_LEDGER_WORKERS) : undefined });

async function setUp(): Promise<string[]> {
  await registerDevOrganizations(ledger);
  await ledger.submit({ identity: 'operator', fn: 'Organizations:AssignPrefix', args: [PREFIX, 'tx-maker'] });
  const policy = { target: PRODUCT, permissions: [{ action: 'use', constraints: [{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['macro-economic-monitoring'] }] }] };
  await ledger.submit({
    identity: 'operator', fn: 'Catalog:Publish',
    args: [JSON.stringify({ id: PRODUCT, version: '1.0.0', title: 'Electricity economic indices', description: 'Monthly indices by region and industry',
      provider: 'gd-grid', keywords: ['electricity'], themes: ['energy'], accrualPeriodicity: 'monthly',
      graphqlCoordinates: ['Query.electricityIndices'], distributions: [{ mediaType: 'text/csv' }], offers: [{ id: 'standard', title: 'Monitoring', policy }] })],
  });
  const agreementIds: string[] = [];
  const [provider, consumer] = ['operator', 'agency'].map((name) => DEV_ORGS.find((o) => o.identity === name)!);
  for (let i = 0; i < AGREEMENTS; i++) {
    const id = `bench-agreement-${i}`;
    const proposal = { id, dataProductId: PRODUCT, policy,
      crossBorder: { providerJurisdiction: 'CN-GD', consumerJurisdiction: 'CN-GD', personalInformation: false, transferMechanism: 'exempt', onwardTransferScope: 'none' } };
    await negotiateAgreement(ledger, { provider: provider!, consumer: consumer!, proposal });
    agreementIds.push(id);
  }
  return agreementIds;
}

let clock = Date.parse('2026-03-01T00:00:00Z');
function traceEvent(serial: number) {
  clock += 1000;
  return {
    type: 'ObjectEvent', action: 'ADD', eventTime: new Date(clock).toISOString(), eventTimeZoneOffset: '+08:00',
    eventID: `urn:uuid:${randomUUID()}`, epcList: [`info:hdl/${PREFIX}/TX2026-${String(serial).padStart(7, '0')}`],
    bizStep: 'commissioning', disposition: 'active', bizLocation: { id: 'urn:gridspace:site:foshan-works' },
  };
}

function usageReceipt(agreementId: string) {
  return { id: `rcpt-${randomBytes(8).toString('hex')}`, agreementId, dataProductId: PRODUCT, queryHash: randomBytes(32).toString('hex'), rows: 1 + (randomBytes(1)[0]! % 200), releasedAt: new Date().toISOString() };
}

function traceRequest(serial: number, records: Array<[string, string]>) {
  const event = traceEvent(serial);
  records.push([event.eventID, JSON.stringify(event)]);
  return {
    request: { identity: 'supplier', fn: 'Traceability:RecordEvent', args: [JSON.stringify(event)] },
    check: (result: string) => { if (!result.includes(event.eventID)) throw new Error(`trace event ${event.eventID}: unexpected result ${result}`); },
  };
}

function receiptRequest(agreementId: string, records: Array<[string, string]>) {
  const receipt = usageReceipt(agreementId);
  records.push([receipt.id, JSON.stringify(receipt)]);
  return {
    request: { identity: 'operator', fn: 'Usage:RecordBatch', args: [JSON.stringify([receipt])] },
    check: (result: string) => { if ((JSON.parse(result) as { recorded?: number }).recorded !== 1) throw new Error(`receipt ${receipt.id}: unexpected result ${result}`); },
  };
}

interface Run {
  tps: number;
  p50: number;
  p99: number;
  committed: number;
  conflicts: number;
  blocks: number;
}

/** `count` transactions from `submitters` concurrent submitters; each must commit (or fail visibly). */
async function measure(count: number, makeRequest: (i: number) => { request: TransactionRequest; check(result: string): void }): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  let conflicts = 0;
  const heightBefore = await ledger.height();
  const started = performance.now();
  await Promise.all(Array.from({ length: SUBMITTERS }, async () => {
    while (next < count) {
      const { request, check } = makeRequest(next++);
      const t0 = performance.now();
      for (;;) {
        try {
          check((await ledger.submit(request)).result);
          break;
        } catch (error) {
          if ((error as { code?: string }).code !== 'MVCC_READ_CONFLICT') throw error;
          conflicts++;
        }
      }
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  return { tps: round(count / seconds), p50: round(percentile(latencies, 50), 2), p99: round(percentile(latencies, 99), 2), committed: count, conflicts, blocks: (await ledger.height()) - heightBefore };
}

/** The ceiling: the same records inserted into SQLite in batches of the ledger's mean block size, durably. */
function plainInserts(records: Array<[string, string]>, batchSize: number): number {
  const db = new Database(join(dir, 'plain.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE records (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID');
  const insert = db.prepare('INSERT INTO records (key, value) VALUES (?, ?)');
  const batch = db.transaction((rows: Array<[string, string]>) => { for (const [key, value] of rows) insert.run(key, Buffer.from(value)); });
  const started = performance.now();
  for (let i = 0; i < records.length; i += batchSize) batch(records.slice(i, i + batchSize));
  const rate = records.length / ((performance.now() - started) / 1000);
  const stored = (db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
  db.close();
  if (stored !== records.length) throw new Error(`plain inserts stored ${stored} of ${records.length}`);
  return round(rate);
}

try {
  const agreements = await setUp();
  const half = Math.floor(TRANSACTIONS / 2);
  const traceRecords: Array<[string, string]> = [];
  const receiptRecords: Array<[string, string]> = [];

  // Warm up (JIT, validator compilation, SQLite caches) with the same work, unmeasured.
  const WARM_UP = 1000;
  await measure(WARM_UP, (i) => traceRequest(TRANSACTIONS + i, []));
  await measure(WARM_UP, (i) => receiptRequest(agreements[i % agreements.length]!, []));
  const trace = await measure(half, (i) => traceRequest(i, traceRecords));
  const usage = await measure(half, (i) => receiptRequest(agreements[i % agreements.length]!, receiptRecords));

  // Spot-check what was committed, and the chain.
  const sample = JSON.parse(await ledger.evaluate({ identity: 'stats', fn: 'Traceability:StateOf', args: [`${PREFIX}/TX2026-0000007`] })) as { owner?: string };
  if (sample.owner !== 'tx-maker') throw new Error(`commissioned object has owner ${sample.owner}`);
  const verified = ledger.verify();
  if (!verified.ok) throw new Error(`chain does not verify: ${verified.problem}`);

  const combinedTps = round(TRANSACTIONS / (half / trace.tps + half / usage.tps));
  const meanBlock = Math.max(1, Math.round(TRANSACTIONS / (trace.blocks + usage.blocks)));
  const ceiling = plainInserts([...traceRecords, ...receiptRecords], meanBlock);
  report('ledger-embedded', {
    transactions: TRANSACTIONS,
    submitters: SUBMITTERS,
    traceEvents: trace,
    usageReceipts: usage,
    combinedTps,
    meanBlockSize: meanBlock,
    plainSqliteInsertsPerSecond: ceiling,
    ratioToPlainInserts: round(combinedTps / ceiling, 3),
    chainBlocks: verified.blocks,
  }, [
    { name: 'committed durable transactions per second (trace events and usage receipts)', value: combinedTps, min: 5000 },
  ]);
} finally {
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
}
