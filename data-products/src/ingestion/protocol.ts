// Messages between an import and its reader thread. The reader parses and validates the CSV; the
// importing thread only writes, so both cores work. Readings travel as columns in transferable
// typed arrays; strings (ids, codes, dates) are interned: each is sent once, then by number.
import type { CustomerRow, RowError } from './rows.js';

export type ImportKind = 'customers' | 'readings';

export interface ReaderJob {
  file: string;
  kind: ImportKind;
  /** Rows per batch message. */
  batchSize: number;
  /** Batches the reader may send ahead of the writer's acknowledgements. */
  maxBatchesAhead: number;
  maxReportedErrors: number;
  /** Known customers (readings only): a reading must agree with its customer. */
  customers: CustomerRow[];
}

/** Valid readings; string columns are indices into the strings the reader has sent so far. */
export interface ReadingColumns {
  count: number;
  /** Strings first seen in this batch, appended to the table in order. */
  newStrings: string[];
  customerId: Int32Array;
  regionCode: Int32Array;
  industryCode: Int32Array;
  date: Int32Array;
  kwh: Float64Array;
}

export interface RowCounts {
  rows: number;
  accepted: number;
  rejected: number;
  errors: RowError[];
}

export type ReaderMessage =
  | { type: 'customers'; rows: CustomerRow[] }
  | { type: 'readings'; columns: ReadingColumns }
  /** The whole file was read; counts of all rows. */
  | { type: 'done'; counts: RowCounts }
  /** The file cannot be imported (header, empty, broken CSV); counts so far. */
  | { type: 'failed'; message: string; counts: RowCounts };

/** Writer to reader: one batch was written. */
export const BATCH_WRITTEN = 'written';
