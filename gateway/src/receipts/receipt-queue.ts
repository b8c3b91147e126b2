// Usage receipts: every released operation leaves one, batched to the ledger off the request path
// (Usage:RecordBatch, submitted as the provider org's own ledger identity). A batch the ledger
// refuses is retried receipt by receipt, so one bad receipt does not lose the others; a batch that
// met a transient failure is retried whole.
import { MAX_RECEIPTS_PER_BATCH, type UsageReceiptInput } from '@gridspace/schemas';
import { LedgerError, type Ledger } from '@gridspace/ledger';
import type { Reservation } from '../enforcement/agreement-book.js';

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
    this.queue.push(item);
    if (this.queue.length >= (this.options.batchSize ?? MAX_RECEIPTS_PER_BATCH)) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.intervalMs ?? 500);
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
      this.stats.recorded += batch.length;
      for (const item of batch) this.options.onSettled(item, true);
    } catch (error) {
      // A transient failure (another gateway's batch updated the same usage counter first, the
      // ledger briefly away) says nothing about the receipts: the whole batch again, after a
      // growing, jittered pause so competing gateways fall out of step.
      if (error instanceof LedgerError && TRANSIENT.has(error.code) && attempt < MAX_ATTEMPTS) {
        this.stats.retries++;
        await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 25 * 2 ** attempt) * (0.5 + Math.random())));
        return this.sendBatch(identity, batch, attempt + 1);
      }
      // A refused batch: find the receipts at fault one by one, so the others still land.
      if (batch.length > 1 && !(error instanceof LedgerError && TRANSIENT.has(error.code))) {
        for (const item of batch) await this.sendBatch(identity, [item]);
        return;
      }
      this.stats.failed += batch.length;
      for (const item of batch) this.options.onSettled(item, false, error as Error);
    }
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
