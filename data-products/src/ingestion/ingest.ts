// Streaming CSV import of customers and readings: validated row by row, written in batches inside
// one transaction, committed only if the share of bad rows stays under the limit. Re-importing a
// file changes nothing: a file already imported (same SHA-256) is skipped, and rows are upserts.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse';
import type { QueryRunner } from 'typeorm';
import { Customer, ImportRecord } from '../storage/entities.js';
import type { Store } from '../storage/store.js';
import {
  CUSTOMER_COLUMNS, parseCustomerRow, parseReadingRow, READING_COLUMNS, RowInvalid,
  type CustomerRow, type ReadingRow, type RowError,
} from './rows.js';
import { classifications } from '../reference/classifications.js';
import { dayNumber } from '../indices/dates.js';

export interface ImportOptions {
  /** Largest share of bad rows (0..1) the import tolerates before failing whole. Default 0.01. */
  maxErrorShare?: number;
  /** How many row errors the report lists (all are counted). Default 100. */
  maxReportedErrors?: number;
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

const BATCH = 5000;

export async function importCustomers(store: Store, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  return importFile(store, file, 'customers', CUSTOMER_COLUMNS, options, async () => {
    return { parse: (record) => parseCustomerRow(record), write: (runner, rows) => writeCustomers(store, runner, rows) };
  });
}

export async function importReadings(store: Store, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  return importFile(store, file, 'readings', READING_COLUMNS, options, async (runner) => {
    const customers = await loadCustomerRows(runner);
    const seen = new SeenDays();
    return {
      parse: (record) => {
        const row = parseReadingRow(record, customers);
        if (!seen.add(row.customerId, row.date)) throw new RowInvalid('date', `second reading for customer ${row.customerId} on ${row.date} in this file`);
        return row;
      },
      write: (r, rows) => writeReadings(store, r, rows),
    };
  });
}

interface RowHandler<T> {
  parse(record: string[]): T;
  write(runner: QueryRunner, rows: T[]): Promise<void>;
}

async function importFile<T>(
  store: Store, file: string, kind: 'customers' | 'readings', columns: readonly string[], options: ImportOptions,
  prepare: (runner: QueryRunner) => Promise<RowHandler<T>>,
): Promise<ImportReport> {
  const maxErrorShare = options.maxErrorShare ?? 0.01;
  if (!(maxErrorShare >= 0 && maxErrorShare <= 1)) throw new RangeError('maxErrorShare: must be a number between 0 and 1');
  const maxReported = options.maxReportedErrors ?? 100;
  const sha256 = await hashFile(file);
  const report: ImportReport = { kind, file: basename(file), sha256, status: 'imported', rows: 0, accepted: 0, rejected: 0, errors: [] };
  const previous = await store.dataSource.getRepository(ImportRecord).findOneBy({ kind, sha256 });
  if (previous) return { ...report, status: 'unchanged', rows: previous.rows, accepted: previous.accepted, rejected: previous.rejected };

  const runner = store.dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    const handler = await prepare(runner);
    // Line numbers are counted here rather than asked of the parser (its per-record info objects
    // cost more than the parsing): one record per line, plus any line breaks inside quoted fields.
    const parser = createReadStream(file).pipe(parse({ relax_column_count: true, bom: true }));
    let batch: T[] = [];
    let line = 0;
    let header = true;
    for await (const record of parser as AsyncIterable<string[]>) {
      line++;
      const startLine = line;
      for (const field of record) if (field.includes('\n')) line += field.split('\n').length - 1;
      if (record.length === 1 && record[0].trim() === '') continue; // blank line
      if (header) {
        checkHeader(record, columns, report);
        header = false;
        continue;
      }
      report.rows++;
      try {
        if (startLine !== line) throw new RowInvalid('row', 'fields must not contain line breaks');
        if (record.length !== columns.length) throw new RowInvalid('row', `has ${record.length} fields, expected ${columns.length} (${columns.join(',')})`);
        batch.push(handler.parse(record));
        report.accepted++;
      } catch (error) {
        if (!(error instanceof RowInvalid)) throw error;
        report.rejected++;
        if (report.errors.length < maxReported) report.errors.push({ line: startLine, field: error.field, reason: error.reason });
      }
      if (batch.length >= BATCH) {
        await handler.write(runner, batch);
        batch = [];
      }
    }
    if (header) throw new ImportRejectedError(`${report.file}: empty file, expected the header ${columns.join(',')}`, report);
    if (report.rows > 0 && report.rejected / report.rows > maxErrorShare) {
      throw new ImportRejectedError(
        `${report.file}: ${report.rejected} of ${report.rows} rows are invalid (${pct(report.rejected / report.rows)}), more than the allowed ${pct(maxErrorShare)}; nothing was imported`,
        report,
      );
    }
    await handler.write(runner, batch);
    await runner.manager.getRepository(ImportRecord).insert({ kind, fileName: report.file, sha256, rows: report.rows, accepted: report.accepted, rejected: report.rejected });
    await runner.commitTransaction();
    return report;
  } catch (error) {
    await runner.rollbackTransaction();
    if (error instanceof ImportRejectedError) throw error;
    const csvLine = (error as { lines?: number }).lines;
    throw new ImportRejectedError(`${report.file}${csvLine ? ` line ${csvLine}` : ''}: ${(error as Error).message}; nothing was imported`, report);
  } finally {
    await runner.release();
  }
}

function checkHeader(record: string[], columns: readonly string[], report: Omit<ImportReport, 'status'>): void {
  const got = record.map((c) => c.trim().toLowerCase());
  if (got.length !== columns.length || got.some((c, i) => c !== columns[i])) {
    throw new ImportRejectedError(`${report.file} line 1: header must be ${columns.join(',')}, got ${record.join(',')}`, report);
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

async function loadCustomerRows(runner: QueryRunner): Promise<Map<string, CustomerRow>> {
  const ref = classifications();
  const rows = await runner.manager.getRepository(Customer).find();
  return new Map(rows.map((c) => [c.customerId, {
    customerId: c.customerId, kind: c.kind, regionCode: c.regionCode, industryCode: c.industryCode,
    city: ref.cityOf(c.regionCode) ?? '', division: ref.divisionOf(c.industryCode) ?? '',
  }]));
}

async function writeCustomers(store: Store, runner: QueryRunner, rows: CustomerRow[]): Promise<void> {
  if (rows.length === 0) return;
  await runner.manager.createQueryBuilder().insert().into(Customer)
    .values(rows.map((r) => ({ customerId: r.customerId, kind: r.kind, regionCode: r.regionCode, industryCode: r.industryCode })))
    .orUpdate(['kind', 'region_code', 'industry_code'], ['customer_id'])
    .updateEntity(false)
    .execute();
}

const UPSERT_READING_TAIL = 'ON CONFLICT (date, customer_id) DO UPDATE SET region_code = excluded.region_code, industry_code = excluded.industry_code, kwh = excluded.kwh';
const SQLITE_ROWS_PER_STATEMENT = 200;

async function writeReadings(store: Store, runner: QueryRunner, rows: ReadingRow[]): Promise<void> {
  if (rows.length === 0) return;
  if (store.kind === 'sqlite' && store.sqlite) {
    // typeorm's SQLite runner holds the one connection and the open transaction; multi-row
    // prepared statements on that same handle are what make millions of rows practical.
    const db = store.sqlite;
    const full = db.prepare(`INSERT INTO reading (customer_id, date, region_code, industry_code, kwh) VALUES ${Array(SQLITE_ROWS_PER_STATEMENT).fill('(?,?,?,?,?)').join(',')} ${UPSERT_READING_TAIL}`);
    const one = db.prepare(`INSERT INTO reading (customer_id, date, region_code, industry_code, kwh) VALUES (?,?,?,?,?) ${UPSERT_READING_TAIL}`);
    let i = 0;
    const params: (string | number)[] = new Array(SQLITE_ROWS_PER_STATEMENT * 5);
    for (; i + SQLITE_ROWS_PER_STATEMENT <= rows.length; i += SQLITE_ROWS_PER_STATEMENT) {
      for (let j = 0; j < SQLITE_ROWS_PER_STATEMENT; j++) {
        const r = rows[i + j];
        params[j * 5] = r.customerId; params[j * 5 + 1] = r.date; params[j * 5 + 2] = r.regionCode; params[j * 5 + 3] = r.industryCode; params[j * 5 + 4] = r.kwh;
      }
      full.run(params);
    }
    for (; i < rows.length; i++) one.run(rows[i].customerId, rows[i].date, rows[i].regionCode, rows[i].industryCode, rows[i].kwh);
    return;
  }
  // PostgreSQL: one statement per batch, the columns as arrays.
  await runner.query(
    `INSERT INTO reading (customer_id, date, region_code, industry_code, kwh)
     SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::float8[]) ${UPSERT_READING_TAIL}`,
    [rows.map((r) => r.customerId), rows.map((r) => r.date), rows.map((r) => r.regionCode), rows.map((r) => r.industryCode), rows.map((r) => r.kwh)],
  );
}

/** Which (customer, day) pairs a file already had, to reject duplicates inside one file. */
class SeenDays {
  private readonly byCustomer = new Map<string, { first: number; bits: Uint8Array }>();

  /** False if the pair was seen before. */
  private readonly dayOf = new Map<string, number>();

  add(customerId: string, date: string): boolean {
    let day = this.dayOf.get(date);
    if (day === undefined) this.dayOf.set(date, (day = dayNumber(date)));
    let entry = this.byCustomer.get(customerId);
    if (!entry) {
      entry = { first: day - 366, bits: new Uint8Array(128) };
      this.byCustomer.set(customerId, entry);
    }
    if (day < entry.first) {
      const shift = Math.ceil((entry.first - day + 366) / 8) * 8;
      const grown = new Uint8Array(entry.bits.length + shift / 8);
      grown.set(entry.bits, shift / 8);
      entry.first -= shift;
      entry.bits = grown;
    }
    const offset = day - entry.first;
    if (offset >= entry.bits.length * 8) {
      const grown = new Uint8Array(Math.max(entry.bits.length * 2, (offset >> 3) + 64));
      grown.set(entry.bits);
      entry.bits = grown;
    }
    const mask = 1 << (offset & 7);
    if (entry.bits[offset >> 3] & mask) return false;
    entry.bits[offset >> 3] |= mask;
    return true;
  }
}
