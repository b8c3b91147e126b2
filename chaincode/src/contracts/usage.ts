// Usage: the provider's gateway records what it released under an agreement, in batches. A batch
// that would push any period past a count constraint is refused whole.
import {
  periodKey,
  periodBounds,
  PERIOD_LEVELS,
  policyExpiry,
  usageReceiptBatchValidator,
  type Agreement,
  type PeriodLevel,
  type UsageReceipt,
} from '@gridspace/schemas';
import { Context, Contract, Info, Returns, Transaction } from '../lib/fabric.js';
import { callerOrg } from '../lib/access.js';
import { conflict, forbidden, invalid, notFound, quotaExceeded } from '../lib/errors.js';
import { KEY, result, TxState } from '../lib/state.js';
import { usageCounterAttributes, usageKeyAttributes, usagePeriodPrefix, usageTotals, type UsageTotals } from '../lib/usage-keys.js';
import { getAgreement } from './agreements.js';

/** Most receipts one page of Usage:Receipts holds. */
const MAX_RECEIPTS_PAGE = 1000;

/** Receipts may be recorded a little after release, never claim a release in the future. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The strictest count limit per period over the agreement's permissions (a receipt does not say which permission it used). */
function countLimits(agreement: Agreement): Map<PeriodLevel, number> {
  const limits = new Map<PeriodLevel, number>();
  for (const permission of agreement.policy.permissions) {
    for (const c of permission.constraints) {
      if (c.leftOperand === 'count') limits.set(c.period, Math.min(limits.get(c.period) ?? Infinity, c.rightOperand));
    }
  }
  return limits;
}

/** The period a usage query asks about, checked. */
async function periodOf(state: TxState, agreementId: string, period: string, time: string): Promise<{ agreement: Agreement; level: PeriodLevel; at: string }> {
  if (!PERIOD_LEVELS.includes(period as PeriodLevel)) throw invalid('period', `must be one of: ${PERIOD_LEVELS.join(', ')}`);
  const at = time === '' ? state.now() : time;
  if (Number.isNaN(Date.parse(at))) throw invalid('time', 'must be a date-time');
  return { agreement: await getAgreement(state, agreementId), level: period as PeriodLevel, at };
}

/** Count, rows and the count limit of a period: the period's counter, or its receipts counted. */
async function usageSummary(state: TxState, agreement: Agreement, level: PeriodLevel, at: string) {
  const { count, rows } = await usageTotals(state, agreement.id, at, level);
  const limit = countLimits(agreement).get(level);
  return {
    agreementId: agreement.id,
    period: level,
    periodKey: periodKey(at, level),
    ...periodBounds(at, level),
    count,
    rows,
    ...(limit !== undefined ? { limit, remaining: Math.max(0, limit - count) } : {}),
  };
}

@Info({ title: 'Usage', description: 'Usage receipts of released data, and count constraint enforcement' })
export class UsageContract extends Contract {
  constructor() {
    super('Usage');
  }

  /** Records a batch of receipts (JSON array); only the provider of each receipt's agreement may. */
  @Transaction()
  @Returns('string')
  async RecordBatch(ctx: Context, receiptsJson: string): Promise<string> {
    const state = new TxState(ctx);
    const receipts = usageReceiptBatchValidator.parse(receiptsJson, 'receipts');
    const caller = await callerOrg(state);
    const now = state.now();
    const txId = state.txId();
    // Each agreement of the batch read once, with its count limits and expiry.
    const agreements = new Map<string, { agreement: Agreement; limits: Map<PeriodLevel, number>; expiry: string | undefined }>();
    // Totals per agreement + limited period: committed plus this batch's, written once at the end.
    const counters = new Map<string, { attributes: string[]; totals: UsageTotals }>();
    const recorded: UsageReceipt[] = [];

    for (const [i, receipt] of receipts.entries()) {
      const at = `receipts[${i}]`;
      let terms = agreements.get(receipt.agreementId);
      if (!terms) {
        const read = await getAgreement(state, receipt.agreementId);
        agreements.set(read.id, (terms = { agreement: read, limits: countLimits(read), expiry: policyExpiry(read.policy) }));
      }
      const { agreement, limits, expiry } = terms;
      if (agreement.provider !== caller.id) throw forbidden(`only the provider ${agreement.provider} records usage under agreement ${agreement.id}; the caller is ${caller.id}`);
      if (receipt.dataProductId !== agreement.dataProductId) throw invalid(`${at}.dataProductId`, `must be the agreement's data product ${agreement.dataProductId}`);
      const releasedAt = new Date(receipt.releasedAt).toISOString();
      if (Date.parse(releasedAt) > Date.parse(now) + MAX_CLOCK_SKEW_MS) throw invalid(`${at}.releasedAt`, `must not be in the future (ledger time ${now})`);
      if (!agreement.finalizedAt || releasedAt < agreement.finalizedAt) {
        throw conflict(`${at}: agreement ${agreement.id} was not FINALIZED at ${releasedAt}, nothing could be released under it`);
      }
      if (agreement.termination && releasedAt >= agreement.termination.at) {
        throw conflict(`${at}: agreement ${agreement.id} was ${agreement.termination.kind} at ${agreement.termination.at}, before this release`);
      }
      if (expiry !== undefined && releasedAt >= expiry) throw conflict(`${at}: agreement ${agreement.id} expired at ${expiry}, before this release`);
      if (await state.exists(KEY.usageReceipt, [receipt.id])) throw conflict(`${at}: receipt ${receipt.id} is already recorded`);

      for (const [period, limit] of limits) {
        const attributes = usageCounterAttributes(agreement.id, releasedAt, period);
        const key = attributes.join('\u0000');
        let counter = counters.get(key);
        if (!counter) counters.set(key, (counter = { attributes, totals: await usageTotals(state, agreement.id, releasedAt, period) }));
        const used = counter.totals.count;
        if (used + 1 > limit) {
          throw quotaExceeded(
            `${at}: agreement ${agreement.id} allows ${limit} releases per ${period}; ${periodKey(releasedAt, period)} already has ${used} (resets at ${periodBounds(releasedAt, period).end})`,
          );
        }
        counter.totals = { count: used + 1, rows: counter.totals.rows + receipt.rows };
      }

      const record: UsageReceipt = { ...receipt, releasedAt, provider: agreement.provider, consumer: agreement.consumer, recordedAt: now, txId };
      await state.putJson(KEY.usage, usageKeyAttributes(agreement.id, releasedAt, receipt.id), record);
      await state.putJson(KEY.usageReceipt, [receipt.id], { agreementId: agreement.id, releasedAt });
      recorded.push(record);
    }
    for (const { attributes, totals } of counters.values()) await state.putJson(KEY.usageCounter, attributes, totals);

    // Totals per agreement, not every receipt: listeners (gateways) need to know whose usage
    // changed, and a batch of 500 receipts would otherwise make a 100 KB event.
    const agreementsUsed = new Map<string, { agreementId: string; dataProductId: string; count: number; rows: number }>();
    for (const r of recorded) {
      const entry = agreementsUsed.get(r.agreementId) ?? { agreementId: r.agreementId, dataProductId: r.dataProductId, count: 0, rows: 0 };
      entry.count += 1;
      entry.rows += r.rows;
      agreementsUsed.set(r.agreementId, entry);
    }
    state.emit('UsageRecorded', { count: recorded.length, agreements: [...agreementsUsed.values()], at: now });
    return result({ recorded: recorded.length, txId });
  }

  /** One receipt by id. */
  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, receiptId: string): Promise<string> {
    const state = new TxState(ctx);
    const pointer = await state.getJson<{ agreementId: string; releasedAt: string }>(KEY.usageReceipt, [receiptId]);
    if (!pointer) throw notFound(`usage receipt ${receiptId}`);
    const receipt = await state.getJson<UsageReceipt>(KEY.usage, usageKeyAttributes(pointer.agreementId, pointer.releasedAt, receiptId));
    if (!receipt) throw notFound(`usage receipt ${receiptId}`);
    return result(receipt);
  }

  /**
   * Usage of an agreement in the period (day | month | quarter | year) containing `time`
   * (empty: the transaction time): count, rows, the limit if a count constraint applies, receipts.
   */
  @Transaction(false)
  @Returns('string')
  async InPeriod(ctx: Context, agreementId: string, period: string, time: string): Promise<string> {
    const state = new TxState(ctx);
    const { agreement, level, at } = await periodOf(state, agreementId, period, time);
    const receipts = await state.listJson<UsageReceipt>(KEY.usage, usagePeriodPrefix(agreementId, at, level));
    return result({ ...(await usageSummary(state, agreement, level, at)), receipts });
  }

  /**
   * The receipts of a period a page at a time: `pageSize` 1 to 1000, `bookmark` '' for the first
   * page, then the one the previous page returned ('' after the last).
   */
  @Transaction(false)
  @Returns('string')
  async Receipts(ctx: Context, agreementId: string, period: string, time: string, pageSize: string, bookmark: string): Promise<string> {
    const state = new TxState(ctx);
    const size = Number(pageSize);
    if (!Number.isInteger(size) || size < 1 || size > MAX_RECEIPTS_PAGE) throw invalid('pageSize', `must be an integer from 1 to ${MAX_RECEIPTS_PAGE}`);
    const { level, at } = await periodOf(state, agreementId, period, time);
    const page = await state.pageJson<UsageReceipt>(KEY.usage, usagePeriodPrefix(agreementId, at, level), size, bookmark);
    return result({ receipts: page.values, bookmark: page.bookmark });
  }

  /** As InPeriod without the receipts: what a quota check needs, one key read for a limited period. */
  @Transaction(false)
  @Returns('string')
  async Count(ctx: Context, agreementId: string, period: string, time: string): Promise<string> {
    const state = new TxState(ctx);
    const { agreement, level, at } = await periodOf(state, agreementId, period, time);
    return result(await usageSummary(state, agreement, level, at));
  }
}
