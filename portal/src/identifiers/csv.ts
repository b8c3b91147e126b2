// Reads an identifier CSV as the CLI does (`gridspace id register-batch`, cli/src/commands/id.ts
// readIdentifierCsv): a header line, then one line per identifier; a `handle` column (or `suffix`,
// with the enterprise prefix picked on the page) and one column per template item; fields trimmed,
// empty lines skipped. A byte-order mark (spreadsheet programs write one) is ignored.
import Papa from 'papaparse';

export interface CsvRow {
  /** 1-based data row (the header is not counted): row 1 is the file's second line. */
  row: number;
  handle: string;
  items: Record<string, string>;
}

export type CsvProblem =
  | { code: 'empty' }
  | { code: 'noHandleColumn'; columns: string }
  | { code: 'badHandle'; row: number }
  | { code: 'syntax'; row: number; reason: string };

export class CsvError extends Error {
  constructor(readonly problems: CsvProblem[]) {
    super(problems.map((p) => p.code).join(', '));
    this.name = 'CsvError';
  }
}

export interface ParsedCsv {
  rows: CsvRow[];
  columns: string[];
  itemColumns: string[];
}

export function parseIdentifierCsv(text: string, prefix: string | undefined): ParsedCsv {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: true,
    transformHeader: (header) => header.trim(),
    transform: (value) => value.trim(),
  });
  const syntax: CsvProblem[] = parsed.errors.map((e) => ({ code: 'syntax', row: (e.row ?? 0) + 1, reason: e.message }));
  if (syntax.length) throw new CsvError(syntax);
  const columns = (parsed.meta.fields ?? []).filter((c) => c !== '');
  if (parsed.data.length === 0) throw new CsvError([{ code: 'empty' }]);
  if (!columns.includes('handle') && !(prefix && columns.includes('suffix'))) throw new CsvError([{ code: 'noHandleColumn', columns: columns.join(', ') }]);
  const problems: CsvProblem[] = [];
  const rows = parsed.data.map((record, i) => {
    const { handle, suffix, ...items } = record;
    const full = handle ?? `${prefix}/${suffix ?? ''}`;
    if (!full || full.endsWith('/') || !full.includes('/')) problems.push({ code: 'badHandle', row: i + 1 });
    return { row: i + 1, handle: full, items };
  });
  if (problems.length) throw new CsvError(problems);
  return { rows, columns, itemColumns: columns.filter((c) => c !== 'handle' && c !== 'suffix') };
}
