// Statistical disclosure control of the released cells. A cell is published only if no single
// customer can be read out of it, alone or from its relation to the other published cells.
//
// Primary rules (per cell, on the month and on every day of the month):
//   - minimum contributors: at least `minContributors` customers (default 5);
//   - (n,k) dominance: the n largest contributors make at most k of the total (default 2, 85%).
// Secondary suppression: the published table is additive along both hierarchies (GBA = province
// = sum of cities; all = sum of sections and households; section = sum of its divisions), so more
// cells are withheld until no suppressed cell is determined by the published ones (see secondary.ts).
// Day tables use the suppression pattern of their month: month = sum of its days, and one pattern
// for all of them keeps that third dimension from rebuilding a cell either.

export interface DisclosureOptions {
  /** Default 5. */
  minContributors?: number;
  /** (n,k) dominance: top `n` contributors at most `k` (share) of the cell. Default { n: 2, k: 0.85 }. */
  dominance?: { n: 2; k: number };
  /**
   * When a suppressed cell needs a partner, prefer partners worth at least this share of it, so
   * the attacker's interval for the suppressed cell is at least that wide. Default 0.2.
   */
  protectionRatio?: number;
}

export type CellStatus = 'published' | 'empty' | 'min-contributors' | 'dominance' | 'secondary';

export const SUPPRESSION_REASONS: Record<Exclude<CellStatus, 'published' | 'empty'>, (o: Required<DisclosureOptions>) => string> = {
  'min-contributors': (o) => `fewer than ${o.minContributors} contributors (minimum contributors rule)`,
  dominance: (o) => `the ${o.dominance.n} largest contributors make up more than ${Math.round(o.dominance.k * 100)}% of the cell (dominance rule)`,
  secondary: () => 'withheld so that another suppressed cell cannot be derived from published totals (secondary suppression)',
};

export function disclosureDefaults(options: DisclosureOptions = {}): Required<DisclosureOptions> {
  const resolved = {
    minContributors: options.minContributors ?? 5,
    dominance: options.dominance ?? { n: 2 as const, k: 0.85 },
    protectionRatio: options.protectionRatio ?? 0.2,
  };
  if (!Number.isInteger(resolved.minContributors) || resolved.minContributors < 1) throw new RangeError('disclosure.minContributors: must be a positive integer');
  if (resolved.dominance.n !== 2) throw new RangeError('disclosure.dominance.n: only n = 2 is supported');
  if (!(resolved.dominance.k > 0 && resolved.dominance.k <= 1)) throw new RangeError('disclosure.dominance.k: must be a share in (0, 1]');
  if (!(resolved.protectionRatio >= 0)) throw new RangeError('disclosure.protectionRatio: must be a non-negative share');
  return resolved;
}

/** The primary verdict for one cell's statistics, or undefined if it may be published. */
export function primaryVerdict(contributors: number, sum: number, top1: number, top2: number, options: Required<DisclosureOptions>): 'min-contributors' | 'dominance' | undefined {
  if (contributors < options.minContributors) return 'min-contributors';
  if (sum > 0 && top1 + top2 > options.dominance.k * sum) return 'dominance';
  return undefined;
}
