// Usage receipts are keyed by agreement and nested calendar periods
// (gs.usage ~ agreement ~ 2026 ~ 2026-Q1 ~ 2026-03 ~ 2026-03-05 ~ receipt), so the releases of any
// day, month, quarter or year are one partial-composite-key scan: no rich queries needed (LevelDB).
import { periodKey, PERIOD_LEVELS, type PeriodLevel } from '@gridspace/schemas';
import { KEY, type TxState } from './state.js';

const NESTING: readonly PeriodLevel[] = ['year', 'quarter', 'month', 'day'];

export function usageKeyAttributes(agreementId: string, releasedAt: string, receiptId: string): string[] {
  return [agreementId, ...NESTING.map((p) => periodKey(releasedAt, p)), receiptId];
}

export function usagePeriodPrefix(agreementId: string, time: string, period: PeriodLevel): string[] {
  const depth = NESTING.indexOf(period) + 1;
  return [agreementId, ...NESTING.slice(0, depth).map((p) => periodKey(time, p))];
}

/** Committed releases under an agreement in the period containing `time`. */
export async function usageCount(state: TxState, agreementId: string, time: string, period: PeriodLevel): Promise<number> {
  return state.count(KEY.usage, usagePeriodPrefix(agreementId, time, period));
}

/** Usage in each period level (for evaluatePolicy's request.usage). */
export async function usageSoFar(state: TxState, agreementId: string, time: string, periods: Iterable<PeriodLevel>): Promise<Partial<Record<PeriodLevel, number>>> {
  const usage: Partial<Record<PeriodLevel, number>> = {};
  for (const period of new Set(periods)) {
    if (PERIOD_LEVELS.includes(period)) usage[period] = await usageCount(state, agreementId, time, period);
  }
  return usage;
}
