// Calendar periods for count constraints and usage, in China Standard Time (UTC+08:00, also the
// offset of Hong Kong and Macau), so "per month" means the month the partners live in.
import type { PeriodLevel } from './common.js';

const OFFSET_MS = 8 * 60 * 60 * 1000;

function toInstant(time: string | number | Date): number {
  const ms = typeof time === 'number' ? time : typeof time === 'string' ? Date.parse(time) : time.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${String(time)}`);
  return ms;
}

/** The period containing `time`: e.g. `2026-03` (month), `2026-Q1`, `2026-03-05` (day), `2026` (year). */
export function periodKey(time: string | number | Date, period: PeriodLevel): string {
  const local = new Date(toInstant(time) + OFFSET_MS);
  const y = String(local.getUTCFullYear()).padStart(4, '0');
  const m = local.getUTCMonth() + 1;
  switch (period) {
    case 'day':
      return `${y}-${String(m).padStart(2, '0')}-${String(local.getUTCDate()).padStart(2, '0')}`;
    case 'month':
      return `${y}-${String(m).padStart(2, '0')}`;
    case 'quarter':
      return `${y}-Q${Math.ceil(m / 3)}`;
    case 'year':
      return y;
  }
}

/** Start (inclusive) and end (exclusive) of the period containing `time`, as ISO instants. */
export function periodBounds(time: string | number | Date, period: PeriodLevel): { start: string; end: string } {
  const local = new Date(toInstant(time) + OFFSET_MS);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  let start: number;
  let end: number;
  switch (period) {
    case 'day':
      start = Date.UTC(y, m, local.getUTCDate());
      end = Date.UTC(y, m, local.getUTCDate() + 1);
      break;
    case 'month':
      start = Date.UTC(y, m, 1);
      end = Date.UTC(y, m + 1, 1);
      break;
    case 'quarter':
      start = Date.UTC(y, m - (m % 3), 1);
      end = Date.UTC(y, m - (m % 3) + 3, 1);
      break;
    case 'year':
      start = Date.UTC(y, 0, 1);
      end = Date.UTC(y + 1, 0, 1);
      break;
  }
  return { start: new Date(start - OFFSET_MS).toISOString(), end: new Date(end - OFFSET_MS).toISOString() };
}
