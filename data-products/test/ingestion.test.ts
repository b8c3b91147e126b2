// Ingestion: row-by-row validation with line numbers, fail-whole past the error share, idempotency.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../src/storage/store.js';
import { importCustomers, importReadings, ImportRejectedError } from '../src/ingestion/ingest.js';
import { Customer, Reading } from '../src/storage/entities.js';
import { tempDir, writeCsv } from './helpers.js';
import { dayNumber, isoDate } from '../src/indices/dates.js';

const CUSTOMERS = [
  'customer_id,kind,region_code,industry_code',
  'E1,enterprise,440100,13',
  'E2,enterprise,440106,3911', // a Guangzhou district, a four-digit class of division 39
  'H1,residential,440300,RES',
];

async function storeWithCustomers(t: Parameters<typeof tempDir>[0]) {
  const dir = tempDir(t);
  const store = await openStore(`sqlite:${dir}/dp.db`);
  t.after(() => store.close());
  await importCustomers(store, writeCsv(dir, 'customers.csv', CUSTOMERS));
  return { dir, store };
}

test('a malformed readings file: every bad row reported with its line and reason, nothing imported', async (t) => {
  const { dir, store } = await storeWithCustomers(t);
  const file = writeCsv(dir, 'readings.csv', [
    'customer_id,region_code,industry_code,date,kwh',
    'E1,440100,13,2024-01-01,100.5',
    'E1,440100,13,2024-02-30,1', // no such day
    'E9,440100,13,2024-01-01,1', // unknown customer
    'E1,440300,13,2024-01-02,1', // wrong city for E1
    'E1,440100,13,2024-01-03,-4', // negative
    'E1,440100,13,2024-01-04,1.2345', // below Wh resolution
    'E1,440100,13,2024-01-05', // missing field
    'E1,440100,13,2024-01-01,7', // duplicate day
    'H1,440300,RES,2024-01-01,12',
  ]);
  await assert.rejects(importReadings(store, file), (error: unknown) => {
    assert.ok(error instanceof ImportRejectedError);
    assert.match(error.message, /7 of 9 rows are invalid/);
    assert.deepEqual(error.report.errors.map((e) => [e.line, e.field]), [
      [3, 'date'], [4, 'customer_id'], [5, 'region_code'], [6, 'kwh'], [7, 'kwh'], [8, 'row'], [9, 'date'],
    ]);
    assert.match(error.report.errors[0].reason, /not a calendar date/);
    assert.match(error.report.errors[1].reason, /unknown customer "E9"/);
    assert.match(error.report.errors[5].reason, /has 4 fields, expected 5/);
    assert.match(error.report.errors[6].reason, /second reading for customer E1 on 2024-01-01/);
    return true;
  });
  assert.equal(await store.dataSource.getRepository(Reading).count(), 0, 'fail whole: no row of the file was kept');
});

test('bad rows under the allowed share are skipped and reported; the rest is imported', async (t) => {
  const { dir, store } = await storeWithCustomers(t);
  const file = writeCsv(dir, 'readings.csv', [
    'customer_id,region_code,industry_code,date,kwh',
    'E1,440100,13,2024-01-01,100',
    'E2,440106,39,2024-01-01,50',
    'E2,440106,40,2024-01-02,50', // division differs from the customer's
    'H1,440300,RES,2024-01-01,12',
  ]);
  const report = await importReadings(store, file, { maxErrorShare: 0.3 });
  assert.equal(report.status, 'imported');
  assert.deepEqual([report.rows, report.accepted, report.rejected], [4, 3, 1]);
  assert.deepEqual(report.errors, [{ line: 4, field: 'industry_code', reason: '"40" differs from customer E2\'s 3911' }]);
  assert.equal(await store.dataSource.getRepository(Reading).count(), 3);
});

test('importing the same file twice changes nothing; a corrected file updates in place', async (t) => {
  const { dir, store } = await storeWithCustomers(t);
  const lines = ['customer_id,region_code,industry_code,date,kwh', 'E1,440100,13,2024-01-01,100', 'E1,440100,13,2024-01-02,101'];
  const file = writeCsv(dir, 'readings.csv', lines);
  assert.equal((await importReadings(store, file)).status, 'imported');
  const snapshot = await store.dataSource.getRepository(Reading).find({ order: { date: 'ASC' } });
  const again = await importReadings(store, file);
  assert.equal(again.status, 'unchanged');
  assert.deepEqual(await store.dataSource.getRepository(Reading).find({ order: { date: 'ASC' } }), snapshot);
  // The same rows in another file (other bytes): upserts, still the same two readings.
  const copy = writeCsv(dir, 'readings-copy.csv', [...lines, '']);
  await importReadings(store, copy);
  assert.deepEqual(await store.dataSource.getRepository(Reading).find({ order: { date: 'ASC' } }), snapshot);
  const fixed = writeCsv(dir, 'readings-fixed.csv', [lines[0], 'E1,440100,13,2024-01-02,99']);
  await importReadings(store, fixed);
  const rows = await store.dataSource.getRepository(Reading).find({ order: { date: 'ASC' } });
  assert.deepEqual(rows.map((r) => r.kwh), [100, 99]);
});

test('a wrong header or broken CSV fails the whole file with a clear message', async (t) => {
  const { dir, store } = await storeWithCustomers(t);
  await assert.rejects(importReadings(store, writeCsv(dir, 'a.csv', ['customer,region,industry,date,kwh', 'E1,440100,13,2024-01-01,1'])), /line 1: header must be customer_id,region_code,industry_code,date,kwh/);
  await assert.rejects(importReadings(store, writeCsv(dir, 'b.csv', ['customer_id,region_code,industry_code,date,kwh', 'E1,440100,13,"2024-01-01,1'])), /nothing was imported/);
  await assert.rejects(importReadings(store, writeCsv(dir, 'c.csv', [])), /empty file/);
  const headerOnly = await importReadings(store, writeCsv(dir, 'd.csv', ['customer_id,region_code,industry_code,date,kwh']));
  assert.deepEqual([headerOnly.status, headerOnly.rows], ['imported', 0]);
  assert.equal(await store.dataSource.getRepository(Reading).count(), 0);
});

test('customers: kinds, codes and the households rule are checked', async (t) => {
  const dir = tempDir(t);
  const store = await openStore(`sqlite:${dir}/dp.db`);
  t.after(() => store.close());
  const file = writeCsv(dir, 'customers.csv', [
    'customer_id,kind,region_code,industry_code',
    'E1,enterprise,440100,13',
    'E2,factory,440100,13',
    'E3,enterprise,810000,13', // Hong Kong: no meters of this grid operator
    'E4,enterprise,440100,RES',
    'E5,enterprise,440100,99',
  ]);
  await assert.rejects(importCustomers(store, file), (error: unknown) => {
    assert.ok(error instanceof ImportRejectedError);
    assert.deepEqual(error.report.errors.map((e) => `${e.line}:${e.field}`), ['3:kind', '4:region_code', '5:industry_code', '6:industry_code']);
    return true;
  });
});

test('line numbers stay right across quoted line breaks, a BOM and many batches; every good row is stored', async (t) => {
  const dir = tempDir(t);
  const store = await openStore(`sqlite:${dir}/dp.db`);
  t.after(() => store.close());
  const customerIds = Array.from({ length: 50 }, (_, i) => `E${i}`);
  await importCustomers(store, writeCsv(dir, 'customers.csv', ['customer_id,kind,region_code,industry_code', ...customerIds.map((id) => `${id},enterprise,440100,13`)]));
  // 50 customers x 1200 days = 60,000 rows in 1000-row batches: many more than the reader may
  // send ahead of the writer, so it pauses and resumes.
  const lines = ['\ufeffcustomer_id,region_code,industry_code,date,kwh'];
  const first = dayNumber('2021-01-01');
  for (let d = 0; d < 1200; d++) for (const id of customerIds) lines.push(`${id},440100,13,${isoDate(first + d)},${(d % 97) + 0.5}`);
  lines.splice(3, 0, 'E1,440100,"1\n3",2020-01-01,1'); // a quoted line break: one record over lines 4-5
  lines.push('E1,440100,13,2021-01-01,2'); // duplicate of line 3's customer and day
  const report = await importReadings(store, writeCsv(dir, 'readings.csv', lines), { batchRows: 1000 });
  assert.deepEqual([report.rows, report.accepted, report.rejected], [60_002, 60_000, 2]);
  assert.deepEqual(report.errors.map((e) => [e.line, e.field]), [[4, 'row'], [60_004, 'date']]);
  assert.equal(await store.dataSource.getRepository(Reading).count(), 60_000);
  const last = await store.dataSource.getRepository(Reading).findOneByOrFail({ customerId: 'E49', date: isoDate(first + 1199) });
  assert.equal(last.kwh, (1199 % 97) + 0.5);
});

test('a customers file of more rows than one statement may bind is imported whole', async (t) => {
  const dir = tempDir(t);
  const store = await openStore(`sqlite:${dir}/dp.db`);
  t.after(() => store.close());
  const lines = ['customer_id,kind,region_code,industry_code'];
  for (let i = 0; i < 25_000; i++) lines.push(i % 2 ? `H${i},residential,440300,RES` : `E${i},enterprise,440106,3911`);
  const report = await importCustomers(store, writeCsv(dir, 'customers.csv', lines));
  assert.deepEqual([report.rows, report.accepted, report.rejected], [25_000, 25_000, 0]);
  assert.equal(await store.dataSource.getRepository(Customer).count(), 25_000);
  assert.equal((await store.dataSource.getRepository(Customer).findOneByOrFail({ customerId: 'E24998' })).industryCode, '3911');
});
