// The embedded ledger's Fabric semantics, on a contract made for the purpose (kv-contract.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { EmbeddedLedger, LedgerError, type ChaincodeEvent } from '../../src/index.js';
import { KV_CONTRACTS } from './kv-contracts-module.js';
import { tempDir } from '../support/temp-dir.js';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof import('better-sqlite3');

async function rejectsWith(promise: Promise<unknown>, code: string, pattern?: RegExp): Promise<LedgerError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LedgerError, `expected a LedgerError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return error;
  }
  assert.fail(`expected ${code}`);
}

describe('embedded ledger', () => {
  const dir = tempDir('embedded');
  let ledger: EmbeddedLedger;
  const submit = (fn: string, args: string[] = [], identity = 'operator', extra = {}) => ledger.submit({ identity, fn: `Kv:${fn}`, args, ...extra });
  const evaluate = (fn: string, args: string[] = [], identity = 'operator', extra = {}) => ledger.evaluate({ identity, fn: `Kv:${fn}`, args, ...extra });

  before(async () => {
    ledger = await EmbeddedLedger.open({ dataDir: dir.path, contractsModule: KV_CONTRACTS });
  });
  after(async () => {
    await ledger.close();
    dir.remove();
  });

  it('reads the client identity from a real X.509 certificate', async () => {
    const who = JSON.parse(await evaluate('Who', [], 'hk')) as Record<string, string>;
    assert.equal(who.mspId, 'HkPartnerMSP');
    assert.equal(who.org, 'hk-partner');
    assert.match(who.id!, /^x509::\/C=CN\/O=hk-partner\.gridspace\.local\/OU=client\/CN=hk@hk-partner\.gridspace\.local::\/C=CN\/O=hk-partner\.gridspace\.local\/CN=ca\.hk-partner\.gridspace\.local$/);
    assert.match(who.txId!, /^[0-9a-f]{64}$/);
    assert.deepEqual(ledger.identities().find((i) => i.name === 'agency'), { name: 'agency', mspId: 'ProvincialDrcMSP' });
  });

  it('commits writes, and a transaction does not read its own writes', async () => {
    const committed = await submit('Put', ['colour', 'blue']);
    assert.ok(committed.blockNumber >= 1);
    assert.equal(await evaluate('Get', ['colour']), 'blue');
    assert.equal((await submit('PutThenGet', ['fresh', 'value'])).result, '');
    assert.equal(await evaluate('Get', ['fresh']), 'value');
  });

  it('evaluate writes nothing', async () => {
    const height = await ledger.height();
    await evaluate('Put', ['evaluated', 'x']);
    assert.equal(await evaluate('Get', ['evaluated']), '');
    assert.equal(await ledger.height(), height);
  });

  it('fails a transaction whose reads went stale with MVCC_READ_CONFLICT and writes nothing of it', async () => {
    await submit('Put', ['counter', '0']);
    const stale = submit('IncrementWhenChanged', ['counter']);
    await submit('Put', ['counter', '5']);
    await rejectsWith(stale, 'MVCC_READ_CONFLICT', /read state that another transaction changed/);
    assert.equal(await evaluate('Get', ['counter']), '5');
  });

  it('keeps concurrent increments consistent: every committed one counted, the others conflicts', async () => {
    await submit('Put', ['tally', '0']);
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => submit('Increment', ['tally'])));
    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    assert.ok(fulfilled.length >= 1);
    for (const { reason } of rejected) assert.equal((reason as LedgerError).code, 'MVCC_READ_CONFLICT');
    assert.equal(await evaluate('Get', ['tally']), String(fulfilled.length));
  });

  it('detects phantom reads in range queries', async () => {
    await submit('Put', ['room/1', 'a']);
    const count = submit('CountRangeWhenChanged', ['room/', 'room/~', 'room-count']);
    await submit('Put', ['room/2', 'b']);
    await rejectsWith(count, 'MVCC_READ_CONFLICT', /PHANTOM_READ_CONFLICT/);
    assert.equal(await evaluate('Get', ['room-count']), '');
    assert.equal((await submit('CountRange', ['room/', 'room/~', 'room-count'])).result, '2');
  });

  it('range queries exclude composite keys; partial composite keys find and split them, page by page', async () => {
    for (const [maker, serial] of [['m1', 's1'], ['m1', 's2'], ['m2', 's3']]) {
      await submit('PutComposite', ['unit', JSON.stringify([maker!, serial!]), `${maker}-${serial}`]);
    }
    const simple = JSON.parse(await evaluate('Range', ['', ''])) as Array<{ key: string }>;
    assert.ok(simple.every((row) => !row.key.startsWith('\x00')));
    assert.deepEqual(JSON.parse(await evaluate('ByPartialKey', ['unit', JSON.stringify(['m1'])])), [
      { objectType: 'unit', attributes: ['m1', 's1'], value: 'm1-s1' },
      { objectType: 'unit', attributes: ['m1', 's2'], value: 'm1-s2' },
    ]);
    const first = JSON.parse(await evaluate('PageByPartialKey', ['unit', '2', ''])) as { values: string[]; bookmark: string; count: number };
    assert.deepEqual(first.values, ['m1-s1', 'm1-s2']);
    assert.equal(first.count, 2);
    const second = JSON.parse(await evaluate('PageByPartialKey', ['unit', '2', first.bookmark])) as typeof first;
    assert.deepEqual(second.values, ['m2-s3']);
    assert.equal(second.bookmark, '');
    await rejectsWith(submit('PageThenWrite', ['unit']), 'INVALID_ARGUMENT', /read-only transaction/);
  });

  it('answers Mango rich queries with selector, sort, limit and bookmark', async () => {
    const docs = [
      { id: 'q1', kind: 'meter', kwh: 30, region: '440100' },
      { id: 'q2', kind: 'meter', kwh: 10, region: '440300' },
      { id: 'q3', kind: 'meter', kwh: 20, region: '440100' },
      { id: 'q4', kind: 'other', kwh: 5, region: '440100' },
    ];
    for (const doc of docs) await submit('Put', [doc.id, JSON.stringify(doc)]);
    const query = (q: unknown) => evaluate('Query', [JSON.stringify(q)]).then((r) => JSON.parse(r) as string[]);
    assert.deepEqual(await query({ selector: { kind: 'meter' }, sort: [{ kwh: 'asc' }] }), ['q2', 'q3', 'q1']);
    assert.deepEqual(await query({ selector: { kind: 'meter', kwh: { $gte: 20 } }, sort: [{ kwh: 'desc' }], limit: 1 }), ['q1']);
    assert.deepEqual(await query({ selector: { $or: [{ region: '440300' }, { kind: 'other' }] } }), ['q2', 'q4']);
    assert.deepEqual(await query({ selector: { region: { $in: ['440100'] }, kind: { $ne: 'other' } } }), ['q1', 'q3']);
    const page1 = JSON.parse(await evaluate('QueryPage', [JSON.stringify({ selector: { kind: 'meter' } }), '2', ''])) as { keys: string[]; bookmark: string };
    assert.deepEqual(page1.keys, ['q1', 'q2']);
    const page2 = JSON.parse(await evaluate('QueryPage', [JSON.stringify({ selector: { kind: 'meter' } }), '2', page1.bookmark])) as typeof page1;
    assert.deepEqual(page2, { keys: ['q3'], bookmark: '' });
    await rejectsWith(evaluate('Query', ['{"selector": {"kwh": {"$near": 1}}}']), 'INVALID_ARGUMENT', /unknown operator \$near/);
    await rejectsWith(evaluate('Query', ['not json']), 'INVALID_ARGUMENT', /query: must be a JSON object/);
  });

  it('keeps key history, newest first, including deletes', async () => {
    const first = await submit('Put', ['hist', 'v1']);
    const second = await submit('Put', ['hist', 'v2']);
    const removed = await submit('Delete', ['hist']);
    const history = JSON.parse(await evaluate('History', ['hist'])) as Array<{ txId: string; value: string; isDelete: boolean; seconds: number }>;
    assert.deepEqual(history.map((h) => [h.txId, h.value, h.isDelete]), [[removed.txId, '', true], [second.txId, 'v2', false], [first.txId, 'v1', false]]);
    assert.ok(history.every((h) => Math.abs(h.seconds - Date.now() / 1000) < 600));
    assert.equal(await evaluate('Get', ['hist']), '');
  });

  it('keeps private data to the owning org, with a hash everyone can check', async () => {
    await submit('PutSecret', ['price-1'], 'supplier', { transient: { secret: '1250000 CNY' } });
    assert.equal(await evaluate('GetSecret', ['TransformerMakerMSP', 'price-1'], 'supplier'), '1250000 CNY');
    await rejectsWith(evaluate('GetSecret', ['TransformerMakerMSP', 'price-1'], 'agency'), 'FORBIDDEN', /read access/);
    const hash = await evaluate('SecretHash', ['TransformerMakerMSP', 'price-1'], 'agency');
    assert.equal(hash, require('node:crypto').createHash('sha256').update('1250000 CNY').digest('hex'));
    await rejectsWith(submit('PutSecret', ['price-2'], 'supplier'), 'INVALID_ARGUMENT', /transient\.secret: required/);
    // The private value never reaches the block log.
    const blocks = new Database(`${dir.path}/ledger.sqlite`, { readonly: true }).prepare('SELECT transactions FROM blocks').all() as Array<{ transactions: string }>;
    assert.ok(blocks.every((b) => !b.transactions.includes('1250000')));
  });

  it('enforces key-level endorsement policies against the endorsing orgs', async () => {
    await submit('Put', ['guarded', 'v0']);
    await submit('Guard', ['guarded', JSON.stringify(['GridOperatorMSP', 'ProvincialDrcMSP'])]);
    await rejectsWith(submit('Put', ['guarded', 'v1'], 'operator', { endorsingOrgs: ['GridOperatorMSP'] }), 'ENDORSEMENT_POLICY_FAILURE');
    assert.equal(await evaluate('Get', ['guarded']), 'v0');
    await submit('Put', ['guarded', 'v2'], 'operator', { endorsingOrgs: ['GridOperatorMSP', 'ProvincialDrcMSP'] });
    assert.equal(await evaluate('Get', ['guarded']), 'v2');
  });

  it('maps chaincode failures to stable error codes', async () => {
    await rejectsWith(submit('Fail', ['FORBIDDEN']), 'FORBIDDEN', /asked to fail/);
    await rejectsWith(submit('Fail', ['NOT_FOUND']), 'NOT_FOUND');
    await rejectsWith(submit('Fail', ['SOMETHING_ELSE']), 'INTERNAL');
    await rejectsWith(submit('Missing'), 'INTERNAL', /Missing/);
    await rejectsWith(ledger.submit({ identity: 'nobody', fn: 'Kv:Put', args: ['a', 'b'] }), 'UNKNOWN_IDENTITY');
  });

  it('delivers chaincode events after commit, and resumes from a block number', async () => {
    const controller = new AbortController();
    const seen: ChaincodeEvent[] = [];
    const listening = (async () => {
      for await (const event of ledger.events({ signal: controller.signal })) {
        seen.push(event);
        if (seen.length === 2) controller.abort();
      }
    })();
    const a = await submit('Put', ['event-a', '1']);
    const b = await submit('Put', ['event-b', '2']);
    await listening;
    assert.deepEqual(seen.map((e) => [e.txId, e.name, JSON.parse(e.payload).key]), [[a.txId, 'Put', 'event-a'], [b.txId, 'Put', 'event-b']]);
    assert.equal(seen[0]!.blockNumber, a.blockNumber);

    const replay: ChaincodeEvent[] = [];
    const replayController = new AbortController();
    for await (const event of ledger.events({ fromBlock: a.blockNumber, signal: replayController.signal })) {
      replay.push(event);
      if (event.txId === b.txId) replayController.abort();
    }
    assert.deepEqual(replay.map((e) => e.txId), [a.txId, b.txId]);
  });

  it('hash-chains its blocks and detects tampering', async () => {
    assert.deepEqual(ledger.verify(), { ok: true, blocks: await ledger.height() });
    const db = new Database(`${dir.path}/ledger.sqlite`);
    try {
      const value = (db.prepare("SELECT value FROM state WHERE key = 'colour'").get() as { value: Buffer }).value;
      db.prepare("UPDATE state SET value = ? WHERE key = 'colour'").run(Buffer.from('red'));
      const tampered = ledger.verify();
      assert.equal(tampered.ok, false);
      assert.match((tampered as { problem: string }).problem, /colour/);
      db.prepare("UPDATE state SET value = ? WHERE key = 'colour'").run(value);
      const original = db.prepare('SELECT transactions FROM blocks WHERE number = 2').get() as { transactions: string };
      db.prepare('UPDATE blocks SET transactions = ? WHERE number = 2').run(original.transactions.replace('"VALID"', '"VALID" '));
      assert.deepEqual(ledger.verify(), { ok: false, block: 2, problem: 'data hash does not match' });
      db.prepare('UPDATE blocks SET transactions = ? WHERE number = 2').run(original.transactions);
      assert.equal(ledger.verify().ok, true);
    } finally {
      db.close();
    }
  });
});

describe('embedded ledger persistence', () => {
  it('keeps state, chain and identities across a restart, and refuses a second open of an open folder', async () => {
    const dir = tempDir('restart');
    try {
      const first = await EmbeddedLedger.open({ dataDir: dir.path, contractsModule: KV_CONTRACTS });
      const who = await first.evaluate({ identity: 'supplier', fn: 'Kv:Who' });
      await assert.rejects(EmbeddedLedger.open({ dataDir: dir.path, contractsModule: KV_CONTRACTS }),
        { code: 'UNAVAILABLE', message: `UNAVAILABLE: the ledger in ${dir.path} is already open in this process (${process.pid}); close it first` });
      // The refused open left the first one's lock alone.
      const committed = await first.submit({ identity: 'supplier', fn: 'Kv:Put', args: ['kept', 'yes'] });
      await assert.rejects(EmbeddedLedger.open({ dataDir: dir.path, contractsModule: KV_CONTRACTS }), { code: 'UNAVAILABLE' });
      await first.close();
      assert.equal(existsSync(join(dir.path, 'ledger.lock')), false);
      // An open that fails after taking the lock gives it back.
      await assert.rejects(EmbeddedLedger.open({ dataDir: dir.path, contractsModule: new URL('./no-such-module.js', import.meta.url).href }),
        { code: 'UNAVAILABLE', message: /chaincode could not be loaded/ });
      const second = await EmbeddedLedger.open({ dataDir: dir.path, contractsModule: KV_CONTRACTS });
      assert.equal(await second.evaluate({ identity: 'operator', fn: 'Kv:Get', args: ['kept'] }), 'yes');
      assert.equal(JSON.parse(await second.evaluate({ identity: 'supplier', fn: 'Kv:Who' })).id, JSON.parse(who).id);
      assert.equal(await second.height(), committed.blockNumber + 1);
      assert.equal(second.verify().ok, true);
      await second.close();
      assert.equal(existsSync(join(dir.path, 'ledger.lock')), false);
    } finally {
      dir.remove();
    }
  });
});
