// The attack test: try to recover every suppressed cell from everything published (both
// hierarchies' totals and margins, the month and all its days, non-negativity); it must fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeIndices } from '../src/indices/indices.js';
import { meterDataFromRows, type MeterCustomer } from '../src/indices/meter-data.js';
import { generateDataset } from '../src/generator/generate.js';
import { classifications } from '../src/reference/classifications.js';
import { attackBlock, type AttackResult } from './attack.js';
import { handFixture, tempDir } from './helpers.js';

function assertProtected(results: AttackResult[], label: string): void {
  assert.ok(results.length > 0, `${label}: the fixture has suppressed cells to attack`);
  for (const r of results) {
    assert.ok(r.low <= r.value + 1e-6 && r.value <= r.high + 1e-6, `${label} ${r.table}_${r.cell}: true value ${r.value} inside [${r.low}, ${r.high}]`);
    const width = r.high - r.low;
    assert.ok(width > 1e-3 + 1e-6 * r.value, `${label} ${r.table}_${r.cell}: recovered (value ${r.value}, interval [${r.low}, ${r.high}])`);
  }
}

test('hand fixture: no suppressed cell of a month or of its days can be rebuilt', async () => {
  const { customers, rows } = handFixture();
  const indices = computeIndices(meterDataFromRows(customers, rows.filter((r) => r.date >= '2024-02-01')));
  const results = await attackBlock(indices, 0, { withDays: true, cells: 'all' });
  assertProtected(results, 'hand');
});

test('generated data: every suppressed cell keeps an interval, across both hierarchies and the days', async (t) => {
  const dir = tempDir(t);
  const files = generateDataset({ customers: 300, days: 3, start: '2024-03-01', seed: 7, outDir: dir });
  const ref = classifications();
  const customers: MeterCustomer[] = readFileSync(files.customersCsv, 'utf8').trim().split('\n').slice(1).map((line) => {
    const [id, kind, region, industry] = line.split(',');
    return { id, kind: kind as MeterCustomer['kind'], city: ref.cityOf(region)!, division: ref.divisionOf(industry)! };
  });
  const rows = readFileSync(join(dir, 'readings.csv'), 'utf8').trim().split('\n').slice(1).map((line) => {
    const [customerId, , , date, kwh] = line.split(',');
    return { customerId, date, kwh: Number(kwh) };
  });
  const indices = computeIndices(meterDataFromRows(customers, rows));
  const results = await attackBlock(indices, 0, { withDays: true });
  t.diagnostic(`attacked ${results.length} suppressed month cells; narrowest relative interval ${Math.min(...results.map((r) => (r.high - r.low) / Math.max(r.value, 1e-9))).toFixed(3)}`);
  assertProtected(results, 'generated');
  const secondary = [...indices.query({ periodKind: 'month' })].filter((c) => c.suppressed && /secondary/.test(c.suppressionReason!));
  assert.ok(secondary.length > 0, 'the pattern needed secondary suppressions');
});
