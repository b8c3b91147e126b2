// World-state access for one transaction: deterministic JSON values, composite keys, reads that
// see this transaction's own pending writes (Fabric itself does not), events and the tx clock.
import { canonicalJson } from '@gridspace/schemas';
import type { Context } from 'fabric-contract-api';
import type { Iterators } from 'fabric-shim-api';

type Value = Record<string, unknown> | unknown[];

/** Composite key object types of Gridspace state (one place, so names never collide). */
export const KEY = {
  config: 'gs.config',
  org: 'gs.org',
  orgByMsp: 'gs.org.msp',
  prefix: 'gs.prefix',
  product: 'gs.product',
  productByProvider: 'gs.product.provider',
  agreement: 'gs.agreement',
  agreementByProvider: 'gs.agreement.provider',
  agreementByConsumer: 'gs.agreement.consumer',
  agreementByProduct: 'gs.agreement.product',
  usage: 'gs.usage',
  usageReceipt: 'gs.usage.receipt',
  usageCounter: 'gs.usage.counter',
  traceEvent: 'gs.trace.event',
  traceObject: 'gs.trace.object',
  traceEventByObject: 'gs.trace.object-event',
  traceRecall: 'gs.trace.recall',
  anchor: 'gs.anchor',
} as const;

/** Index entries carry no data: the key says it all. */
const INDEX_MARKER = new Uint8Array([0]);

export class TxState {
  private readonly pending = new Map<string, Uint8Array | null>();

  constructor(readonly ctx: Context) {}

  key(objectType: string, attributes: string[]): string {
    return this.ctx.stub.createCompositeKey(objectType, attributes);
  }

  async getJson<T = Value>(objectType: string, attributes: string[]): Promise<T | undefined> {
    const key = this.key(objectType, attributes);
    const bytes = this.pending.has(key) ? this.pending.get(key) : await this.ctx.stub.getState(key);
    if (!bytes || bytes.length === 0) return undefined;
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  }

  async exists(objectType: string, attributes: string[]): Promise<boolean> {
    const key = this.key(objectType, attributes);
    const bytes = this.pending.has(key) ? this.pending.get(key) : await this.ctx.stub.getState(key);
    return !!bytes && bytes.length > 0;
  }

  async putJson(objectType: string, attributes: string[], value: unknown): Promise<string> {
    const key = this.key(objectType, attributes);
    const bytes = Buffer.from(canonicalJson(value), 'utf8');
    this.pending.set(key, bytes);
    await this.ctx.stub.putState(key, bytes);
    return key;
  }

  async putIndex(objectType: string, attributes: string[]): Promise<void> {
    const key = this.key(objectType, attributes);
    this.pending.set(key, INDEX_MARKER);
    await this.ctx.stub.putState(key, INDEX_MARKER);
  }

  async delete(objectType: string, attributes: string[]): Promise<void> {
    const key = this.key(objectType, attributes);
    this.pending.set(key, null);
    await this.ctx.stub.deleteState(key);
  }

  /** Attributes of every committed key under a partial composite key, in key order. */
  async listKeys(objectType: string, attributes: string[]): Promise<string[][]> {
    const out: string[][] = [];
    await this.scan(objectType, attributes, (kv) => {
      out.push(this.ctx.stub.splitCompositeKey(kv.key).attributes);
    });
    return out;
  }

  /** Values of every committed key under a partial composite key, in key order. */
  async listJson<T>(objectType: string, attributes: string[]): Promise<T[]> {
    const out: T[] = [];
    await this.scan(objectType, attributes, (kv) => {
      out.push(JSON.parse(Buffer.from(kv.value).toString('utf8')) as T);
    });
    return out;
  }

  /**
   * One page of values under a partial composite key, in key order, and the bookmark of the next
   * page ('' when none). Read-only transactions only, as in Fabric.
   */
  async pageJson<T>(objectType: string, attributes: string[], pageSize: number, bookmark: string): Promise<{ values: T[]; bookmark: string }> {
    const { iterator, metadata } = await this.ctx.stub.getStateByPartialCompositeKeyWithPagination(objectType, attributes, pageSize, bookmark);
    const values: T[] = [];
    try {
      for (;;) {
        const result = await iterator.next();
        if (result.value) values.push(JSON.parse(Buffer.from(result.value.value).toString('utf8')) as T);
        if (result.done) break;
      }
    } finally {
      await iterator.close();
    }
    return { values, bookmark: metadata?.bookmark ?? '' };
  }

  /** Number of committed keys under a partial composite key. */
  async count(objectType: string, attributes: string[]): Promise<number> {
    let n = 0;
    await this.scan(objectType, attributes, () => {
      n += 1;
    });
    return n;
  }

  private async scan(objectType: string, attributes: string[], visit: (kv: Iterators.KV) => void): Promise<void> {
    const iterator = await this.ctx.stub.getStateByPartialCompositeKey(objectType, attributes);
    try {
      for (;;) {
        const result = await iterator.next();
        if (result.value) visit(result.value);
        if (result.done) break;
      }
    } finally {
      await iterator.close();
    }
  }

  /** History of one key, oldest first. */
  async history<T>(objectType: string, attributes: string[]): Promise<Array<{ txId: string; timestamp: string; isDelete: boolean; value?: T }>> {
    const iterator = await this.ctx.stub.getHistoryForKey(this.key(objectType, attributes));
    const out: Array<{ txId: string; timestamp: string; isDelete: boolean; value?: T }> = [];
    try {
      for (;;) {
        const result = await iterator.next();
        const m = result.value;
        if (m) {
          const entry: { txId: string; timestamp: string; isDelete: boolean; value?: T } = {
            txId: m.txId,
            timestamp: timestampToIso(m.timestamp),
            isDelete: m.isDelete,
          };
          if (!m.isDelete && m.value && m.value.length > 0) entry.value = JSON.parse(Buffer.from(m.value).toString('utf8')) as T;
          out.push(entry);
        }
        if (result.done) break;
      }
    } finally {
      await iterator.close();
    }
    // Fabric returns history newest first; callers want the story in order.
    return out.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  }

  /** The transaction's timestamp (set by the client, checked by peers): the only clock contracts use. */
  now(): string {
    return timestampToIso(this.ctx.stub.getTxTimestamp());
  }

  txId(): string {
    return this.ctx.stub.getTxID();
  }

  /** Fabric keeps one chaincode event per transaction: the last setEvent wins. */
  emit(name: string, payload: unknown): void {
    this.ctx.stub.setEvent(name, Buffer.from(canonicalJson(payload), 'utf8'));
  }
}

export function timestampToIso(ts: { seconds: unknown; nanos?: number } | undefined): string {
  if (!ts) return new Date(0).toISOString();
  const seconds = Number(String(ts.seconds));
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

/** Results of query functions: deterministic JSON text. */
export const result = (value: unknown): string => canonicalJson(value);
