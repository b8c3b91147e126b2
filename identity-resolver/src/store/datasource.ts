// Opens the node's database through typeorm: SQLite (better-sqlite3) by default, PostgreSQL by URL.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ENTITIES } from './entities.js';

export type DatabaseConfig =
  | { type: 'sqlite'; path: string }
  | { type: 'postgres'; url: string };

export async function openDataSource(config: DatabaseConfig): Promise<DataSource> {
  let dataSource: DataSource;
  if (config.type === 'sqlite') {
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: config.path,
      entities: ENTITIES,
      synchronize: true,
      // WAL: readers do not wait for a batch being written; NORMAL sync is still crash-safe in WAL.
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('cache_size = -65536');
      },
    });
  } else {
    dataSource = new DataSource({ type: 'postgres', url: config.url, entities: ENTITIES, synchronize: true, extra: { max: 20 } });
  }
  await dataSource.initialize();
  return dataSource;
}
