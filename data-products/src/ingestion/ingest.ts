// Streaming CSV import of customers and readings: validated row by row, written in batches inside
// one transaction, committed only if the share of bad rows stays under the limit. Re-importing a
// file changes nothing: a file already imported (same SHA-256) is skipped, and rows are upserts.
// A reader thread (reader.ts) parses and validates; this thread writes.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type { QueryRunner } from 'typeorm';
import { Customer, ImportRecord } from '../storage/entities.js';
import type { Store } from '../storage/store.js';
import type { CustomerRow, RowError } from './rows.js';
import { BATCH_WRITTEN, type ImportKind, type ReaderJob, type ReaderMessage, type ReadingColumns } from './protocol.js';
import { classifications } from '../reference/classifications.js';

export interface ImportOptions {
  /** Largest share of bad rows (0..1) the import tolerates before failing whole. Default 0.01. */
  maxErrorShare?: number;
  /** How many row errors the report lists (all are counted). Default 100. */
  maxReportedErrors?: number;
  /** Rows the reader thread sends per batch. Default 20,000. */
  batchRows?: number;
}

export interface ImportReport {
  kind: 'customers' | 'readings';
  file: string;
  sha256: string;
  /** `imported`, or `unchanged` when this exact file was imported before. */
  status: 'imported' | 'unchanged';
  rows: number;
  accepted: number;
  rejected: number;
  errors: RowError[];
}

/** The whole import was rolled back: too many bad rows, a broken header or unreadable CSV. */
export class ImportRejectedError extends Error {
  constructor(message: string, readonly report: Omit<ImportReport, 'status'>) {
    super(message);
    this.name = 'ImportRejectedError';
  }
}

// Rows per message from the reader: large enough that messages are few (each costs a thread hop).
const BATCH = 20_000;

export async function importCustomers(store: Store, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  return importFile(store, file, 'customers', options, async () => ({
    customers: [],
    write: async (runner, message) => {
      if (message.type === 'customers') await writeCustomers(runner, message.rows);
    },
  }));
}

export async function importReadings(store: Store, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  return importFile(store, file, 'readings', options, async (runner) => {
    const strings: string[] = [];
    return {
      customers: await loadCustomerRows(runner),
      write: async (r, message) => {
        if (message.type !== 'readings') return;
        for (const text of message.columns.newStrings) strings.push(text);
        await writeReadings(store, r, message.columns, strings);
      },
    };
  });
}

interface Writer {
  /** What the reader validates readings against. */
  customers: CustomerRow[];
  write(runner: QueryRunner, message: ReaderMessage): Promise<void>;
}

async function importFile(
  store: Store, file: string, kind: ImportKind, options: ImportOptions, prepare: (runner: QueryRunner) => Promise<Writer>,
): Promise<ImportReport> {
  const maxErrorShare = options.maxErrorShare ?? 0.01;
  if (!(maxErrorShare >= 0 && maxErrorShare <= 1)) throw new RangeError('maxErrorShare: must be a number between 0 and 1');
  const maxReported = options.maxReportedErrors ?? 100;
  const batchRows = options.batchRows ?? BATCH;
  if (!(Number.isInteger(batchRows) && batchRows >= 1)) throw new RangeError('batchRows: must be a positive integer');
  const sha256 = await hashFile(file);
  const report: ImportReport = { kind, file: basename(file), sha256, status: 'imported', rows: 0, accepted: 0, rejected: 0, errors: [] };
  const previous = await store.dataSource.getRepository(ImportRecord).findOneBy({ kind, sha256 });
  if (previous) return { ...report, status: 'unchanged', rows: previous.rows, accepted: previous.accepted, rejected: previous.rejected };

  const runner = store.dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  let reader: Worker | undefined;
  try {
    const writer = await prepare(runner);
    // Parsing and validation run on a reader thread while this one writes what it has sent.
    const job: ReaderJob = { file, kind, batchSize: batchRows, maxBatchesAhead: 4, maxReportedErrors: maxReported, customers: writer.customers };
    reader = new Worker(new URL('./reader.js', import.meta.url), { workerData: job });
    for await (const message of messagesOf(reader)) {
      if (message.type === 'done' || message.type === 'failed') {
        Object.assign(report, message.counts);
        if (message.type === 'failed') throw new ImportRejectedError(`${report.file}${message.message}`, report);
        break;
      }
      await writer.write(runner, message);
      reader.postMessage(BATCH_WRITTEN);
    }
    if (report.rows > 0 && report.rejected / report.rows > maxErrorShare) {
      throw new ImportRejectedError(
        `${report.file}: ${report.rejected} of ${report.rows} rows are invalid (${pct(report.rejected / report.rows)}), more than the allowed ${pct(maxErrorShare)}; nothing was imported`,
        report,
      );
    }
    await runner.manager.getRepository(ImportRecord).insert({ kind, fileName: report.file, sha256, rows: report.rows, accepted: report.accepted, rejected: report.rejected });
    await runner.commitTransaction();
    return report;
  } catch (error) {
    await runner.rollbackTransaction();
    if (error instanceof ImportRejectedError) throw error;
    throw new ImportRejectedError(`${report.file}: ${(error as Error).message}; nothing was imported`, report);
  } finally {
    await reader?.terminate();
    await runner.release();
  }
}

/** The reader's messages in order; its crash or early exit ends the iteration with an error. */
async function* messagesOf(reader: Worker): AsyncGenerator<ReaderMessage> {
  const queue: ReaderMessage[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  reader.on('message', (message: ReaderMessage) => {
    queue.push(message);
    notify();
  });
  reader.on('error', (error) => {
    failure ??= error;
    notify();
  });
  reader.on('exit', (code) => {
    failure ??= new Error(`the CSV reader stopped (exit code ${code})`);
    notify();
  });
  for (;;) {
    const next = queue.shift();
    if (next) {
      yield next;
      continue;
    }
    if (failure) throw failure;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

function pct(share: number): string {
  return `${(share * 100).toFixed(2)}%`;
}

function hashFile(file: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(file).on('data', (chunk) => hash.update(chunk)).on('error', reject).on('end', () => resolvePromise(hash.digest('hex')));
  });
}

async function loadCustomerRows(runner: QueryRunner): Promise<CustomerRow[]> {
  const ref = classifications();
  const rows = await runner.manager.getRepository(Customer).find();
  return rows.map((c) => ({
    customerId: c.customerId, kind: c.kind, regionCode: c.regionCode, industryCode: c.industryCode,
    city: ref.cityOf(c.regionCode) ?? '', division: ref.divisionOf(c.industryCode) ?? '',
  }));
}

// Four parameters a customer: 2000 rows stay under SQLite's and PostgreSQL's parameter limits.
const CUSTOMERS_PER_STATEMENT = 2000;

async function writeCustomers(runner: QueryRunner, rows: CustomerRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CUSTOMERS_PER_STATEMENT) {
    await runner.manager.createQueryBuilder().insert().into(Customer)
      .values(rows.slice(i, i + CUSTOMERS_PER_STATEMENT).map((r) => ({ customerId: r.customerId, kind: r.kind, regionCode: r.regionCode, industryCode: r.industryCode })))
      .orUpdate(['kind', 'region_code', 'industry_code'], ['customer_id'])
      .updateEntity(false)
      .execute();
  }
}

const UPSERT_READING_TAIL = 'ON CONFLICT (date, customer_id) DO UPDATE SET region_code = excluded.region_code, industry_code = excluded.industry_code, kwh = excluded.kwh';
const SQLITE_ROWS_PER_STATEMENT = 200;

const insertStatements = new WeakMap<BetterSqlite3.Database, { full: BetterSqlite3.Statement; one: BetterSqlite3.Statement }>();

/** The reading upserts, prepared once per connection. */
function readingInserts(db: BetterSqlite3.Database): { full: BetterSqlite3.Statement; one: BetterSqlite3.Statement } {
  let statements = insertStatements.get(db);
  if (!statements) {
    statements = {
      full: db.prepare(`INSERT INTO reading (customer_id, date, region_code, industry_code, kwh) VALUES ${Array(SQLITE_ROWS_PER_STATEMENT).fill('(?,?,?,?,?)').join(',')} ${UPSERT_READING_TAIL}`),
      one: db.prepare(`INSERT INTO reading (customer_id, date, region_code, industry_code, kwh) VALUES (?,?,?,?,?) ${UPSERT_READING_TAIL}`),
    };
    insertStatements.set(db, statements);
  }
  return statements;
}

/** Writes a batch of readings whose string columns index `strings`. */
async function writeReadings(store: Store, runner: QueryRunner, columns: ReadingColumns, strings: readonly string[]): Promise<void> {
  const { count, customerId, regionCode, industryCode, date, kwh } = columns;
  if (count === 0) return;
  if (store.kind === 'sqlite' && store.sqlite) {
    // typeorm's SQLite runner holds the one connection and the open transaction; multi-row
    // prepared statements on that same handle are what make millions of rows practical.
    const { full, one } = readingInserts(store.sqlite);
    let i = 0;
    const params: (string | number)[] = new Array(SQLITE_ROWS_PER_STATEMENT * 5);
    for (; i + SQLITE_ROWS_PER_STATEMENT <= count; i += SQLITE_ROWS_PER_STATEMENT) {
      for (let j = 0, k = i; j < params.length; j += 5, k++) {
        params[j] = strings[customerId[k]]; params[j + 1] = strings[date[k]]; params[j + 2] = strings[regionCode[k]]; params[j + 3] = strings[industryCode[k]]; params[j + 4] = kwh[k];
      }
      full.run(params);
    }
    for (; i < count; i++) one.run(strings[customerId[i]], strings[date[i]], strings[regionCode[i]], strings[industryCode[i]], kwh[i]);
    return;
  }
  // PostgreSQL: one statement per batch, the columns as arrays.
  const text = (column: Int32Array) => Array.from(column.subarray(0, count), (id) => strings[id]);
  await runner.query(
    `INSERT INTO reading (customer_id, date, region_code, industry_code, kwh)
     SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::float8[]) ${UPSERT_READING_TAIL}`,
    [text(customerId), text(date), text(regionCode), text(industryCode), Array.from(kwh.subarray(0, count))],
  );
}
