// @gridspace/data-products/testing: a fresh PostgreSQL database per test, on the cluster named by
// GRIDSPACE_TEST_POSTGRES_URL (scripts/run-tests.mjs starts a throwaway one on 127.0.0.1). Used by
// this package's tests and by the identity resolver's.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** Connection URL of the new database (the cluster's URL with the database name as its path). */
  url: string;
  /** Drops the database, cutting connections still open to it. */
  drop(): Promise<void>;
}

async function onCluster(adminUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** Creates `<namePrefix>_<random hex>`; throws (never skips) when GRIDSPACE_TEST_POSTGRES_URL is not set. */
export async function freshPostgresDatabase(namePrefix: string): Promise<TestDatabase> {
  const adminUrl = process.env.GRIDSPACE_TEST_POSTGRES_URL;
  if (!adminUrl) {
    throw new Error('GRIDSPACE_TEST_POSTGRES_URL is not set: run the tests with `node scripts/run-tests.mjs <package>` (it starts a throwaway PostgreSQL), or set it to a superuser URL');
  }
  const name = `${namePrefix}_${randomBytes(6).toString('hex')}`;
  await onCluster(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onCluster(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
