// Usage receipts are keyed by agreement and nested calendar periods
// (gs.usage ~ agreement ~ 2026 ~ 2026-Q1 ~ 2026-03 ~ 2026-03-05 ~ receipt), so the releases of any
// day, month, quarter or year are one partial-composite-key scan: no rich queries needed (LevelDB).
// Periods an agreement limits by count also keep a counter (gs.usage.counter ~ agreement ~ period
// ~ key), so a quota check reads one key however many receipts the period has.
import { periodKey, PERIOD_LEVELS, type PeriodLevel, type UsageReceipt } from '@gridspace/schemas';
import { KEY, type TxState } from './state.js';

const NESTING: readonly PeriodLevel[] = ['year', 'quarter', 'month', 'day'];

export function usageKeyAttributes(agreementId: string, releasedAt: string, receiptId: string): string[] {
  return [agreementId, ...NESTING.map((p) => periodKey(releasedAt, p)), receiptId];
}

export function usagePeriodPrefix(agreementId: string, time: string, period: PeriodLevel): string[] {
  const depth = NESTING.indexOf(period) + 1;
  return [agreementId, ...NESTING.slice(0, depth).map((p) => periodKey(time, p))];
}

export interface UsageTotals {
  count: number;
  rows: number;
}

export function usageCounterAttributes(agreementId: string, time: string, period: PeriodLevel): string[] {
  return [agreementId, period, periodKey(time, period)];
}

/**
 * Releases and rows under an agreement in the period containing `time`: the period's counter
 * where there is one, else counted from the receipts (periods without a count limit, and those
 * recorded before counters were kept).
 */
export async function usageTotals(state: TxState, agreementId: string, time: string, period: PeriodLevel): Promise<UsageTotals> {
  const counter = await state.getJson<UsageTotals>(KEY.usageCounter, usageCounterAttributes(agreementId, time, period));
  if (counter) return counter;
  const receipts = await state.listJson<UsageReceipt>(KEY.usage, usagePeriodPrefix(agreementId, time, period));
  return { count: receipts.length, rows: receipts.reduce((sum, r) => sum + r.rows, 0) };
}

/** Releases under an agreement in the period containing `time`. */
export async function usageCount(state: TxState, agreementId: string, time: string, period: PeriodLevel): Promise<number> {
  return (await usageTotals(state, agreementId, time, period)).count;
}

/** Usage in each period level (for evaluatePolicy's request.usage). */
export async function usageSoFar(state: TxState, agreementId: string, time: string, periods: Iterable<PeriodLevel>): Promise<Partial<Record<PeriodLevel, number>>> {
  const usage: Partial<Record<PeriodLevel, number>> = {};
  for (const period of new Set(periods)) {
    if (PERIOD_LEVELS.includes(period)) usage[period] = await usageCount(state, agreementId, time, period);
  }
  return usage;
}
