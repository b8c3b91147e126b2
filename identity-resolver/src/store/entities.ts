// The node's tables. A handle record is one row whose values are JSON text: resolution reads one
// row by primary key, and a whole batch is one multi-row insert inside one transaction.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('handle_records')
export class HandleRecordRow {
  @PrimaryColumn({ type: 'varchar', length: 2048 })
  handle!: string;

  @Index()
  @Column({ type: 'varchar', length: 255 })
  prefix!: string;

  /** JSON text of HandleValue[]. */
  @Column({ type: 'text' })
  values!: string;

  /** The template this identifier was validated against, if any. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  template!: string | null;

  /** The registration batch that created it (for its Merkle proof). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  batchId!: string | null;

  @Column({ type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ type: 'varchar', length: 32 })
  updatedAt!: string;
}

@Entity('prefixes')
export class PrefixRow {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  prefix!: string;

  /** The partner org that owns the enterprise prefix. */
  @Column({ type: 'varchar', length: 128 })
  ownerOrg!: string;

  /** JSON text: org ids that may write under the prefix besides the owner. */
  @Column({ type: 'text', default: '[]' })
  delegates!: string;

  /** Template applied to identifiers under this prefix that name none. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  defaultTemplate!: string | null;

  @Column({ type: 'varchar', length: 128 })
  allocatedBy!: string;

  @Column({ type: 'varchar', length: 32 })
  allocatedAt!: string;
}

@Entity('templates')
export class TemplateRow {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id!: string;

  /** JSON text of the Template. */
  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'varchar', length: 32 })
  createdAt!: string;
}

@Entity('batches')
export class BatchRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  prefix!: string;

  @Column({ type: 'integer' })
  count!: number;

  /** Hex SHA-256 Merkle root over the batch's records, in `handles` order. */
  @Column({ type: 'varchar', length: 64 })
  merkleRoot!: string;

  /** JSON text: the leaf hashes, in order (the proof of any member is rebuilt from them). */
  @Column({ type: 'text' })
  leaves!: string;

  /** JSON text: the handles, in leaf order. */
  @Column({ type: 'text' })
  handles!: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  anchorTxId!: string | null;

  @Column({ type: 'integer', nullable: true })
  anchorBlock!: number | null;

  @Column({ type: 'varchar', length: 32 })
  createdAt!: string;
}

@Entity('daily_stats')
export class DailyStatRow {
  @PrimaryColumn({ type: 'varchar', length: 10 })
  day!: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  metric!: string;

  @Column({ type: 'integer' })
  count!: number;
}

/** Top-level node: prefix applications of second-level nodes. */
@Entity('applications')
export class ApplicationRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  prefix!: string;

  @Column({ type: 'varchar', length: 2048 })
  site!: string;

  /** JSON text of the applicant's public JWK. */
  @Column({ type: 'text' })
  jwk!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: 'pending' | 'approved' | 'rejected';

  @Column({ type: 'text', nullable: true })
  certificate!: string | null;

  @Column({ type: 'varchar', length: 32 })
  createdAt!: string;
}

/** Top-level node: signed statistics reports received from second-level nodes. */
@Entity('reports')
export class ReportRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  prefix!: string;

  @Column({ type: 'varchar', length: 10 })
  day!: string;

  /** The report as JWS compact serialization, kept as received. */
  @Column({ type: 'text' })
  jws!: string;

  /** JSON text of the verified payload. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ type: 'varchar', length: 32 })
  receivedAt!: string;
}

export const ENTITIES = [HandleRecordRow, PrefixRow, TemplateRow, BatchRow, DailyStatRow, ApplicationRow, ReportRow];
