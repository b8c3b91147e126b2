// The same files imported into SQLite and PostgreSQL give the same released cells, and the
// PostgreSQL path honours the same fail-whole and idempotency rules.
// Needs GRIDSPACE_TEST_POSTGRES_URL (scripts/run-tests.mjs starts a throwaway cluster).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../src/storage/store.js';
import { importCustomers, importReadings, ImportRejectedError } from '../src/ingestion/ingest.js';
import { loadMeterData } from '../src/indices/meter-data.js';
import { computeIndices } from '../src/indices/indices.js';
import { generateDataset } from '../src/generator/generate.js';
import { Reading } from '../src/storage/entities.js';
import { freshPostgresDatabase } from '../src/testing.js';
import { tempDir, writeCsv } from './helpers.js';

/** A fresh database on the test cluster, dropped afterwards. */
async function postgresStore(t: Parameters<typeof tempDir>[0]): Promise<Store> {
  const db = await freshPostgresDatabase('dp');
  const store = await openStore(db.url);
  t.after(async () => {
    await store.close();
    await db.drop();
  });
  return store;
}

test('SQLite and PostgreSQL give identical indices for the same files', async (t) => {
  const dir = tempDir(t);
  const files = generateDataset({ customers: 120, days: 40, start: '2024-01-10', seed: 11, outDir: dir });
  const sqlite = await openStore(`sqlite:${dir}/dp.db`);
  t.after(() => sqlite.close());
  const postgres = await postgresStore(t);
  for (const store of [sqlite, postgres]) {
    await importCustomers(store, files.customersCsv);
    const report = await importReadings(store, files.readingsCsv);
    assert.equal(report.accepted, 120 * 40, store.kind);
  }
  const fromSqlite = computeIndices(await loadMeterData(sqlite), { combineJanFeb: true });
  const fromPostgres = computeIndices(await loadMeterData(postgres), { combineJanFeb: true });
  for (const periodKind of ['month', 'day'] as const) {
    const a = [...fromSqlite.query({ periodKind })];
    const b = [...fromPostgres.query({ periodKind })];
    assert.ok(a.length > 0);
    assert.ok(a.some((c) => !c.suppressed) && a.some((c) => c.suppressed));
    assert.deepEqual(b, a, periodKind);
  }
});

test('PostgreSQL: a failed import leaves nothing; a second import of the file changes nothing', async (t) => {
  const dir = tempDir(t);
  const store = await postgresStore(t);
  await importCustomers(store, writeCsv(dir, 'c.csv', ['customer_id,kind,region_code,industry_code', 'E1,enterprise,440100,13']));
  const bad = writeCsv(dir, 'bad.csv', ['customer_id,region_code,industry_code,date,kwh', 'E1,440100,13,2024-01-01,5', 'E1,440100,13,2024-13-01,5']);
  await assert.rejects(importReadings(store, bad), ImportRejectedError);
  assert.equal(await store.dataSource.getRepository(Reading).count(), 0);
  const good = writeCsv(dir, 'good.csv', ['customer_id,region_code,industry_code,date,kwh', 'E1,440100,13,2024-01-01,5', 'E1,440100,13,2024-01-02,6.125']);
  assert.equal((await importReadings(store, good)).status, 'imported');
  assert.equal((await importReadings(store, good)).status, 'unchanged');
  const rows = await store.dataSource.getRepository(Reading).find({ order: { date: 'ASC' } });
  assert.deepEqual(rows.map((r) => [r.date, r.kwh]), [['2024-01-01', 5], ['2024-01-02', 6.125]]);
});
