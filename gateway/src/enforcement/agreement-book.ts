// What the gateway knows of agreements: the catalog entry and the agreements of each consumer,
// and usage counts per quota period, read from the ledger once and kept until a chaincode event
// says they changed (a terminated agreement is forgotten as soon as its block is delivered).
import {
  evaluatePolicy,
  mostTellingRefusal,
  periodKey,
  type Agreement,
  type AggregationLevel,
  type DataProduct,
  type PeriodLevel,
  type PolicyDecision,
  type Refused,
} from '@gridspace/schemas';
import { LedgerError, type Ledger } from '@gridspace/ledger';

export interface DecisionRequest {
  consumer: string;
  jurisdiction: string;
  dataProductId: string;
  purpose: string | undefined;
  aggregation: AggregationLevel;
  time: Date;
}

/** An admitted request holds these quota slots until its receipt is on the ledger. */
export interface Reservation {
  agreementId: string;
  keys: string[];
}

export type Decision = (PolicyDecision & { reservation?: Reservation }) | { admitted: true; ownData: true; provider: string; dataProductId: string };

const countPeriods = (agreement: Agreement): PeriodLevel[] => [
  ...new Set(agreement.policy.permissions.flatMap((p) => p.constraints.flatMap((c) => (c.leftOperand === 'count' ? [c.period] : [])))),
];

export interface AgreementBookStats {
  hits: number;
  misses: number;
  invalidations: number;
}

export class AgreementBook {
  private readonly products = new Map<string, Promise<DataProduct | undefined>>();
  private readonly agreementsOf = new Map<string, { generation: number; at: number; value: Promise<Agreement[]> }>();
  private readonly usage = new Map<string, { generation: number; value: Promise<number> }>();
  /** Per-agreement (and per-consumer) generations: a read started before an invalidation is not trusted. */
  private readonly generations = new Map<string, number>();
  private readonly pending = new Map<string, number>();
  private readonly controller = new AbortController();
  private tail: Promise<void> | undefined;
  readonly stats: AgreementBookStats = { hits: 0, misses: 0, invalidations: 0 };

  constructor(
    private readonly ledger: Ledger,
    /** Ledger identity used to read agreements, catalog and usage. */
    private readonly readIdentity: string,
    private readonly log: (message: string, fields?: Record<string, unknown>) => void = () => {},
    /** Longest a cached agreement list is trusted without an event (ms). */
    private readonly maxAgeMs = 60_000,
  ) {}

  /**
   * Starts following chaincode events from the current height. If the event stream breaks, the
   * caches are dropped (an event may have been missed) and it resumes after the last block seen.
   */
  async start(): Promise<void> {
    let fromBlock = await this.ledger.height();
    this.tail = (async () => {
      while (!this.controller.signal.aborted) {
        try {
          for await (const event of this.ledger.events({ fromBlock, signal: this.controller.signal })) {
            fromBlock = event.blockNumber;
            this.onEvent(event.name, event.payload);
          }
          if (this.controller.signal.aborted) return;
        } catch (error) {
          if (this.controller.signal.aborted) return;
          this.log('agreement events interrupted; caches dropped, resuming', { error: (error as Error).message, fromBlock });
        }
        this.forgetAll();
        await new Promise((resolve) => setTimeout(resolve, 500).unref());
      }
    })();
  }

  /** Drops every cached agreement and usage count. */
  forgetAll(): void {
    for (const consumer of this.agreementsOf.keys()) this.bump(`consumer:${consumer}`);
    for (const key of this.usage.keys()) this.bump(`agreement:${key.split('|')[0]}`);
    this.agreementsOf.clear();
    this.usage.clear();
    this.products.clear();
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.tail;
  }

  private bump(key: string): void {
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    this.stats.invalidations++;
  }
  private generation(key: string): number {
    return this.generations.get(key) ?? 0;
  }

  /** Chaincode events invalidate exactly what they change. */
  onEvent(name: string, payload: string): void {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(payload) as Record<string, unknown>;
    } catch {
      return;
    }
    if (name.startsWith('Agreement') && typeof body.consumer === 'string') {
      this.bump(`consumer:${body.consumer}`);
      this.agreementsOf.delete(body.consumer);
    } else if (name === 'UsageRecorded' && Array.isArray(body.agreements)) {
      for (const { agreementId } of body.agreements as Array<{ agreementId: string }>) this.forgetUsage(agreementId);
    } else if (name.startsWith('DataProduct') && typeof body.dataProductId === 'string') {
      this.products.delete(body.dataProductId);
    }
  }

  /** Usage of the agreement changed on the ledger: drop cached counts. */
  forgetUsage(agreementId: string): void {
    this.bump(`agreement:${agreementId}`);
    for (const key of this.usage.keys()) if (key.startsWith(`${agreementId}|`)) this.usage.delete(key);
  }

  private async read<T>(fn: string, args: string[]): Promise<T | undefined> {
    try {
      return JSON.parse(await this.ledger.evaluate({ identity: this.readIdentity, fn, args })) as T;
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  private product(id: string): Promise<DataProduct | undefined> {
    let product = this.products.get(id);
    if (!product) {
      product = this.read<DataProduct>('Catalog:Get', [id]);
      this.products.set(id, product);
      product.catch(() => this.products.delete(id));
    }
    return product;
  }

  private async agreements(consumer: string): Promise<Agreement[]> {
    const key = `consumer:${consumer}`;
    for (;;) {
      const cached = this.agreementsOf.get(consumer);
      // Events invalidate; the age limit is only a safety net should an event ever be lost.
      if (cached && cached.generation === this.generation(key) && Date.now() - cached.at < this.maxAgeMs) {
        this.stats.hits++;
        const value = await cached.value;
        if (cached.generation === this.generation(key)) return value;
        continue;
      }
      this.stats.misses++;
      const entry = { generation: this.generation(key), at: Date.now(), value: this.read<Agreement[]>('Agreements:ByConsumer', [consumer]).then((a) => a ?? []) };
      this.agreementsOf.set(consumer, entry);
      entry.value.catch(() => this.agreementsOf.get(consumer) === entry && this.agreementsOf.delete(consumer));
      const value = await entry.value;
      if (entry.generation === this.generation(key)) return value;
    }
  }

  private async ledgerUsage(agreementId: string, period: PeriodLevel, time: string): Promise<number> {
    const key = `${agreementId}|${period}|${periodKey(time, period)}`;
    const generationKey = `agreement:${agreementId}`;
    for (;;) {
      const cached = this.usage.get(key);
      if (cached && cached.generation === this.generation(generationKey)) {
        const value = await cached.value;
        if (cached.generation === this.generation(generationKey)) return value;
        continue;
      }
      const entry = {
        generation: this.generation(generationKey),
        value: this.read<{ count: number }>('Usage:Count', [agreementId, period, time]).then((u) => u?.count ?? 0),
      };
      this.usage.set(key, entry);
      entry.value.catch(() => this.usage.get(key) === entry && this.usage.delete(key));
      const value = await entry.value;
      if (entry.generation === this.generation(generationKey)) return value;
    }
  }

  /**
   * Decides a request with evaluatePolicy over the consumer's agreements for the product, counting
   * usage as recorded on the ledger plus receipts still in flight, and reserves the quota slots
   * of an admitted request (decision and reservation happen without an await in between).
   */
  async decide(request: DecisionRequest): Promise<Decision> {
    const product = await this.product(request.dataProductId);
    if (!product) {
      return { admitted: false, code: 'NO_AGREEMENT', reason: `data product ${request.dataProductId} is not in the catalog; ask its provider to publish it` };
    }
    if (product.provider === request.consumer) return { admitted: true, ownData: true, provider: product.provider, dataProductId: product.id };
    if (!request.purpose) {
      return {
        admitted: false,
        code: 'PURPOSE_NOT_ALLOWED',
        reason: `say why you need ${request.dataProductId}: send the header x-gridspace-purpose (e.g. macro-economic-monitoring) or a purpose claim in your token`,
      };
    }
    const time = request.time.toISOString();
    const candidates = (await this.agreements(request.consumer)).filter((a) => a.dataProductId === request.dataProductId);
    const usages = await Promise.all(
      candidates.map(async (agreement) => {
        if (agreement.state !== 'FINALIZED') return undefined;
        const usage: Partial<Record<PeriodLevel, number>> = {};
        for (const period of countPeriods(agreement)) usage[period] = await this.ledgerUsage(agreement.id, period, time);
        return usage;
      }),
    );
    // From here to the reservation: no await, so concurrent requests cannot both take the last slot.
    const refusals: Refused[] = [];
    for (const [i, agreement] of candidates.entries()) {
      const usage = usages[i];
      const withPending = usage && Object.fromEntries(Object.entries(usage).map(([period, count]) => [period, count + (this.pending.get(`${agreement.id}|${period}|${periodKey(time, period as PeriodLevel)}`) ?? 0)]));
      const decision = evaluatePolicy(agreement, {
        consumer: request.consumer,
        dataProductId: request.dataProductId,
        purpose: request.purpose,
        time,
        jurisdiction: request.jurisdiction,
        aggregation: request.aggregation,
        usage: withPending,
      });
      if (decision.admitted) {
        const keys = decision.quotas.map((q) => `${agreement.id}|${q.period}|${q.periodKey}`);
        for (const key of keys) this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
        return { ...decision, reservation: { agreementId: agreement.id, keys } };
      }
      refusals.push(decision);
    }
    return (
      mostTellingRefusal(refusals) ?? {
        admitted: false,
        code: 'NO_AGREEMENT',
        reason: `${request.consumer} has no agreement for data product ${request.dataProductId}; request one from its provider ${product.provider}`,
      }
    );
  }

  /** The receipt of a reservation reached the ledger (or was given up): release its slots. */
  release(reservation: Reservation, recorded: boolean): void {
    for (const key of reservation.keys) {
      const left = (this.pending.get(key) ?? 1) - 1;
      if (left <= 0) this.pending.delete(key);
      else this.pending.set(key, left);
    }
    if (recorded) this.forgetUsage(reservation.agreementId);
  }
}
