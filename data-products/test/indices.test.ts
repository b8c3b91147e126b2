// Hand-computed indices and disclosure verdicts on the fixture of helpers.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeIndices, type IndexCell, type ElectricityIndices } from '../src/indices/indices.js';
import { meterDataFromRows } from '../src/indices/meter-data.js';
import { FS, GZ, handFixture, SZ } from './helpers.js';

const options = { basePeriod: { from: '2023-01-01', to: '2023-01-31' }, baseline: { from: '2023-01-01', to: '2023-01-31' } };

function one(indices: ElectricityIndices, periodKind: 'day' | 'month', period: string, regionCode: string, industryCode: string): IndexCell {
  const cells = [...indices.query({ periodKind, from: period, to: period, regionCodes: [regionCode], industryCodes: [industryCode] })];
  assert.equal(cells.length, 1, `one cell ${period} ${regionCode} ${industryCode}`);
  return cells[0];
}

const { customers, rows } = handFixture();
const indices = computeIndices(meterDataFromRows(customers, rows), options);

test('month cell: consumption, YoY, MoM, base index, resumption of work, recovery', () => {
  // Jan 2024, Guangzhou division 13: 5 x 110 kWh x 31 days; daily mean 550 vs 500 a year and a month earlier.
  const jan = one(indices, 'month', '2024-01', GZ, '13');
  assert.equal(jan.suppressed, false);
  assert.equal(jan.consumptionKwh, 17050);
  assert.equal(jan.yoyPct, 10);
  assert.equal(jan.momPct, 10);
  assert.equal(jan.baseIndex, 110);
  assert.equal(jan.resumptionOfWorkIndex, 100);
  assert.equal(jan.productionRecoveryRate, 110);
  assert.equal(jan.diffusionIndex, null, 'divisions have no sub-industries');
  // Feb 2024 (29 days): (4 x 20 + 100) x 29 = 5220; daily mean 180 vs 500 (Feb 2023) and 550 (Jan 2024).
  const feb = one(indices, 'month', '2024-02', GZ, '13');
  assert.equal(feb.consumptionKwh, 5220);
  assert.equal(feb.yoyPct, -64);
  assert.equal(feb.momPct, -67.27); // 180 / 550 - 1
  assert.equal(feb.baseIndex, 36);
  assert.equal(feb.resumptionOfWorkIndex, 20); // only A5 is above 30% of its baseline 100
  assert.equal(feb.productionRecoveryRate, 36);
});

test('day cell: the same indices against the previous day and the same day last year', () => {
  const day = one(indices, 'day', '2024-02-01', GZ, '13');
  assert.equal(day.consumptionKwh, 180);
  assert.equal(day.yoyPct, -64);
  assert.equal(day.momPct, -67.27); // vs 2024-01-31 (550)
  assert.equal(day.baseIndex, 36);
  assert.equal(day.resumptionOfWorkIndex, 20);
  assert.equal(day.productionRecoveryRate, 36);
  assert.equal(one(indices, 'day', '2023-03-01', GZ, '13').yoyPct, null, 'no data a year before');
});

test('diffusion index: share of the published divisions that grew, unchanged counting half', () => {
  // Guangzhou section C in Jan 2024: division 13 grew 10%, division 14 unchanged -> (1 + 0.5) / 2.
  const c = one(indices, 'month', '2024-01', GZ, 'C');
  assert.equal(c.suppressed, false);
  assert.equal(c.consumptionKwh, (550 + 1000) * 31);
  assert.equal(c.diffusionIndex, 75);
  // Feb 2024: 13 fell, 14 unchanged -> 25.
  assert.equal(one(indices, 'month', '2024-02', GZ, 'C').diffusionIndex, 25);
});

test('minimum contributors and dominance suppress with a reason and no values', () => {
  const lone = one(indices, 'month', '2024-01', SZ, '45');
  assert.deepEqual(Object.keys(lone).filter((k) => !['periodKind', 'period', 'regionLevel', 'regionCode', 'industryLevel', 'industryCode'].includes(k)).sort(), ['suppressed', 'suppressionReason']);
  assert.equal(lone.suppressed, true);
  assert.match(lone.suppressionReason!, /fewer than 5 contributors/);
  const dominated = one(indices, 'month', '2024-01', GZ, '44');
  assert.equal(dominated.suppressed, true);
  assert.match(dominated.suppressionReason!, /2 largest contributors make up more than 85%/);
  // Day cells follow their month's pattern.
  assert.equal(one(indices, 'day', '2024-01-15', GZ, '44').suppressed, true);
});

test('secondary suppression: no additive relation keeps a single suppressed member', () => {
  const groups = indices.additiveGroups();
  for (let b = 0; b < indices.cube.blocks.length; b++) {
    for (const group of groups) {
      const statuses = [group.parent, ...group.children].map((cell) => indices.status('month', b, cell)).filter((s) => s !== 'empty');
      const hidden = statuses.filter((s) => s !== 'published').length;
      assert.notEqual(hidden, 1, `block ${indices.cube.blocks[b].code}: a relation with exactly one suppressed cell`);
    }
  }
  // Shenzhen's lone customer makes its city total secondary-protected by another city total.
  const sz = one(indices, 'month', '2024-01', SZ, 'ALL');
  assert.equal(sz.suppressed, true);
  const others = [one(indices, 'month', '2024-01', GZ, 'ALL'), one(indices, 'month', '2024-01', FS, 'ALL')];
  assert.ok(others.some((c) => c.suppressed && /secondary/.test(c.suppressionReason!)), 'another city total is withheld');
});

test('published ratios never involve a suppressed cell', () => {
  for (const cell of indices.query({ periodKind: 'month' })) {
    if (cell.suppressed) continue;
    if (cell.yoyPct !== null && cell.yoyPct !== undefined) {
      const prior = `${Number(cell.period.slice(0, 4)) - 1}${cell.period.slice(4)}`;
      assert.equal(one(indices, 'month', prior, cell.regionCode, cell.industryCode).suppressed, false);
    }
  }
});

test('January and February combined against the Spring Festival shift', () => {
  const combined = computeIndices(meterDataFromRows(customers, rows), { ...options, combineJanFeb: true });
  assert.deepEqual(combined.periods('month').filter((p) => p.startsWith('2024')), ['2024-01+02']);
  const cell = one(combined, 'month', '2024-01+02', GZ, '13');
  assert.equal(cell.consumptionKwh, 17050 + 5220);
  // Daily means: (17050 + 5220) / 60 against 500 in Jan+Feb 2023.
  assert.equal(cell.yoyPct, Math.round(((22270 / 60 / 500) - 1) * 10000) / 100);
  assert.equal(cell.momPct, Math.round(((22270 / 60 / 500) - 1) * 10000) / 100, 'previous period is December 2023 (500/day)');
});

test('the resumption threshold and baseline are configurable', () => {
  // With a 10% threshold every A customer (20 > 10) counts as working in Feb 2024.
  const low = computeIndices(meterDataFromRows(customers, rows), { ...options, resumptionThreshold: 0.1 });
  assert.equal(one(low, 'month', '2024-02', GZ, '13').resumptionOfWorkIndex, 100);
  // Baseline Jan 2024 (110/day): Feb's 180/day of 550 -> 32.73%.
  const later = computeIndices(meterDataFromRows(customers, rows), { ...options, baseline: { from: '2024-01-01', to: '2024-01-31' } });
  assert.equal(one(later, 'month', '2024-02', GZ, '13').productionRecoveryRate, 32.73);
  assert.throws(() => computeIndices(meterDataFromRows(customers, rows), { resumptionThreshold: 0 }), /resumptionThreshold/);
});
