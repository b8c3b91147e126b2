// What a command prints on stdout: for people by default (tables, one-line confirmations), the
// JSON a script parses with the root option --json.
import type { Command } from 'commander';

/** True when the command line asked for JSON (`--json`, before or after the subcommand). */
export const wantsJson = (command: Command) => command.optsWithGlobals<{ json?: boolean }>().json === true;

/** Prints `value` as JSON with --json, else the text `human` makes of it. */
export function emit<T>(command: Command, value: T, human: (value: T) => string): void {
  console.log(wantsJson(command) ? JSON.stringify(value, null, 2) : human(value));
}

/** A cell as text: absent is `-`, objects compact JSON. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Rows under a header, columns aligned with two spaces between them; the last column is not padded. */
export function table(header: string[], rows: unknown[][]): string {
  const text = [header, ...rows.map((row) => row.map(cell))];
  const widths = header.map((_, column) => Math.max(...text.map((row) => (row[column] ?? '').length)));
  return text.map((row) => row.map((value, column) => (column === row.length - 1 ? value : value.padEnd(widths[column]!))).join('  ').trimEnd()).join('\n');
}

/** `2026-12-04T14:50:09.295Z` as `2026-12-04 14:50:09Z`: to the second, still UTC. */
export function when(iso: unknown): string {
  if (typeof iso !== 'string') return cell(iso);
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  return match ? `${match[1]} ${match[2]}${match[3]}` : iso;
}

/** `1 identifier`, `2 identifiers`. */
export const count = (n: number, noun: string, plural = `${noun}s`) => `${n} ${n === 1 ? noun : plural}`;
