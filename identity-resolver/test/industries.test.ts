// The embedded GB/T 4754-2017 table agrees with the shared reference file, section by section.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GBT4754_SECTIONS, industryProblem } from '../src/node/industries.js';

const csvPath = fileURLToPath(new URL('../../../../shared/reference/gbt4754-2017-sections.csv', import.meta.url));

test('GB/T 4754-2017 sections match shared/reference/gbt4754-2017-sections.csv', () => {
  const rows = readFileSync(csvPath, 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
  assert.equal(rows.length, GBT4754_SECTIONS.length);
  for (const [section, first, last] of rows) {
    const ours = GBT4754_SECTIONS.find((s) => s.section === section);
    assert.ok(ours, `section ${section}`);
    assert.deepEqual([ours.firstDivision, ours.lastDivision], [Number(first), Number(last)], `divisions of ${section}`);
  }
  assert.equal(industryProblem('D', '44'), undefined);
  assert.match(industryProblem('D', '43')!, /not a division of section D \(44-46\)/);
  assert.match(industryProblem('U')!, /not a GB\/T 4754-2017 section/);
});
