// Which suppressed cells are pinned down by the published table's equations. Unknowns are the
// suppressed cells; every additive relation (parent = sum of children) that touches one gives an
// equation whose published members move to the right-hand side. A cell is determined exactly when
// its unit vector lies in the row space, i.e. in reduced row echelon form it is a pivot whose row
// has no other entry. (Suppressed values are positive, so non-negativity adds no further pin.)

export interface Equation {
  /** Unknown indices with coefficients (+1 parent, -1 child). */
  terms: Array<[number, number]>;
}

const EPS = 1e-9;

/** Indices (into 0..unknowns-1) of the unknowns the equations determine. */
export function determinedUnknowns(unknowns: number, equations: Equation[]): number[] {
  // Work per connected component: independent systems, far smaller matrices.
  const parent = Array.from({ length: unknowns }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  for (const eq of equations) for (let t = 1; t < eq.terms.length; t++) parent[find(eq.terms[t][0])] = find(eq.terms[0][0]);
  const components = new Map<number, { vars: number[]; eqs: Equation[] }>();
  for (let v = 0; v < unknowns; v++) {
    const root = find(v);
    if (!components.has(root)) components.set(root, { vars: [], eqs: [] });
    components.get(root)!.vars.push(v);
  }
  for (const eq of equations) if (eq.terms.length) components.get(find(eq.terms[0][0]))!.eqs.push(eq);

  const determined: number[] = [];
  for (const { vars, eqs } of components.values()) {
    if (eqs.length === 0) continue;
    const column = new Map(vars.map((v, i) => [v, i]));
    const n = vars.length;
    const rows = eqs.map((eq) => {
      const row = new Float64Array(n);
      for (const [v, coefficient] of eq.terms) row[column.get(v)!] += coefficient;
      return row;
    });
    const pivotRowOfColumn = rref(rows, n);
    for (const [col, r] of pivotRowOfColumn) {
      let alone = true;
      for (let j = 0; j < n && alone; j++) if (j !== col && Math.abs(rows[r][j]) > EPS) alone = false;
      if (alone) determined.push(vars[col]);
    }
  }
  return determined.sort((a, b) => a - b);
}

/** In-place reduced row echelon form; returns pivot column -> row. */
function rref(rows: Float64Array[], n: number): Map<number, number> {
  const pivots = new Map<number, number>();
  let r = 0;
  for (let col = 0; col < n && r < rows.length; col++) {
    let best = -1;
    for (let i = r; i < rows.length; i++) if (Math.abs(rows[i][col]) > EPS && (best < 0 || Math.abs(rows[i][col]) > Math.abs(rows[best][col]))) best = i;
    if (best < 0) continue;
    [rows[r], rows[best]] = [rows[best], rows[r]];
    const pivotRow = rows[r];
    const scale = pivotRow[col];
    for (let j = 0; j < n; j++) pivotRow[j] /= scale;
    for (let i = 0; i < rows.length; i++) {
      if (i === r) continue;
      const factor = rows[i][col];
      if (Math.abs(factor) <= EPS) continue;
      const row = rows[i];
      for (let j = 0; j < n; j++) row[j] -= factor * pivotRow[j];
      row[col] = 0;
    }
    pivots.set(col, r);
    r++;
  }
  return pivots;
}
