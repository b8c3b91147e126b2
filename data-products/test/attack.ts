// The disclosure attacker: knows every published cell of a month and of each of its days, that
// cells without contributors are zero, that all values are non-negative, and every additive
// relation (both hierarchies, and month = sum of its days). For each suppressed cell it solves two
// linear programs (HiGHS) for the smallest and largest value consistent with all that.
import highsModule from 'highs';
import type { ElectricityIndices } from '../src/indices/indices.js';

// highs ships an ESM build (default export: the loader) but CommonJS-flavoured types.
const highsLoader = highsModule as unknown as (typeof import('highs'))['default'];

export interface AttackResult {
  table: string;
  cell: number;
  value: number;
  low: number;
  high: number;
}

export async function attackBlock(indices: ElectricityIndices, block: number, options: { withDays: boolean; cells?: 'month' | 'all' }): Promise<AttackResult[]> {
  const highs = await highsLoader();
  const { cube } = indices;
  const slab = cube.regions.length * cube.industries.length;
  const groups = indices.additiveGroups();
  const tables: Array<{ name: string; kind: 'month' | 'day'; period: number; values: Float64Array }> = [
    { name: `m${block}`, kind: 'month', period: block, values: cube.block.sumWh.subarray(block * slab, (block + 1) * slab) },
  ];
  if (options.withDays) {
    for (const d of cube.blocks[block].days) tables.push({ name: `d${d}`, kind: 'day', period: d, values: cube.day.sumWh.subarray(d * slab, (d + 1) * slab) });
  }
  const hidden = (t: (typeof tables)[number], cell: number) => {
    const status = indices.status(t.kind, t.period, cell);
    return status !== 'published' && status !== 'empty';
  };
  const known = (t: (typeof tables)[number], cell: number) => (indices.status(t.kind, t.period, cell) === 'empty' ? 0 : t.values[cell] / 1000);
  const variable = (t: (typeof tables)[number], cell: number) => `${t.name}_${cell}`;

  const constraints: string[] = [];
  const variables = new Set<string>();
  const term = (coefficient: number, name: string) => `${coefficient >= 0 ? '+' : '-'} ${Math.abs(coefficient)} ${name}`;
  for (const t of tables) {
    for (const group of groups) {
      const members: Array<[number, number]> = [[group.parent, 1], ...group.children.map((c): [number, number] => [c, -1])];
      const terms: string[] = [];
      let rhs = 0;
      for (const [cell, coefficient] of members) {
        if (hidden(t, cell)) {
          terms.push(term(coefficient, variable(t, cell)));
          variables.add(variable(t, cell));
        } else {
          rhs -= coefficient * known(t, cell);
        }
      }
      if (terms.length) constraints.push(`${terms.join(' ')} = ${rhs.toFixed(3)}`);
    }
  }
  if (options.withDays) {
    const month = tables[0];
    for (let cell = 0; cell < slab; cell++) {
      if (!hidden(month, cell)) continue;
      const terms = [term(1, variable(month, cell))];
      let rhs = 0;
      for (const t of tables.slice(1)) {
        if (hidden(t, cell)) terms.push(term(-1, variable(t, cell)));
        else rhs += known(t, cell);
      }
      constraints.push(`${terms.join(' ')} = ${rhs.toFixed(3)}`);
    }
  }
  const body = `Subject To\n${constraints.map((c, i) => ` c${i}: ${c}`).join('\n')}\nBounds\n${[...variables].map((v) => ` ${v} >= 0`).join('\n')}\nEnd\n`;
  const results: AttackResult[] = [];
  const targets = options.cells === 'all' ? tables : [tables[0]];
  for (const t of targets) {
    for (let cell = 0; cell < slab; cell++) {
      if (!hidden(t, cell)) continue;
      const bound = (sense: 'Minimize' | 'Maximize') => {
        const solution = highs.solve(`${sense}\n obj: ${variable(t, cell)}\n${body}`);
        if (solution.Status === 'Unbounded') return sense === 'Maximize' ? Infinity : -Infinity;
        if (solution.Status !== 'Optimal') throw new Error(`attack LP for ${variable(t, cell)}: ${solution.Status}`);
        return solution.ObjectiveValue;
      };
      results.push({ table: t.name, cell, value: t.values[cell] / 1000, low: bound('Minimize'), high: bound('Maximize') });
    }
  }
  return results;
}
