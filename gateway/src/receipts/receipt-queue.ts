// Usage receipts: every released operation leaves one, batched to the ledger off the request path
// (Usage:RecordBatch, submitted as the provider org's own ledger identity). A batch the ledger
// refuses is retried receipt by receipt, so one bad receipt does not lose the others; a batch that
// met a transient failure is retried whole. With a journal, receipts outlive a crash of the gateway.
import { MAX_RECEIPTS_PER_BATCH, type UsageReceiptInput } from '@gridspace/schemas';
import { LedgerError, type Ledger } from '@gridspace/ledger';
import type { Reservation } from '../enforcement/agreement-book.js';
import type { JournaledReceipt, ReceiptJournal } from './receipt-journal.js';

export interface QueuedReceipt {
  receipt: UsageReceiptInput;
  /** Ledger identity of the provider org. */
  identity: string;
  reservation: Reservation;
}

export interface ReceiptQueueOptions {
  ledger: Ledger;
  /** Flush at least this often (ms); default 500 (usage views lag by at most this much; quotas count the queued receipts). */
  intervalMs?: number;
  /** Flush as soon as this many are queued; default the most one ledger transaction takes (500): per receipt, a batch of 500 costs the ledger about 60% of a batch of 100. */
  batchSize?: number;
  /** Where receipts wait until the ledger has them, so a crash loses none (see ReceiptJournal). */
  journal?: ReceiptJournal;
  onSettled(item: QueuedReceipt, recorded: boolean, error?: Error): void;
}

const TRANSIENT = new Set(['MVCC_READ_CONFLICT', 'UNAVAILABLE']);
const MAX_ATTEMPTS = 8;

export class ReceiptQueue {
  private queue: QueuedReceipt[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  readonly stats = { recorded: 0, failed: 0, batches: 0, retries: 0 };

  constructor(private readonly options: ReceiptQueueOptions) {}

  get inFlight(): number {
    return this.queue.length;
  }

  add(item: QueuedReceipt): void {
    this.options.journal?.add(item);
    this.queue.push(item);
    if (this.queue.length >= (this.options.batchSize ?? MAX_RECEIPTS_PER_BATCH)) void this.flush();
    else this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.timer ??= setTimeout(() => void this.flush(), this.options.intervalMs ?? 500);
  }

  /**
   * Sends the receipts a previous run journaled and left unsettled: those the ledger already has
   * (sent just before the crash) are settled, the others queued again. Resolves when all are settled.
   */
  async resume(unsettled: JournaledReceipt[]): Promise<void> {
    const queued = unsettled.map((item): QueuedReceipt => ({ ...item, reservation: { agreementId: item.receipt.agreementId, keys: [] } }));
    const found = await Promise.all(unsettled.map((item) => this.onLedger(item)));
    this.settle(queued.filter((_, i) => found[i]), true);
    this.queue.push(...queued.filter((_, i) => !found[i]));
    await this.flush();
  }

  private async onLedger(item: JournaledReceipt): Promise<boolean> {
    try {
      await this.options.ledger.evaluate({ identity: item.identity, fn: 'Usage:Get', args: [item.receipt.id] });
      return true;
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'NOT_FOUND') return false;
      throw error;
    }
  }

  private settle(items: QueuedReceipt[], recorded: boolean, error?: Error): void {
    if (recorded) this.stats.recorded += items.length;
    else this.stats.failed += items.length;
    for (const item of items) this.options.onSettled(item, recorded, error);
    this.options.journal?.settled(items.map((i) => i.receipt.id));
  }

  /** Sends what is queued; resolves when it is settled. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.queue;
    this.queue = [];
    this.flushing = this.flushing.then(() => this.send(items));
    return this.flushing;
  }

  private async send(items: QueuedReceipt[]): Promise<void> {
    const byIdentity = new Map<string, QueuedReceipt[]>();
    for (const item of items) byIdentity.set(item.identity, [...(byIdentity.get(item.identity) ?? []), item]);
    for (const [identity, group] of byIdentity) {
      for (let i = 0; i < group.length; i += MAX_RECEIPTS_PER_BATCH) await this.sendBatch(identity, group.slice(i, i + MAX_RECEIPTS_PER_BATCH));
    }
  }

  private async sendBatch(identity: string, batch: QueuedReceipt[], attempt = 1): Promise<void> {
    try {
      await this.options.ledger.submit({ identity, fn: 'Usage:RecordBatch', args: [JSON.stringify(batch.map((b) => b.receipt))] });
      this.stats.batches++;
      this.settle(batch, true);
    } catch (error) {
      // A transient failure (another gateway's batch updated the same usage counter first, the
      // ledger briefly away) says nothing about the receipts: the whole batch again, after a
      // growing, jittered pause so competing gateways fall out of step.
      if (error instanceof LedgerError && TRANSIENT.has(error.code)) {
        if (attempt < MAX_ATTEMPTS) {
          this.stats.retries++;
          await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 25 * 2 ** attempt) * (0.5 + Math.random())));
          return this.sendBatch(identity, batch, attempt + 1);
        }
        // The ledger stays away: the batch waits for the next flush; no receipt is given up.
        this.queue.push(...batch);
        this.scheduleFlush();
        return;
      }
      // A refused batch: find the receipts at fault one by one, so the others still land.
      if (batch.length > 1) {
        for (const item of batch) await this.sendBatch(identity, [item]);
        return;
      }
      this.settle(batch, false, error as Error);
    }
  }

  /** Sends what is queued. Receipts the ledger could not take stay in the journal for the next start; without one they are reported lost. */
  async close(): Promise<void> {
    await this.flush();
    clearTimeout(this.timer);
    const left = this.queue;
    this.queue = [];
    if (this.options.journal) this.options.journal.close();
    else if (left.length > 0) this.settle(left, false, new Error('the ledger was unavailable when the gateway stopped'));
  }
}
