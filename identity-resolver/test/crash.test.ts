// A process killed in the middle of a batch leaves none of that batch behind (one transaction).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DB_KINDS, freshDatabase } from './helpers.js';
import { openDataSource } from '../src/store/datasource.js';
import { Store } from '../src/store/store.js';

const child = fileURLToPath(new URL('./fixtures/kill-mid-batch.js', import.meta.url));

for (const kind of DB_KINDS) {
  test(`SIGKILL during a batch leaves none of it (${kind})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resolver-crash-'));
    const db = await freshDatabase(kind, dir);
    try {
      const run = spawnSync(process.execPath, [child, JSON.stringify(db.config)], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(run.signal, 'SIGKILL', `the child should have been killed: ${run.stdout} ${run.stderr}`);
      assert.match(run.stdout, /wrote 400 of 2000 rows inside the transaction/);
      const store = new Store(await openDataSource(db.config));
      try {
        assert.ok(await store.getPrefix('88.188.1001'), 'the committed prefix allocation survived');
        assert.deepEqual(await store.listRecords('88.188.1001', 10), [], 'no identifier of the killed batch survived');
        assert.equal(await store.dataSource.query('SELECT COUNT(*) AS n FROM batches').then((rows: { n: number | string }[]) => Number(rows[0]!.n)), 0);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
