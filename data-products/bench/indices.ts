// Benchmark `indices`: ingest and compute the full cube for N meter-day readings (default 10
// million), side by side with DuckDB computing the same aggregates from the same CSV. Both
// results are compared cell by cell (consumption in Wh and contributor counts, every region x
// industry node, every day and month); the ratio of the times is the figure of merit.
//   node data-products/dist/bench/indices.js [--rows 10000000] [--days 730] [--keep]
// Prints one JSON line last and writes bench/results/indices.json at the repository root.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateDataset } from '../src/generator/generate.js';
import { openStore } from '../src/storage/store.js';
import { importCustomers, importReadings } from '../src/ingestion/ingest.js';
import { loadMeterData } from '../src/indices/meter-data.js';
import { computeIndices } from '../src/indices/indices.js';
import { classifications } from '../src/reference/classifications.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '10000000' }, days: { type: 'string', default: '730' }, keep: { type: 'boolean', default: false } } });
const days = Number(values.days);
const customers = Math.max(1, Math.round(Number(values.rows) / days));
const root = new URL('../../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'gridspace-bench-indices-'));
const log = (line: string) => console.error(`[indices] ${line}`);
const seconds = (from: number) => (performance.now() - from) / 1000;

try {
  let t = performance.now();
  const files = generateDataset({ customers, days, start: '2023-01-01', seed: 42, outDir: work });
  log(`generated ${files.readings} readings of ${customers} customers in ${seconds(t).toFixed(1)} s (not timed)`);

  // Gridspace: streaming validated import into SQLite through typeorm, then the full cube with
  // indices and disclosure control.
  t = performance.now();
  const store = await openStore(`sqlite:${join(work, 'gridspace.db')}`);
  await importCustomers(store, files.customersCsv);
  const report = await importReadings(store, files.readingsCsv);
  const ingestSeconds = seconds(t);
  const t2 = performance.now();
  const indices = computeIndices(await loadMeterData(store));
  const cubeSeconds = seconds(t2);
  const gridspaceSeconds = seconds(t);
  await store.close();
  log(`gridspace: ${report.accepted} rows ingested in ${ingestSeconds.toFixed(1)} s, cube in ${cubeSeconds.toFixed(1)} s`);

  // DuckDB: the same CSVs, the same aggregates (sum and distinct contributors per region x
  // industry node, per day and per month), its own storage.
  t = performance.now();
  const duck = await DuckDBInstance.create(join(work, 'duck.db'));
  const connection = await duck.connect();
  const ref = classifications();
  const sections = ref.industries.filter((i) => i.level === 'division').map((i) => `('${i.code}','${i.parent}')`).join(',');
  await connection.run(`CREATE TABLE division_section AS SELECT * FROM (VALUES ${sections}, ('RES','RES')) t(division, section)`);
  await connection.run(`CREATE TABLE customer AS SELECT * FROM read_csv('${files.customersCsv}', header = true, all_varchar = true)`);
  await connection.run(`CREATE TABLE reading AS SELECT * FROM read_csv('${files.readingsCsv}', header = true,
    columns = {'customer_id': 'VARCHAR', 'region_code': 'VARCHAR', 'industry_code': 'VARCHAR', 'date': 'DATE', 'kwh': 'DECIMAL(18,3)'})`);
  const result = await connection.runAndReadAll(`
    WITH r AS (
      SELECT r.customer_id, r.date, strftime(r.date, '%Y-%m') AS month, substr(c.region_code, 1, 4) || '00' AS city,
             CASE WHEN c.industry_code = 'RES' THEN 'RES' ELSE substr(c.industry_code, 1, 2) END AS division, r.kwh
      FROM reading r JOIN customer c USING (customer_id)
    ), rs AS (SELECT r.*, s.section FROM r JOIN division_section s USING (division))
    SELECT 'day' AS kind, strftime(date, '%Y-%m-%d') AS period, city, section, division, CAST(SUM(kwh) * 1000 AS BIGINT) AS wh, COUNT(DISTINCT customer_id) AS n
      FROM rs GROUP BY GROUPING SETS ((date, city, division, section), (date, city, section), (date, city), (date, division, section), (date, section), (date))
    UNION ALL
    SELECT 'month', month, city, section, division, CAST(SUM(kwh) * 1000 AS BIGINT), COUNT(DISTINCT customer_id)
      FROM rs GROUP BY GROUPING SETS ((month, city, division, section), (month, city, section), (month, city), (month, division, section), (month, section), (month))`);
  const duckRows = result.getRows();
  const duckSeconds = seconds(t);
  connection.closeSync();
  log(`duckdb: ${duckRows.length} aggregate rows in ${duckSeconds.toFixed(1)} s`);

  // Compare: every non-empty cube cell against DuckDB's row for it (province = GBA = all cities).
  const expected = new Map<string, [bigint, bigint]>();
  for (const [kind, period, city, section, division, wh, n] of duckRows) {
    const region = city ?? '440000';
    const industry = division ?? section ?? 'ALL';
    expected.set(`${kind}|${period}|${region}|${industry}`, [wh as bigint, n as bigint]);
  }
  const { cube } = indices;
  const slab = cube.regions.length * cube.industries.length;
  let compared = 0;
  let mismatches = 0;
  for (const kind of ['day', 'month'] as const) {
    const stats = kind === 'day' ? cube.day : cube.block;
    const periods = indices.periods(kind);
    for (let p = 0; p < periods.length; p++) {
      for (let r = 0; r < cube.regions.length; r++) {
        for (let i = 0; i < cube.industries.length; i++) {
          const at = p * slab + cube.cellOf(r, i);
          if (stats.contributors[at] === 0) continue;
          const region = cube.regions[r].code === 'GBA' ? '440000' : cube.regions[r].code;
          const want = expected.get(`${kind}|${periods[p]}|${region}|${cube.industries[i].code}`);
          compared++;
          if (!want || BigInt(Math.round(stats.sumWh[at])) !== want[0] || BigInt(stats.contributors[at]) !== want[1]) {
            if (mismatches++ < 5) log(`mismatch ${kind} ${periods[p]} ${region} ${cube.industries[i].code}: gridspace ${stats.sumWh[at]} Wh / ${stats.contributors[at]}, duckdb ${want?.join(' / ')}`);
          }
        }
      }
    }
  }
  const ratio = gridspaceSeconds / duckSeconds;
  const line = {
    bench: 'indices',
    metrics: {
      rows: report.accepted,
      customers,
      days,
      gridspace_seconds: Number(gridspaceSeconds.toFixed(2)),
      gridspace_ingest_seconds: Number(ingestSeconds.toFixed(2)),
      gridspace_cube_seconds: Number(cubeSeconds.toFixed(2)),
      duckdb_seconds: Number(duckSeconds.toFixed(2)),
      gridspace_to_duckdb_ratio: Number(ratio.toFixed(2)),
      cells_compared: compared,
      cells_mismatched: mismatches,
    },
    targets: [
      { name: 'results_match', value: mismatches === 0 ? 1 : 0, min: 1, met: mismatches === 0 && compared > 0 },
      { name: 'gridspace_to_duckdb_ratio', value: Number(ratio.toFixed(2)), max: 2, met: ratio <= 2 },
    ],
  };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'indices.json'), JSON.stringify(line) + '\n');
  console.log(JSON.stringify(line));
  if (mismatches > 0) process.exitCode = 1;
} finally {
  if (!values.keep) rmSync(work, { recursive: true, force: true });
}
