// Opens the data product's database through typeorm: SQLite (better-sqlite3) by default,
// PostgreSQL when the URL says postgres://.
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import type BetterSqlite3 from 'better-sqlite3';
import { ENTITIES } from './entities.js';

export type StoreKind = 'sqlite' | 'postgres';

export interface Store {
  kind: StoreKind;
  dataSource: DataSource;
  /** The raw better-sqlite3 handle (SQLite only), for bulk statements inside typeorm's transaction. */
  sqlite?: BetterSqlite3.Database;
  close(): Promise<void>;
}

/** Default location of the SQLite file when GRIDSPACE_DATA_PRODUCTS_DB is not set. */
export const DEFAULT_DATABASE = '.gridspace/data-products.db';

/**
 * `url`: `postgres://user@host:port/db`, `sqlite:<file>`, a plain file path, or `:memory:`.
 * Default: GRIDSPACE_DATA_PRODUCTS_DB, else `.gridspace/data-products.db` under the working folder.
 */
export async function openStore(url = process.env.GRIDSPACE_DATA_PRODUCTS_DB ?? DEFAULT_DATABASE): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const dataSource = new DataSource({ type: 'postgres', url, entities: ENTITIES, synchronize: true, logging: false });
    await dataSource.initialize();
    return { kind: 'postgres', dataSource, close: () => dataSource.destroy() };
  }
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
  const dataSource = new DataSource({
    type: 'better-sqlite3',
    database: file,
    entities: ENTITIES,
    synchronize: true,
    logging: false,
    enableWAL: file !== ':memory:',
    prepareDatabase: (db: BetterSqlite3.Database) => {
      db.pragma('synchronous = NORMAL');
      db.pragma('cache_size = -200000');
    },
  });
  await dataSource.initialize();
  const sqlite = (dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
  return { kind: 'sqlite', dataSource, sqlite, close: () => dataSource.destroy() };
}
