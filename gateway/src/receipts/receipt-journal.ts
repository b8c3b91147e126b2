// Usage receipts not yet on the ledger, in a local append-only file, so a gateway that crashes or
// is killed sends them when it starts again: every released operation keeps its receipt. One JSON
// line per event: `{"add": {identity, receipt}}` as a release is made (written synchronously,
// before the response leaves), `{"settled": [ids]}` once the ledger has them or refused them for
// good. A process crash loses nothing; a machine crash may lose what the OS had not yet written.
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { UsageReceiptInput } from '@gridspace/schemas';

export interface JournaledReceipt {
  /** Ledger identity of the provider org. */
  identity: string;
  receipt: UsageReceiptInput;
}

export class ReceiptJournal {
  /** Receipts written and not settled: when none are left, the file is emptied. */
  private unsettled = 0;

  private constructor(private readonly fd: number) {}

  /**
   * Opens (or creates) the journal and returns the receipts a previous run left unsettled; the
   * file is rewritten to hold just those. A torn last line (a crash mid-write) is skipped.
   */
  static open(file: string): { journal: ReceiptJournal; unsettled: JournaledReceipt[] } {
    mkdirSync(dirname(file), { recursive: true });
    const pending = new Map<string, JournaledReceipt>();
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        let entry: { add?: JournaledReceipt; settled?: string[] };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue;
        }
        if (entry.add?.receipt?.id) pending.set(entry.add.receipt.id, entry.add);
        for (const id of entry.settled ?? []) pending.delete(id);
      }
    }
    const fd = openSync(file, 'a+', 0o600);
    ftruncateSync(fd);
    const unsettled = [...pending.values()];
    const journal = new ReceiptJournal(fd);
    for (const item of unsettled) journal.add(item);
    return { journal, unsettled };
  }

  add(item: JournaledReceipt): void {
    this.write({ add: { identity: item.identity, receipt: item.receipt } });
    this.unsettled++;
  }

  settled(ids: string[]): void {
    if (ids.length === 0) return;
    this.unsettled -= ids.length;
    if (this.unsettled <= 0) {
      // Nothing open: start the file afresh instead of letting it grow.
      this.unsettled = 0;
      ftruncateSync(this.fd);
    } else {
      this.write({ settled: ids });
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private write(entry: unknown): void {
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
  }
}
