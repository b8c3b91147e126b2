// `gridspace indices ...`: the grid operator imports meter readings and computes the indices
// locally (its own data, in the data folder); a partner exports them as CSV through the gateway,
// under its agreement (each page is a release with a usage receipt on the ledger).
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ImportReport, IndexCell, IndexQuery } from '@gridspace/data-products';
import { action, CliError, dataDir, gatewayQuery, progress, runningNetwork, tokenFor } from './context.js';
import { count, emit, table, wantsJson } from './output.js';

const CELL_FIELDS = ['periodKind', 'period', 'regionLevel', 'regionCode', 'regionName', 'industryLevel', 'industryCode', 'industryName', 'suppressed', 'suppressionReason', 'consumptionKwh', 'yoyPct', 'momPct', 'baseIndex', 'resumptionOfWorkIndex', 'productionRecoveryRate', 'diffusionIndex'] as const;

interface QueryOptions {
  periodKind: string;
  regionLevel?: string[];
  industryLevel?: string[];
  region?: string[];
  industry?: string[];
  from?: string;
  to?: string;
}

function queryOf(options: QueryOptions): IndexQuery {
  const kind = options.periodKind.toLowerCase();
  if (kind !== 'month' && kind !== 'day') throw new CliError(`--period-kind: must be month or day, not "${options.periodKind}"`);
  const levels = (values: string[] | undefined, allowed: string[], option: string) => {
    for (const value of values ?? []) if (!allowed.includes(value.toLowerCase())) throw new CliError(`${option}: must be one of ${allowed.join(', ')}, not "${value}"`);
    return values?.map((v) => v.toLowerCase());
  };
  return {
    periodKind: kind,
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
    ...(options.regionLevel ? { regionLevels: levels(options.regionLevel, ['city', 'province', 'gba'], '--region-level') } : {}),
    ...(options.industryLevel ? { industryLevels: levels(options.industryLevel, ['division', 'section', 'all'], '--industry-level') } : {}),
    ...(options.region ? { regionCodes: options.region } : {}),
    ...(options.industry ? { industryCodes: options.industry } : {}),
  } as IndexQuery;
}

function queryOptions(command: Command): Command {
  return command
    .option('--period-kind <kind>', 'month or day', 'month')
    .option('--region-level <level...>', 'city, province, gba')
    .option('--industry-level <level...>', 'division, section, all')
    .option('--region <code...>', 'GB/T 2260 codes, e.g. 440100 (or GBA)')
    .option('--industry <code...>', 'GB/T 4754 sections / divisions, RES, ALL')
    .option('--from <period>', 'first period, YYYY-MM or YYYY-MM-DD')
    .option('--to <period>', 'last period');
}

/** An import for people: a line per file, then its first bad rows. */
export function importText(reports: ImportReport[]): string {
  return reports
    .flatMap((r) => [
      `${r.kind}: ${r.file}: ${r.status === 'unchanged' ? 'unchanged (imported before)' : 'imported'}, ${count(r.rows, 'row')} (${r.accepted} accepted, ${r.rejected} rejected)`,
      ...r.errors.slice(0, 10).map((e) => `  line ${e.line}, ${e.field}: ${e.reason}`),
      ...(r.errors.length > 10 ? [`  ... and ${r.errors.length - 10} more`] : []),
    ])
    .join('\n');
}

const figure = (value: number | null | undefined) => (value === null || value === undefined ? '-' : String(Math.round(value * 10) / 10));

/** Index cells as a table; a suppressed cell shows why instead of its figures. */
export function cellTable(cells: IndexCell[]): string {
  return table(
    ['PERIOD', 'REGION', 'INDUSTRY', 'KWH', 'YOY%', 'MOM%', 'BASE', 'RESUMPTION', 'RECOVERY', 'DIFFUSION', 'NOTE'],
    cells.map((c) => [
      c.period,
      `${c.regionLevel} ${c.regionCode}`,
      `${c.industryLevel} ${c.industryCode}`,
      ...[c.consumptionKwh, c.yoyPct, c.momPct, c.baseIndex, c.resumptionOfWorkIndex, c.productionRecoveryRate, c.diffusionIndex].map(figure),
      c.suppressed ? `suppressed: ${c.suppressionReason ?? 'disclosure control'}` : '',
    ]),
  );
}

const databaseOf = (dir: string) => `sqlite:${join(dir, 'data-products.db')}`;

export function indicesCommands(root: Command): void {
  const indices = root.command('indices').description('electricity economic indices: import readings, compute, export');

  indices
    .command('import')
    .description("the grid operator: import meter data CSVs into the data folder's store (a running network recomputes within seconds)")
    .argument('<customers.csv>', 'customer_id,kind,region_code,industry_code')
    .argument('<readings.csv>', 'customer_id,region_code,industry_code,date,kwh')
    .option('--max-error-share <share>', 'largest share of bad rows before the whole file is refused', '0.01')
    .action(
      action(async (customers: string, readings: string, options: { maxErrorShare: string }, command: Command) => {
        const share = Number(options.maxErrorShare);
        if (!(share >= 0 && share <= 1)) throw new CliError(`--max-error-share: must be a number from 0 to 1, not "${options.maxErrorShare}"`);
        const { importCustomers, importReadings, ImportRejectedError, openStore } = await import('@gridspace/data-products');
        const store = await openStore(databaseOf(dataDir(command)));
        try {
          const reports: ImportReport[] = [];
          for (const [index, [kind, file]] of ([['customers', customers], ['readings', readings]] as const).entries()) {
            progress(`importing ${kind}`, index, 2);
            const run = kind === 'customers' ? importCustomers : importReadings;
            try {
              reports.push(await run(store, resolve(file), { maxErrorShare: share }));
            } catch (error) {
              if (error instanceof ImportRejectedError) throw new CliError(`${file}: ${error.message}`);
              throw error;
            }
          }
          progress('importing', 2, 2);
          emit(command, reports.map((r) => ({ kind: r.kind, file: r.file, status: r.status, rows: r.rows, errors: r.errors.slice(0, 10) })), () => importText(reports));
        } finally {
          await store.close();
        }
      }),
    );

  queryOptions(indices.command('compute').description("the grid operator: compute the indices from the data folder's readings (with disclosure control) and print them"))
    .option('--limit <n>', 'cells to print', '20')
    .action(
      action(async (options: QueryOptions & { limit: string }, command: Command) => {
        const query = queryOf(options);
        const { computeIndices, loadMeterData, openStore } = await import('@gridspace/data-products');
        const store = await openStore(databaseOf(dataDir(command)));
        try {
          const started = Date.now();
          process.stderr.write('computing the cube, indices and disclosure control ...\n');
          const cells = [...computeIndices(await loadMeterData(store)).query(query)];
          const suppressed = cells.filter((c) => c.suppressed).length;
          const result = { cells: cells.length, suppressed, published: cells.length - suppressed, seconds: (Date.now() - started) / 1000, first: cells.slice(0, Number(options.limit)) };
          emit(command, result, (r) => `${count(r.cells, 'cell')} (${r.published} published, ${r.suppressed} suppressed) in ${r.seconds.toFixed(2)} s${r.first.length ? `; the first ${r.first.length}:\n${cellTable(r.first)}` : ''}`);
        } finally {
          await store.close();
        }
      }),
    );

  queryOptions(indices.command('export').description('a partner: pull the indices through the gateway under its agreement and write them as CSV'))
    .option('--as <org>', 'consumer org', 'gd-drc')
    .option('--purpose <purpose>', 'purpose of this use', 'macro-economic-monitoring')
    .option('--out <file>', 'CSV file (default: stdout)')
    .option('--page-size <n>', 'cells per request (each request is one release)', '5000')
    .action(
      action(async (options: QueryOptions & { as: string; purpose: string; out?: string; pageSize: string }, command: Command) => {
        const dir = dataDir(command);
        const network = runningNetwork(dir);
        const token = await tokenFor(dir, { org: options.as });
        const query = queryOf(options);
        const gqlQuery = {
          ...query,
          periodKind: query.periodKind.toUpperCase(),
          ...(query.regionLevels ? { regionLevels: query.regionLevels.map((l) => l.toUpperCase()) } : {}),
          ...(query.industryLevels ? { industryLevels: query.industryLevels.map((l) => l.toUpperCase()) } : {}),
        };
        const rows: Array<Record<string, unknown>> = [];
        let after: string | null = null;
        let total = 0;
        do {
          const data: { electricityIndices: { totalCount: number; nextCursor: string | null; cells: Array<Record<string, unknown>> } } = await gatewayQuery(
            network,
            token,
            `query($q: ElectricityIndexQuery!, $first: Int, $after: String) { electricityIndices(query: $q, first: $first, after: $after) { totalCount nextCursor cells { ${CELL_FIELDS.join(' ')} } } }`,
            { q: gqlQuery, first: Number(options.pageSize), after },
            { 'x-gridspace-purpose': options.purpose },
          );
          rows.push(...data.electricityIndices.cells);
          total = data.electricityIndices.totalCount;
          after = data.electricityIndices.nextCursor;
          progress('exporting cells', rows.length, total);
        } while (after);
        const suppressed = rows.filter((r) => r.suppressed).length;
        // Without --out, --json prints the cells as JSON instead of CSV; with --out, what was written.
        if (!options.out && wantsJson(command)) return emit(command, rows, () => '');
        const { stringify } = await import('csv-stringify/sync');
        const csv = stringify(rows, { header: true, columns: [...CELL_FIELDS], cast: { boolean: (b) => String(b) } });
        if (options.out) {
          writeFileSync(options.out, csv);
          process.stderr.write(`wrote ${rows.length} cells (${suppressed} suppressed) to ${options.out}\n`);
          if (wantsJson(command)) emit(command, { file: resolve(options.out), cells: rows.length, suppressed }, () => '');
        } else process.stdout.write(csv);
      }),
    );
}
