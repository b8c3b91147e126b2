// The data product's released table: consumption and the economic indices per region x industry
// x period, with disclosure control applied to every cell.
import type { IndustryNodeLevel, RegionNodeLevel } from '../reference/classifications.js';
import { RESIDENTIAL } from '../reference/classifications.js';
import { disclosureDefaults, primaryVerdict, SUPPRESSION_REASONS, type CellStatus, type DisclosureOptions } from '../disclosure/rules.js';
import { secondarySuppression, type AdditiveGroup } from '../disclosure/secondary.js';
import { buildCube, firstMonthRange, type Cube, type CubeOptions, type DateRange } from './cube.js';
import { addMonths, sameDayLastYear } from './dates.js';
import type { MeterData } from './meter-data.js';

export type PeriodKind = 'day' | 'month';

export interface IndexOptions extends CubeOptions {
  /** Base period of the base-period index (= 100). Default: first calendar month of the data. */
  basePeriod?: DateRange;
  /** Growth the diffusion index counts: year-on-year (default) or month-on-month. */
  diffusionBasis?: 'yoy' | 'mom';
  disclosure?: DisclosureOptions;
}

export interface IndexCell {
  periodKind: PeriodKind;
  /** YYYY-MM-DD, YYYY-MM, or YYYY-01+02 when January and February are combined. */
  period: string;
  regionLevel: RegionNodeLevel;
  regionCode: string;
  industryLevel: IndustryNodeLevel;
  industryCode: string;
  suppressed: boolean;
  /** Why the cell is withheld (suppressed cells only). */
  suppressionReason?: string;
  /** The following are absent on suppressed cells; null where the index is undefined or would disclose. */
  consumptionKwh?: number;
  /** Growth against the same period a year earlier, %. */
  yoyPct?: number | null;
  /** Growth against the previous period (previous month; previous day for day cells), %. */
  momPct?: number | null;
  /** Mean daily consumption relative to the base period's, base = 100. */
  baseIndex?: number | null;
  /** Share of enterprises using more than the threshold of their baseline daily mean, %. */
  resumptionOfWorkIndex?: number | null;
  /** Enterprises' daily use relative to their baseline daily use, %. */
  productionRecoveryRate?: number | null;
  /** Share of the industries one level down that grew (unchanged count half), %. */
  diffusionIndex?: number | null;
}

export interface IndexQuery {
  periodKind: PeriodKind;
  /** Inclusive bounds on the period code. */
  from?: string;
  to?: string;
  regionLevels?: RegionNodeLevel[];
  regionCodes?: string[];
  industryLevels?: IndustryNodeLevel[];
  industryCodes?: string[];
}

const STATUS_CODES: CellStatus[] = ['published', 'empty', 'min-contributors', 'dominance', 'secondary'];
const PUBLISHED = 0;
const EMPTY = 1;

const round2 = (x: number) => Math.round(x * 100) / 100;

export class ElectricityIndices {
  readonly cube: Cube;
  readonly basePeriod: DateRange;
  private readonly disclosure: Required<DisclosureOptions>;
  /** Status code per block cell, [block * slab + cell]. */
  private readonly blockStatus: Uint8Array;
  private readonly slab: number;
  private readonly dateIndex: Map<string, number>;
  private readonly blockIndex: Map<string, number>;
  private readonly childrenOf: Map<number, number[]>;
  private readonly baseDays: number[] = [];
  private readonly baseBlocks = new Set<number>();

  constructor(data: MeterData, private readonly options: IndexOptions = {}) {
    this.disclosure = disclosureDefaults(options.disclosure);
    this.cube = buildCube(data, options);
    this.basePeriod = options.basePeriod ?? firstMonthRange(data.dates);
    this.slab = this.cube.regions.length * this.cube.industries.length;
    this.dateIndex = new Map(this.cube.dates.map((d, i) => [d, i]));
    this.blockIndex = new Map(this.cube.blocks.map((b, i) => [b.code, i]));
    this.childrenOf = new Map();
    this.cube.industries.forEach((node, i) => {
      if (node.parent === undefined || node.code === RESIDENTIAL) return;
      const parent = this.cube.industryIndex.get(node.parent)!;
      if (!this.childrenOf.has(parent)) this.childrenOf.set(parent, []);
      this.childrenOf.get(parent)!.push(i);
    });
    this.cube.dates.forEach((date, d) => {
      if (date < this.basePeriod.from || date > this.basePeriod.to) return;
      this.baseDays.push(d);
      this.baseBlocks.add(this.cube.blockOfDay[d]);
    });
    this.blockStatus = new Uint8Array(this.cube.blocks.length * this.slab);
    const groups = this.additiveGroups();
    this.cube.blocks.forEach((_, b) => this.protectBlock(b, groups));
  }

  /** The additive relations of one period's table, as offsets inside the slab. */
  additiveGroups(): AdditiveGroup[] {
    const { regions, industries, regionIndex, industryIndex, cellOf } = this.cube;
    const groups: AdditiveGroup[] = [];
    const childrenBy = <T extends { code: string; parent?: string }>(nodes: T[], index: Map<string, number>) => {
      const map = new Map<number, number[]>();
      for (const node of nodes) {
        if (node.parent === undefined) continue;
        const p = index.get(node.parent)!;
        if (!map.has(p)) map.set(p, []);
        map.get(p)!.push(index.get(node.code)!);
      }
      return map;
    };
    const regionChildren = childrenBy(regions, regionIndex);
    const industryChildren = childrenBy(industries, industryIndex);
    for (let i = 0; i < industries.length; i++) {
      for (const [p, children] of regionChildren) groups.push({ parent: cellOf(p, i), children: children.map((c) => cellOf(c, i)) });
    }
    for (let r = 0; r < regions.length; r++) {
      for (const [p, children] of industryChildren) groups.push({ parent: cellOf(r, p), children: children.map((c) => cellOf(r, c)) });
    }
    return groups;
  }

  private protectBlock(b: number, groups: AdditiveGroup[]): void {
    const { block, day } = this.cube;
    const slab = this.slab;
    const offset = b * slab;
    const primary: number[] = [];
    for (let cell = 0; cell < slab; cell++) {
      const at = offset + cell;
      if (block.contributors[at] === 0) {
        this.blockStatus[at] = EMPTY;
        continue;
      }
      let verdict = primaryVerdict(block.contributors[at], block.sumWh[at], block.top1[at], block.top2[at], this.disclosure);
      for (const d of this.cube.blocks[b].days) {
        if (verdict) break;
        const dayAt = d * slab + cell;
        if (day.contributors[dayAt] > 0) verdict = primaryVerdict(day.contributors[dayAt], day.sumWh[dayAt], day.top1[dayAt], day.top2[dayAt], this.disclosure);
      }
      if (verdict) {
        this.blockStatus[at] = STATUS_CODES.indexOf(verdict);
        primary.push(cell);
      }
    }
    const secondary = secondarySuppression({
      values: block.sumWh.subarray(offset, offset + slab),
      empty: (cell) => this.blockStatus[offset + cell] === EMPTY,
      primary,
      groups,
      protectionRatio: this.disclosure.protectionRatio,
    });
    for (const cell of secondary) this.blockStatus[offset + cell] = STATUS_CODES.indexOf('secondary');
  }

  /** Status of a cell: day cells follow their month's pattern. */
  status(kind: PeriodKind, period: number, cell: number): CellStatus {
    if (kind === 'month') return STATUS_CODES[this.blockStatus[period * this.slab + cell]];
    const blockCode = this.blockStatus[this.cube.blockOfDay[period] * this.slab + cell];
    if (blockCode === PUBLISHED && this.cube.day.contributors[period * this.slab + cell] === 0) return 'empty';
    return STATUS_CODES[blockCode];
  }

  periods(kind: PeriodKind): string[] {
    return kind === 'day' ? this.cube.dates : this.cube.blocks.map((b) => b.code);
  }

  /** Released cells matching the query (empty cells, with no contributor at all, are left out). */
  *query(query: IndexQuery): Generator<IndexCell> {
    const { regions, industries, cellOf } = this.cube;
    const periods = this.periods(query.periodKind);
    const regionCodes = query.regionCodes && new Set(query.regionCodes);
    const industryCodes = query.industryCodes && new Set(query.industryCodes);
    for (let p = 0; p < periods.length; p++) {
      if ((query.from && periods[p] < query.from) || (query.to && periods[p] > query.to)) continue;
      for (let r = 0; r < regions.length; r++) {
        const region = regions[r];
        if (query.regionLevels && !query.regionLevels.includes(region.level)) continue;
        if (regionCodes && !regionCodes.has(region.code)) continue;
        for (let i = 0; i < industries.length; i++) {
          const industry = industries[i];
          if (query.industryLevels && !query.industryLevels.includes(industry.level)) continue;
          if (industryCodes && !industryCodes.has(industry.code)) continue;
          const cell = this.cell(query.periodKind, p, cellOf(r, i));
          if (cell) yield cell;
        }
      }
    }
  }

  /** One released cell, or undefined if it has no contributor. */
  cell(kind: PeriodKind, period: number, cell: number): IndexCell | undefined {
    const status = this.status(kind, period, cell);
    if (status === 'empty') return undefined;
    const { regions, industries } = this.cube;
    const nI = industries.length;
    const region = regions[Math.floor(cell / nI)];
    const industry = industries[cell % nI];
    const head = {
      periodKind: kind, period: this.periods(kind)[period],
      regionLevel: region.level, regionCode: region.code, industryLevel: industry.level, industryCode: industry.code,
    };
    if (status !== 'published') return { ...head, suppressed: true, suppressionReason: SUPPRESSION_REASONS[status](this.disclosure) };
    const stats = kind === 'day' ? this.cube.day : this.cube.block;
    const at = period * this.slab + cell;
    const enterprises = stats.enterprises[at];
    return {
      ...head,
      suppressed: false,
      consumptionKwh: Math.round(stats.sumWh[at]) / 1000,
      yoyPct: this.growth(kind, period, this.yearAgo(kind, period), cell),
      momPct: this.growth(kind, period, period - 1, cell),
      baseIndex: this.baseIndex(kind, period, cell),
      resumptionOfWorkIndex: enterprises > 0 ? round2((stats.resumed[at] / enterprises) * 100) : null,
      productionRecoveryRate: stats.enterpriseBaselineWh[at] > 0 ? round2((stats.enterpriseCurrentWh[at] / stats.enterpriseBaselineWh[at]) * 100) : null,
      diffusionIndex: this.diffusion(kind, period, cell),
    };
  }

  private yearAgo(kind: PeriodKind, period: number): number {
    const code = this.periods(kind)[period];
    if (kind === 'day') {
      const prior = sameDayLastYear(code);
      return prior === undefined ? -1 : (this.dateIndex.get(prior) ?? -1);
    }
    const prior = code.endsWith('+02') ? `${Number(code.slice(0, 4)) - 1}-01+02` : addMonths(code, -12);
    return this.blockIndex.get(prior) ?? -1;
  }

  /** Growth in % of `cell` from period `prior` to `period`; null unless both are published (a ratio to a hidden value would disclose it). */
  private growth(kind: PeriodKind, period: number, prior: number, cell: number): number | null {
    if (prior < 0) return null;
    if (this.status(kind, period, cell) !== 'published' || this.status(kind, prior, cell) !== 'published') return null;
    const stats = kind === 'day' ? this.cube.day : this.cube.block;
    const before = stats.sumWh[prior * this.slab + cell];
    if (before <= 0) return null;
    // Compare daily means so months of different length are comparable.
    const now = stats.sumWh[period * this.slab + cell] / this.length(kind, period);
    const then = before / this.length(kind, prior);
    return round2((now / then - 1) * 100);
  }

  private length(kind: PeriodKind, period: number): number {
    return kind === 'day' ? 1 : this.cube.blocks[period].days.length;
  }

  private baseIndex(kind: PeriodKind, period: number, cell: number): number | null {
    // The base is published only as part of published months; otherwise the index would reveal it.
    for (const b of this.baseBlocks) if (this.status('month', b, cell) !== 'published') return null;
    let baseWh = 0;
    for (const d of this.baseDays) baseWh += this.cube.day.sumWh[d * this.slab + cell];
    const baseDays = this.baseDays.length;
    if (baseDays === 0 || baseWh <= 0) return null;
    const stats = kind === 'day' ? this.cube.day : this.cube.block;
    const meanDaily = stats.sumWh[period * this.slab + cell] / this.length(kind, period);
    return round2((meanDaily / (baseWh / baseDays)) * 100);
  }

  private diffusion(kind: PeriodKind, period: number, cell: number): number | null {
    const nI = this.cube.industries.length;
    const r = Math.floor(cell / nI);
    const children = this.childrenOf.get(cell % nI);
    if (!children) return null;
    const prior = this.options.diffusionBasis === 'mom' ? period - 1 : this.yearAgo(kind, period);
    let counted = 0;
    let score = 0;
    for (const child of children) {
      const growth = this.growth(kind, period, prior, r * nI + child);
      if (growth === null) continue;
      counted++;
      score += growth > 0 ? 1 : growth === 0 ? 0.5 : 0;
    }
    return counted ? round2((score / counted) * 100) : null;
  }
}

export function computeIndices(data: MeterData, options: IndexOptions = {}): ElectricityIndices {
  return new ElectricityIndices(data, options);
}
