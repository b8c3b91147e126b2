// Secondary (complementary) suppression on an additive table. Two passes repeat until stable:
//   1. No relation may hold exactly one suppressed member (it would be its parent minus the
//      published children): add a partner from the same relation.
//   2. Exact check: any suppressed cell still determined by the whole system of relations (for
//      example through a chain across both hierarchies) gets one more partner.
// Partners are the smallest non-empty published members worth at least `protectionRatio` of the
// cell they protect (so the cell's feasible interval is at least that wide), else the largest.
import { determinedUnknowns, type Equation } from './linear.js';

/** parent = sum of children, as cell indices of one table. */
export interface AdditiveGroup {
  parent: number;
  children: number[];
}

export interface SuppressionInput {
  /** Value of every cell (used to choose partners). */
  values: ArrayLike<number>;
  /** Cells with no contributors: known to be zero, never suppressed, never partners. */
  empty: (cell: number) => boolean;
  /** Cells suppressed by the primary rules. */
  primary: Iterable<number>;
  groups: AdditiveGroup[];
  protectionRatio: number;
}

/** Returns the cells to suppress in addition to the primary ones. */
export function secondarySuppression(input: SuppressionInput): Set<number> {
  const suppressed = new Set(input.primary);
  const secondary = new Set<number>();
  const groupsOf = new Map<number, AdditiveGroup[]>();
  for (const group of input.groups) {
    for (const cell of [group.parent, ...group.children]) {
      if (!groupsOf.has(cell)) groupsOf.set(cell, []);
      groupsOf.get(cell)!.push(group);
    }
  }
  const suppress = (cell: number) => {
    suppressed.add(cell);
    secondary.add(cell);
  };
  /** Picks and suppresses a partner for `cell` within `group`; false if none is left. */
  const addPartner = (cell: number, group: AdditiveGroup): boolean => {
    const live = (c: number) => c !== cell && !suppressed.has(c) && !input.empty(c);
    // A suppressed parent is rebuilt from its children, so protect it with a child; a suppressed
    // child prefers a sibling (cheaper) over the parent.
    const candidates = group.children.filter(live);
    if (candidates.length === 0 && live(group.parent)) candidates.push(group.parent);
    if (candidates.length === 0) return false;
    const want = input.protectionRatio * Math.abs(input.values[cell]);
    const enough = candidates.filter((c) => input.values[c] >= want);
    const pick = enough.length
      ? enough.reduce((a, b) => (input.values[b] < input.values[a] ? b : a))
      : candidates.reduce((a, b) => (input.values[b] > input.values[a] ? b : a));
    suppress(pick);
    return true;
  };

  for (;;) {
    // Pass 1: singletons in relations, until none is left.
    let changed = true;
    while (changed) {
      changed = false;
      for (const group of input.groups) {
        const members = [group.parent, ...group.children].filter((c) => !input.empty(c));
        const hidden = members.filter((c) => suppressed.has(c));
        if (hidden.length === 1 && addPartner(hidden[0], group)) changed = true;
      }
    }
    // Pass 2: exact determination by the whole system.
    const unknowns = [...suppressed].sort((a, b) => a - b);
    const position = new Map(unknowns.map((c, i) => [c, i]));
    const equations: Equation[] = [];
    for (const group of input.groups) {
      const terms: Array<[number, number]> = [];
      if (position.has(group.parent)) terms.push([position.get(group.parent)!, 1]);
      for (const child of group.children) if (position.has(child)) terms.push([position.get(child)!, -1]);
      if (terms.length) equations.push({ terms });
    }
    const determined = determinedUnknowns(unknowns.length, equations).map((i) => unknowns[i]);
    if (determined.length === 0) return secondary;
    let added = false;
    for (const cell of determined) {
      for (const group of groupsOf.get(cell) ?? []) {
        if (addPartner(cell, group)) {
          added = true;
          break;
        }
      }
    }
    // Nothing left to hide next to a determined cell: only when everything around it is hidden or
    // empty, which cannot determine it; guard against looping anyway.
    if (!added) return secondary;
  }
}
