// Persistence of the node: handle records, prefixes, templates, batches and daily statistics.
// Every write that touches several rows runs in one database transaction, so a failed or killed
// request leaves nothing half-written.
import { DataSource, EntityManager, IsNull } from 'typeorm';
import type { HandleValue } from '../handle/values.js';
import { ApplicationRow, BatchRow, DailyStatRow, HandleRecordRow, PrefixRow, ReportRow, TemplateRow } from './entities.js';

export interface StoredRecord {
  handle: string;
  prefix: string;
  values: HandleValue[];
  template: string | null;
  batchId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewRecord {
  handle: string;
  prefix: string;
  values: HandleValue[];
  template?: string | null;
  batchId?: string | null;
  /** The values already serialized (canonical JSON), when the caller has it. */
  valuesJson?: string;
}

const INSERT_CHUNK = 400;

/** A primary-key clash: two writers created the same handle at once (PostgreSQL runs them in parallel). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function toRecord(row: HandleRecordRow): StoredRecord {
  return { ...row, values: JSON.parse(row.values) as HandleValue[] };
}

function toRow(record: NewRecord, now: string): HandleRecordRow {
  return Object.assign(new HandleRecordRow(), {
    handle: record.handle,
    prefix: record.prefix,
    values: record.valuesJson ?? JSON.stringify(record.values),
    template: record.template ?? null,
    batchId: record.batchId ?? null,
    createdAt: now,
    updatedAt: now,
  });
}

export class Store {
  /** SQLite has one writer; queueing write transactions avoids nested BEGIN on its single connection. */
  private writeQueue: Promise<unknown> = Promise.resolve();

  constructor(readonly dataSource: DataSource) {}

  get kind(): 'sqlite' | 'postgres' {
    return this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  /** Runs `work` in one transaction (serialized on SQLite). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.kind === 'postgres') return this.dataSource.transaction(work);
    const run = this.writeQueue.then(() => this.dataSource.transaction(work));
    this.writeQueue = run.catch(() => undefined);
    return run;
  }

  /** Placeholder of the n-th (1-based) bound parameter in this database's SQL dialect. */
  private param(n: number): string {
    return this.kind === 'postgres' ? `$${n}` : '?';
  }

  // The two hot paths (resolution by primary key, batch insert) use plain SQL through typeorm's
  // query runner: the query builder's per-call work would cost more than the query itself.
  async getRecord(handle: string, manager: EntityManager = this.dataSource.manager): Promise<StoredRecord | undefined> {
    const rows = (await manager.query(
      `SELECT "handle", "prefix", "values", "template", "batchId", "createdAt", "updatedAt" FROM "handle_records" WHERE "handle" = ${this.param(1)}`,
      [handle],
    )) as HandleRecordRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async existingHandles(handles: string[], manager: EntityManager = this.dataSource.manager): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < handles.length; i += INSERT_CHUNK) {
      const chunk = handles.slice(i, i + INSERT_CHUNK);
      const rows = (await manager.query(`SELECT "handle" FROM "handle_records" WHERE "handle" IN (${chunk.map((_, k) => this.param(k + 1)).join(', ')})`, chunk)) as { handle: string }[];
      for (const row of rows) found.add(row.handle);
    }
    return found;
  }

  async insertRecords(manager: EntityManager, records: NewRecord[], now: string): Promise<void> {
    const columns = ['handle', 'prefix', 'values', 'template', 'batchId', 'createdAt', 'updatedAt'];
    for (let i = 0; i < records.length; i += INSERT_CHUNK) {
      const chunk = records.slice(i, i + INSERT_CHUNK);
      const params: unknown[] = [];
      const rows = chunk.map((record) => {
        const row = toRow(record, now);
        const start = params.length;
        params.push(row.handle, row.prefix, row.values, row.template, row.batchId, row.createdAt, row.updatedAt);
        return `(${columns.map((_, k) => this.param(start + k + 1)).join(', ')})`;
      });
      await manager.query(`INSERT INTO "handle_records" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${rows.join(', ')}`, params);
    }
  }

  async updateRecord(manager: EntityManager, record: NewRecord & { createdAt: string }, now: string): Promise<void> {
    await manager.update(HandleRecordRow, { handle: record.handle }, { values: JSON.stringify(record.values), template: record.template ?? null, updatedAt: now });
  }

  async deleteRecord(manager: EntityManager, handle: string): Promise<boolean> {
    const result = await manager.delete(HandleRecordRow, { handle });
    return (result.affected ?? 0) > 0;
  }

  async listRecords(prefix: string, limit: number, after?: string): Promise<StoredRecord[]> {
    const query = this.dataSource.manager.createQueryBuilder(HandleRecordRow, 'r').where('r.prefix = :prefix', { prefix });
    if (after) query.andWhere('r.handle > :after', { after });
    const rows = await query.orderBy('r.handle', 'ASC').limit(limit).getMany();
    return rows.map(toRecord);
  }

  countRecords(): Promise<number> {
    return this.dataSource.manager.count(HandleRecordRow);
  }

  // Prefixes
  getPrefix(prefix: string, manager: EntityManager = this.dataSource.manager): Promise<PrefixRow | null> {
    return manager.findOneBy(PrefixRow, { prefix });
  }
  listPrefixes(): Promise<PrefixRow[]> {
    return this.dataSource.manager.find(PrefixRow, { order: { prefix: 'ASC' } });
  }

  // Templates
  async getTemplateBody(id: string): Promise<string | undefined> {
    return (await this.dataSource.manager.findOneBy(TemplateRow, { id }))?.body;
  }
  listTemplateBodies(): Promise<TemplateRow[]> {
    return this.dataSource.manager.find(TemplateRow, { order: { id: 'ASC' } });
  }

  // Batches
  getBatch(id: string): Promise<BatchRow | null> {
    return this.dataSource.manager.findOneBy(BatchRow, { id });
  }
  async setBatchAnchor(id: string, txId: string, blockNumber: number): Promise<void> {
    await this.dataSource.manager.update(BatchRow, { id }, { anchorTxId: txId, anchorBlock: blockNumber });
  }
  unanchoredBatches(): Promise<BatchRow[]> {
    return this.dataSource.manager.find(BatchRow, { where: { anchorTxId: IsNull() }, order: { createdAt: 'ASC' } });
  }

  // Daily statistics
  /** Atomic increments (an upsert), so concurrent registrations on PostgreSQL never clash. */
  async addStats(manager: EntityManager, day: string, increments: Record<string, number>): Promise<void> {
    for (const [metric, by] of Object.entries(increments)) {
      if (by === 0) continue;
      await manager.query(
        `INSERT INTO "daily_stats" ("day", "metric", "count") VALUES (${this.param(1)}, ${this.param(2)}, ${this.param(3)}) ` +
          `ON CONFLICT ("day", "metric") DO UPDATE SET "count" = "daily_stats"."count" + excluded."count"`,
        [day, metric, by],
      );
    }
  }
  async statsOf(day: string): Promise<Record<string, number>> {
    const rows = await this.dataSource.manager.findBy(DailyStatRow, { day });
    return Object.fromEntries(rows.map((r) => [r.metric, r.count]));
  }

  // Top-level node
  applications = () => this.dataSource.manager.getRepository(ApplicationRow);
  reports = () => this.dataSource.manager.getRepository(ReportRow);

  close(): Promise<void> {
    return this.dataSource.destroy();
  }
}
