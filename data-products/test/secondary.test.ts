// Secondary suppression and the exact determination check on a small hand-made table:
//
//            x1   x2   x3 | total
//   city a   20    3   30 |   53
//   city b   40   50   60 |  150
//   --------------------------------
//   province 60   53   90 |  203
//
// Cells 0..11 as [a1 a2 a3 aT b1 b2 b3 bT p1 p2 p3 pT].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secondarySuppression, type AdditiveGroup } from '../src/disclosure/secondary.js';
import { determinedUnknowns } from '../src/disclosure/linear.js';

const values = [20, 3, 30, 53, 40, 50, 60, 150, 60, 53, 90, 203];
const groups: AdditiveGroup[] = [
  { parent: 3, children: [0, 1, 2] }, { parent: 7, children: [4, 5, 6] }, { parent: 11, children: [8, 9, 10] },
  { parent: 8, children: [0, 4] }, { parent: 9, children: [1, 5] }, { parent: 10, children: [2, 6] }, { parent: 11, children: [3, 7] },
];

function determined(suppressed: number[]): number[] {
  const position = new Map(suppressed.map((c, i) => [c, i]));
  const equations = groups.map((g) => ({
    terms: [[g.parent, 1] as [number, number], ...g.children.map((c): [number, number] => [c, -1])]
      .filter(([c]) => position.has(c)).map(([c, k]): [number, number] => [position.get(c)!, k]),
  })).filter((e) => e.terms.length);
  return determinedUnknowns(suppressed.length, equations).map((i) => suppressed[i]);
}

test('a lone suppressed cell is determined by its margins', () => {
  assert.deepEqual(determined([1]), [1]);
  // Two cells in one row only: each column margin still gives them away.
  assert.deepEqual(determined([1, 2]), [1, 2]);
  // A rectangle (a2, a3, b2, b3) is the classic safe pattern.
  assert.deepEqual(determined([1, 2, 5, 6]), []);
});

test('secondary suppression turns a primary cell into an undetermined pattern', () => {
  const secondary = secondarySuppression({ values, empty: () => false, primary: [1], groups, protectionRatio: 0.2 });
  const pattern = [1, ...secondary].sort((a, b) => a - b);
  assert.ok(pattern.length >= 4, `pattern ${pattern}`);
  assert.deepEqual(determined(pattern), []);
  // Partners are worth at least 20% of the cell they protect where possible: a2 = 3 pairs with a1 = 20 (smallest >= 0.6).
  assert.ok(secondary.has(0), `a1 protects a2 (pattern ${pattern})`);
});

test('a cell whose only companions are empty is protected by its parent', () => {
  const sparse = [...values];
  const empty = new Set([0, 2]); // city a has only x2
  const secondary = secondarySuppression({ values: sparse, empty: (c) => empty.has(c), primary: [1], groups, protectionRatio: 0.2 });
  assert.ok(secondary.has(3), 'city a total (= a2) is withheld');
  const pattern = [1, ...secondary];
  const position = new Map(pattern.map((c, i) => [c, i]));
  const equations = groups.map((g) => ({
    terms: [[g.parent, 1] as [number, number], ...g.children.map((c): [number, number] => [c, -1])]
      .filter(([c]) => position.has(c)).map(([c, k]): [number, number] => [position.get(c)!, k]),
  })).filter((e) => e.terms.length);
  assert.deepEqual(determinedUnknowns(pattern.length, equations), []);
});
