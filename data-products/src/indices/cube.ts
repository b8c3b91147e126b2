// The consumption cube: for every region x industry node of the two hierarchies and every period
// (day, and month -- or January+February combined), the sums the indices and the disclosure rules
// need. Each customer adds its values to the cells of its leaf and all their ancestors.
import { classifications, type IndustryNode, type RegionNode } from '../reference/classifications.js';
import type { MeterData } from './meter-data.js';

export interface DateRange {
  from: string;
  to: string;
}

export interface CubeOptions {
  /** Enterprises' baseline (normal) period for the resumption-of-work index. Default: first calendar month of the data. */
  baseline?: DateRange;
  /** Share of its baseline daily mean above which an enterprise counts as working. Default 0.3. */
  resumptionThreshold?: number;
  /** Publish January and February as one period (YYYY-01+02) against the Spring Festival shift. Default false. */
  combineJanFeb?: boolean;
}

/** A month, or January+February combined: the unit of the monthly table and of suppression patterns. */
export interface Block {
  code: string;
  /** Indices into MeterData.dates. */
  days: number[];
}

/** Per-cell statistics of one period kind, at [(period * regions + region) * industries + industry]. */
export class CellStats {
  readonly sumWh: Float64Array;
  readonly contributors: Int32Array;
  readonly top1: Float64Array;
  readonly top2: Float64Array;
  /** Enterprises with a positive baseline daily mean (denominator of the resumption index). */
  readonly enterprises: Int32Array;
  readonly resumed: Int32Array;
  /** Sum of those enterprises' daily use in the period (mean per day for blocks), and of their baselines. */
  readonly enterpriseCurrentWh: Float64Array;
  readonly enterpriseBaselineWh: Float64Array;

  constructor(readonly size: number) {
    this.sumWh = new Float64Array(size);
    this.contributors = new Int32Array(size);
    this.top1 = new Float64Array(size);
    this.top2 = new Float64Array(size);
    this.enterprises = new Int32Array(size);
    this.resumed = new Int32Array(size);
    this.enterpriseCurrentWh = new Float64Array(size);
    this.enterpriseBaselineWh = new Float64Array(size);
  }

  add(cell: number, wh: number): void {
    this.sumWh[cell] += wh;
    this.contributors[cell]++;
    if (wh > this.top1[cell]) {
      this.top2[cell] = this.top1[cell];
      this.top1[cell] = wh;
    } else if (wh > this.top2[cell]) {
      this.top2[cell] = wh;
    }
  }

  /** Adds each leaf cell into its ancestors, in every period slab (leaves must be disjoint). */
  rollUp(periods: number, slab: number, leaves: readonly { leaf: number; ancestors: readonly number[] }[]): void {
    for (let p = 0; p < periods; p++) {
      const base = p * slab;
      for (const { leaf, ancestors } of leaves) {
        const from = base + leaf;
        if (this.contributors[from] === 0 && this.enterprises[from] === 0) continue;
        for (const ancestor of ancestors) {
          const to = base + ancestor;
          this.sumWh[to] += this.sumWh[from];
          this.contributors[to] += this.contributors[from];
          this.enterprises[to] += this.enterprises[from];
          this.resumed[to] += this.resumed[from];
          this.enterpriseCurrentWh[to] += this.enterpriseCurrentWh[from];
          this.enterpriseBaselineWh[to] += this.enterpriseBaselineWh[from];
          this.mergeTop(to, this.top1[from]);
          this.mergeTop(to, this.top2[from]);
        }
      }
    }
  }

  private mergeTop(cell: number, wh: number): void {
    if (wh > this.top1[cell]) {
      this.top2[cell] = this.top1[cell];
      this.top1[cell] = wh;
    } else if (wh > this.top2[cell]) {
      this.top2[cell] = wh;
    }
  }

  addEnterprise(cell: number, currentWh: number, baselineWh: number, resumed: boolean): void {
    this.enterprises[cell]++;
    if (resumed) this.resumed[cell]++;
    this.enterpriseCurrentWh[cell] += currentWh;
    this.enterpriseBaselineWh[cell] += baselineWh;
  }
}

export interface Cube {
  regions: RegionNode[];
  industries: IndustryNode[];
  regionIndex: Map<string, number>;
  industryIndex: Map<string, number>;
  dates: string[];
  blocks: Block[];
  /** Block index of each date. */
  blockOfDay: Int32Array;
  day: CellStats;
  block: CellStats;
  baseline: DateRange;
  /** Offset of (region, industry) inside one period's slab. */
  cellOf(region: number, industry: number): number;
}

export function firstMonthRange(dates: string[]): DateRange {
  const month = dates[0]?.slice(0, 7) ?? '1970-01';
  const inMonth = dates.filter((d) => d.startsWith(month));
  return { from: inMonth[0] ?? `${month}-01`, to: inMonth[inMonth.length - 1] ?? `${month}-01` };
}

export function blockCode(date: string, combineJanFeb: boolean): string {
  const month = date.slice(0, 7);
  if (combineJanFeb && (month.endsWith('-01') || month.endsWith('-02'))) return `${date.slice(0, 4)}-01+02`;
  return month;
}

export function buildCube(data: MeterData, options: CubeOptions = {}): Cube {
  const ref = classifications();
  const regions = ref.regions;
  const industries = ref.industries;
  const regionIndex = new Map(regions.map((r, i) => [r.code, i]));
  const industryIndex = new Map(industries.map((n, i) => [n.code, i]));
  const nR = regions.length;
  const nI = industries.length;
  const slab = nR * nI;
  const cellOf = (r: number, i: number) => r * nI + i;
  const days = data.dates.length;
  const threshold = options.resumptionThreshold ?? 0.3;
  if (!(threshold > 0 && threshold <= 10)) throw new RangeError('resumptionThreshold: must be a positive share of the baseline (e.g. 0.3)');
  const baseline = options.baseline ?? firstMonthRange(data.dates);

  const blocks: Block[] = [];
  const blockOfDay = new Int32Array(days);
  for (let d = 0; d < days; d++) {
    const code = blockCode(data.dates[d], options.combineJanFeb ?? false);
    if (blocks.length === 0 || blocks[blocks.length - 1].code !== code) blocks.push({ code, days: [] });
    blocks[blocks.length - 1].days.push(d);
    blockOfDay[d] = blocks.length - 1;
  }
  const baselineDays: number[] = [];
  for (let d = 0; d < days; d++) if (data.dates[d] >= baseline.from && data.dates[d] <= baseline.to) baselineDays.push(d);

  const day = new CellStats(days * slab);
  const block = new CellStats(blocks.length * slab);
  // Each customer adds its values to its leaf cell (city x division) only; the ancestors are
  // rolled up from the leaves afterwards, per period slab. Leaves hold disjoint customers, so sums
  // and contributor counts add up and the top two of a parent are the top two of its leaves' tops.
  const leafOf = new Map<string, { leaf: number; ancestors: number[] }>();
  const blockSums = new Float64Array(blocks.length);
  const blockHas = new Uint8Array(blocks.length);
  const wh = data.wh;

  data.customers.forEach((customer, c) => {
    const key = `${customer.city}/${customer.division}`;
    let entry = leafOf.get(key);
    if (!entry) {
      const cells: number[] = [];
      for (const r of ref.regionPath(customer.city)) for (const i of ref.industryPath(customer.division)) {
        const ri = regionIndex.get(r);
        const ii = industryIndex.get(i);
        if (ri !== undefined && ii !== undefined) cells.push(cellOf(ri, ii));
      }
      const ri = regionIndex.get(customer.city);
      const ii = industryIndex.get(customer.division);
      if (ri === undefined || ii === undefined) return; // not in the hierarchies: contributes nowhere
      const leaf = cellOf(ri, ii);
      entry = { leaf, ancestors: cells.filter((cell) => cell !== leaf) };
      leafOf.set(key, entry);
    }
    const leaf = entry.leaf;
    const row = c * days;
    const enterprise = customer.kind === 'enterprise';
    let baselineWh = 0;
    if (enterprise) {
      for (const d of baselineDays) baselineWh += wh[row + d] || 0; // NaN (no reading) counts as 0
      baselineWh = baselineDays.length ? baselineWh / baselineDays.length : 0;
    }
    const tracksResumption = enterprise && baselineWh > 0;
    const limit = threshold * baselineWh;
    blockSums.fill(0);
    blockHas.fill(0);
    for (let d = 0; d < days; d++) {
      const value = wh[row + d];
      const at = d * slab + leaf;
      const present = value === value; // not NaN
      if (present) {
        day.add(at, value);
        blockSums[blockOfDay[d]] += value;
        blockHas[blockOfDay[d]] = 1;
      }
      if (tracksResumption) {
        const current = present ? value : 0;
        day.addEnterprise(at, current, baselineWh, current > limit);
      }
    }
    for (let b = 0; b < blocks.length; b++) {
      const at = b * slab + leaf;
      if (blockHas[b]) block.add(at, blockSums[b]);
      if (tracksResumption) {
        const meanDaily = blockSums[b] / blocks[b].days.length;
        block.addEnterprise(at, meanDaily, baselineWh, meanDaily > limit);
      }
    }
  });
  const leaves = [...leafOf.values()];
  day.rollUp(days, slab, leaves);
  block.rollUp(blocks.length, slab, leaves);
  return { regions, industries, regionIndex, industryIndex, dates: data.dates, blocks, blockOfDay, day, block, baseline, cellOf };
}
