// The generator is deterministic and its output imports cleanly; the committed reference copy
// matches shared/reference wherever that folder is present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { generateDataset } from '../src/generator/generate.js';
import { REFERENCE_DIR, classifications } from '../src/reference/classifications.js';
import { openStore } from '../src/storage/store.js';
import { importCustomers, importReadings } from '../src/ingestion/ingest.js';
import { tempDir } from './helpers.js';

test('same seed, same files; another seed, other files', (t) => {
  const dir = tempDir(t);
  const a = generateDataset({ customers: 50, days: 20, seed: 1, outDir: join(dir, 'a') });
  const b = generateDataset({ customers: 50, days: 20, seed: 1, outDir: join(dir, 'b') });
  const c = generateDataset({ customers: 50, days: 20, seed: 2, outDir: join(dir, 'c') });
  assert.equal(readFileSync(a.readingsCsv, 'utf8'), readFileSync(b.readingsCsv, 'utf8'));
  assert.notEqual(readFileSync(a.readingsCsv, 'utf8'), readFileSync(c.readingsCsv, 'utf8'));
  assert.equal(a.readings, 50 * 20);
  assert.throws(() => generateDataset({ customers: 0, days: 1, outDir: dir }), /customers: must be a positive integer/);
});

test('generated data spreads over cities and divisions, has households and imports without errors', async (t) => {
  const dir = tempDir(t);
  const files = generateDataset({ customers: 300, days: 10, start: '2024-01-29', outDir: dir });
  const lines = readFileSync(files.customersCsv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  assert.ok(new Set(lines.map((l) => l[2])).size >= 7, 'most GBA cities');
  assert.ok(new Set(lines.map((l) => l[3])).size >= 30, 'many divisions');
  assert.ok(lines.some((l) => l[1] === 'residential'));
  const store = await openStore(':memory:');
  t.after(() => store.close());
  await importCustomers(store, files.customersCsv);
  const report = await importReadings(store, files.readingsCsv, { maxErrorShare: 0 });
  assert.equal(report.rejected, 0);
  // The Spring Festival (2024-02-10) empties factories: enterprise use on the day is far below two weeks before.
  const [before] = await store.dataSource.query(`SELECT SUM(kwh) AS s FROM reading WHERE date = '2024-01-29' AND industry_code <> 'RES'`);
  const [holiday] = await store.dataSource.query(`SELECT SUM(kwh) AS s FROM reading WHERE date = '2024-02-12' AND industry_code <> 'RES'`);
  assert.ok(holiday.s < 0.6 * before.s, `holiday ${holiday.s} vs ${before.s}`);
});

test('the packaged reference data equals shared/reference', (t) => {
  const shared = fileURLToPath(new URL('../../../../shared/reference/', import.meta.url));
  const ref = classifications();
  assert.equal(ref.regions.filter((r) => r.level === 'city').length, 9);
  assert.equal(ref.industries.filter((i) => i.level === 'division').length, 97);
  if (!existsSync(shared)) {
    t.diagnostic(`no ${shared}: checked the packaged copy only`);
    return;
  }
  for (const file of ['gba-regions-gbt2260.csv', 'gbt4754-2017-sections.csv']) {
    assert.equal(readFileSync(new URL(file, REFERENCE_DIR), 'utf8'), readFileSync(join(shared, file), 'utf8'), file);
  }
});
