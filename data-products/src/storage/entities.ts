// What the data product stores: customers, their daily meter readings, and a log of imports.
import 'reflect-metadata';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type CustomerKind = 'enterprise' | 'residential';

@Entity({ name: 'customer' })
export class Customer {
  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 64 })
  customerId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: CustomerKind;

  /** GB/T 2260 code as supplied (a city or one of its districts). */
  @Column({ name: 'region_code', type: 'varchar', length: 6 })
  regionCode!: string;

  /** GB/T 4754 code (two to four digits) or RES for households. */
  @Column({ name: 'industry_code', type: 'varchar', length: 4 })
  industryCode!: string;
}

/** One customer's consumption on one day. The key makes re-imports upserts, hence idempotent. */
@Entity({ name: 'reading', withoutRowid: true })
export class Reading {
  /** YYYY-MM-DD, stored as text so no driver turns it into a time-zone-shifted Date. Leading the
   * key because meter exports come day by day, so inserts append to the index. */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  date!: string;

  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 64 })
  customerId!: string;

  @Column({ name: 'region_code', type: 'varchar', length: 6 })
  regionCode!: string;

  @Column({ name: 'industry_code', type: 'varchar', length: 4 })
  industryCode!: string;

  /** At most three decimals (Wh resolution), so sums are exact. */
  @Column({ type: 'double precision' })
  kwh!: number;
}

@Entity({ name: 'import_record' })
@Index(['kind', 'sha256'], { unique: true })
export class ImportRecord {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: 'customers' | 'readings';

  @Column({ name: 'file_name', type: 'varchar', length: 512 })
  fileName!: string;

  /** SHA-256 of the file's bytes: the same file is imported once. */
  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ type: 'integer' })
  rows!: number;

  @Column({ type: 'integer' })
  accepted!: number;

  @Column({ type: 'integer' })
  rejected!: number;

  @CreateDateColumn({ name: 'imported_at' })
  importedAt!: Date;
}

export const ENTITIES = [Customer, Reading, ImportRecord];
