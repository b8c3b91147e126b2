// The reader thread of an import: streams the CSV through papaparse, validates row by row (line
// numbers, reasons), rejects a second reading of a customer and day, and sends the valid rows in
// batches to the importing thread, which writes them. It never runs ahead of the writer by more
// than a few batches, so memory stays bounded whatever the file size.
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Papa from 'papaparse';
import { BATCH_WRITTEN, type ReaderJob, type ReaderMessage, type RowCounts } from './protocol.js';
import { CUSTOMER_COLUMNS, parseCustomerRow, READING_COLUMNS, ReadingChecker, RowInvalid, type CheckedReading, type CustomerRow } from './rows.js';

interface Batcher {
  readonly size: number;
  /** Validates a record of the right width and keeps it; throws RowInvalid. */
  add(record: string[]): void;
  take(): { message: ReaderMessage; transfer: ArrayBuffer[] };
}

class CustomerBatcher implements Batcher {
  private rows: CustomerRow[] = [];
  get size() {
    return this.rows.length;
  }
  add(record: string[]): void {
    this.rows.push(parseCustomerRow(record));
  }
  take() {
    const rows = this.rows;
    this.rows = [];
    return { message: { type: 'customers', rows } as ReaderMessage, transfer: [] };
  }
}

class ReadingBatcher implements Batcher {
  private readonly checker: ReadingChecker;
  private readonly reading: CheckedReading = { customerId: 0, regionCode: 0, industryCode: 0, date: 0, day: 0, kwh: 0 };
  /** Strings the writer has (sent in earlier batches). */
  private stringsSent = 0;
  private readonly seen = new SeenDays();
  private count = 0;
  private customerId!: Int32Array;
  private regionCode!: Int32Array;
  private industryCode!: Int32Array;
  private date!: Int32Array;
  private kwh!: Float64Array;

  constructor(customers: CustomerRow[], private readonly capacity: number) {
    this.checker = new ReadingChecker(customers);
    this.allocate();
  }

  get size() {
    return this.count;
  }

  add(record: string[]): void {
    const reading = this.reading;
    this.checker.check(record, reading);
    if (!this.seen.add(reading.customerId, reading.day)) throw new RowInvalid('date', `second reading for customer ${record[0]} on ${record[3]} in this file`);
    const i = this.count++;
    this.customerId[i] = reading.customerId;
    this.regionCode[i] = reading.regionCode;
    this.industryCode[i] = reading.industryCode;
    this.date[i] = reading.date;
    this.kwh[i] = reading.kwh;
  }

  take() {
    const columns = {
      count: this.count, newStrings: this.checker.strings.slice(this.stringsSent),
      customerId: this.customerId, regionCode: this.regionCode, industryCode: this.industryCode, date: this.date, kwh: this.kwh,
    };
    this.stringsSent = this.checker.strings.length;
    this.count = 0;
    this.allocate();
    const transfer = [columns.customerId.buffer, columns.regionCode.buffer, columns.industryCode.buffer, columns.date.buffer, columns.kwh.buffer] as ArrayBuffer[];
    return { message: { type: 'readings', columns } as ReaderMessage, transfer };
  }

  private allocate(): void {
    this.customerId = new Int32Array(this.capacity);
    this.regionCode = new Int32Array(this.capacity);
    this.industryCode = new Int32Array(this.capacity);
    this.date = new Int32Array(this.capacity);
    this.kwh = new Float64Array(this.capacity);
  }
}

/** Which (customer, day) pairs a file already had, to reject duplicates inside one file. */
class SeenDays {
  private readonly byCustomer: ({ first: number; bits: Uint8Array } | undefined)[] = [];

  /** False if the pair was seen before. */
  add(customer: number, day: number): boolean {
    let entry = this.byCustomer[customer];
    if (!entry) this.byCustomer[customer] = entry = { first: day - 366, bits: new Uint8Array(128) };
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

function read(job: ReaderJob, port: NonNullable<typeof parentPort>): void {
  const columns = job.kind === 'customers' ? CUSTOMER_COLUMNS : READING_COLUMNS;
  const batcher: Batcher = job.kind === 'customers' ? new CustomerBatcher() : new ReadingBatcher(job.customers, job.batchSize);
  const counts: RowCounts = { rows: 0, accepted: 0, rejected: 0, errors: [] };
  let line = 0;
  let header = true;
  let ahead = 0;
  let stopped = false;

  const send = () => {
    const { message, transfer } = batcher.take();
    ahead++;
    port.postMessage(message, transfer);
  };
  const fail = (detail: string) => {
    if (stopped) return;
    stopped = true;
    port.postMessage({ type: 'failed', message: detail, counts } satisfies ReaderMessage);
    source.destroy();
  };

  const handle = (record: string[]) => {
    // Line numbers are counted here rather than asked of the parser (its per-record info objects
    // cost more than the parsing): one record per line, plus any line breaks inside quoted fields.
    line++;
    const startLine = line;
    for (const field of record) if (field.includes('\n')) line += field.split('\n').length - 1;
    if (record.length === 1 && record[0].trim() === '') return; // blank line
    if (header) {
      const got = record.map((c) => c.trim().toLowerCase());
      if (got.length !== columns.length || got.some((c, i) => c !== columns[i])) return fail(` line 1: header must be ${columns.join(',')}, got ${record.join(',')}`);
      header = false;
      return;
    }
    counts.rows++;
    try {
      if (startLine !== line) throw new RowInvalid('row', 'fields must not contain line breaks');
      if (record.length !== columns.length) throw new RowInvalid('row', `has ${record.length} fields, expected ${columns.length} (${columns.join(',')})`);
      batcher.add(record);
      counts.accepted++;
    } catch (error) {
      if (!(error instanceof RowInvalid)) throw error;
      counts.rejected++;
      if (counts.errors.length < job.maxReportedErrors) counts.errors.push({ line: startLine, field: error.field, reason: error.reason });
    }
    if (batcher.size >= job.batchSize) send();
  };

  // papaparse splits unquoted stretches of text natively (several times csv-parse's speed here)
  // and still follows RFC 4180 quoting; its quote errors fail the whole file.
  const source = createReadStream(job.file, { encoding: 'utf8' });
  let papa: Papa.Parser | undefined;
  let paused = false;
  Papa.parse<string[]>(source, {
    delimiter: ',',
    chunk: (results, parser) => {
      papa = parser;
      const broken = new Map(results.errors.filter((e) => e.type === 'Quotes').map((e) => [e.row, e.message]));
      const records = results.data;
      for (let i = 0; i < records.length && !stopped; i++) {
        const quoteError = broken.get(i);
        if (quoteError !== undefined) return fail(` line ${line + 1}: ${quoteError}; nothing was imported`);
        handle(records[i]);
      }
      if (ahead >= job.maxBatchesAhead && !stopped) {
        paused = true;
        parser.pause();
      }
    },
    complete: () => {
      if (stopped) return;
      if (header) return fail(`: empty file, expected the header ${columns.join(',')}`);
      if (batcher.size > 0) send();
      stopped = true;
      port.postMessage({ type: 'done', counts } satisfies ReaderMessage);
    },
    error: (error) => fail(`: ${error.message}; nothing was imported`),
  });
  port.on('message', (message) => {
    if (message !== BATCH_WRITTEN) return;
    ahead--;
    if (ahead < job.maxBatchesAhead && paused) {
      paused = false;
      papa?.resume();
    }
  });
}

if (parentPort) read(workerData as ReaderJob, parentPort);
