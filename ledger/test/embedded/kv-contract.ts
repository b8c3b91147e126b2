// A small contract that exercises every stub API the embedded ledger offers, so the ledger's
// Fabric semantics are tested independently of the Gridspace contracts.
// fabric-contract-api is CommonJS whose named exports Node's ESM loader cannot see: take them from the default export.
import fabricContractApi from 'fabric-contract-api';
import { createRequire } from 'node:module';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the value is read by decorator metadata
const { Contract, Context, Info, Returns, Transaction } = fabricContractApi;
// A value and a type of one name, so that decorator metadata names the Context class (the contract
// API drops parameters of the context type when it builds the transaction's metadata).
type Context = InstanceType<typeof Context>;
const require = createRequire(import.meta.url);
const { KeyEndorsementPolicy } = require('fabric-shim') as {
  KeyEndorsementPolicy: new () => { addOrgs(role: string, ...orgs: string[]): void; getPolicy(): Uint8Array };
};

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

async function collect(iterator: AsyncIterable<{ key: string; value: Uint8Array }>) {
  const rows: Array<{ key: string; value: string }> = [];
  for await (const { key, value } of iterator) rows.push({ key, value: text(value) });
  return rows;
}

@Info({ title: 'Kv', description: 'test contract for the embedded ledger' })
export class KvContract extends Contract {
  constructor() {
    super('Kv');
  }

  @Transaction()
  async Put(ctx: Context, key: string, value: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(value));
    ctx.stub.setEvent('Put', Buffer.from(JSON.stringify({ key, value })));
  }

  @Transaction()
  @Returns('string')
  async PutThenGet(ctx: Context, key: string, value: string): Promise<string> {
    await ctx.stub.putState(key, Buffer.from(value));
    return text(await ctx.stub.getState(key));
  }

  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, key: string): Promise<string> {
    return text(await ctx.stub.getState(key));
  }

  @Transaction()
  async Delete(ctx: Context, key: string): Promise<void> {
    await ctx.stub.deleteState(key);
  }

  @Transaction()
  @Returns('number')
  async Increment(ctx: Context, key: string): Promise<number> {
    const current = Number(text(await ctx.stub.getState(key)) || '0');
    await ctx.stub.putState(key, Buffer.from(String(current + 1)));
    return current + 1;
  }

  /**
   * Reads `key`, then waits (up to 5 s) until another transaction's commit changes it before
   * writing: its read is then certainly stale.
   */
  @Transaction()
  @Returns('number')
  async IncrementWhenChanged(ctx: Context, key: string): Promise<number> {
    const first = text(await ctx.stub.getState(key));
    for (let waited = 0; waited < 5000 && text(await ctx.stub.getState(key)) === first; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await ctx.stub.putState(key, Buffer.from(String(Number(first || '0') + 1)));
    return Number(first || '0') + 1;
  }

  /** Counts the keys in a range and records the count: a phantom read candidate. */
  @Transaction()
  @Returns('number')
  async CountRange(ctx: Context, start: string, end: string, target: string): Promise<number> {
    const rows = await collect(ctx.stub.getStateByRange(start, end));
    await ctx.stub.putState(target, Buffer.from(String(rows.length)));
    return rows.length;
  }

  /** Counts a range, then waits (up to 5 s) until another commit adds a key to it: a phantom read. */
  @Transaction()
  @Returns('number')
  async CountRangeWhenChanged(ctx: Context, start: string, end: string, target: string): Promise<number> {
    const rows = await collect(ctx.stub.getStateByRange(start, end));
    for (let waited = 0; waited < 5000 && (await collect(ctx.stub.getStateByRange(start, end))).length === rows.length; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await ctx.stub.putState(target, Buffer.from(String(rows.length)));
    return rows.length;
  }

  @Transaction(false)
  @Returns('string')
  async Range(ctx: Context, start: string, end: string): Promise<string> {
    return JSON.stringify(await collect(ctx.stub.getStateByRange(start, end)));
  }

  @Transaction()
  async PutComposite(ctx: Context, type: string, attributesJson: string, value: string): Promise<void> {
    const key = ctx.stub.createCompositeKey(type, JSON.parse(attributesJson) as string[]);
    await ctx.stub.putState(key, Buffer.from(value));
  }

  @Transaction(false)
  @Returns('string')
  async ByPartialKey(ctx: Context, type: string, attributesJson: string): Promise<string> {
    const rows = await collect(ctx.stub.getStateByPartialCompositeKey(type, JSON.parse(attributesJson) as string[]));
    return JSON.stringify(rows.map((row) => ({ ...ctx.stub.splitCompositeKey(row.key), value: row.value })));
  }

  @Transaction(false)
  @Returns('string')
  async PageByPartialKey(ctx: Context, type: string, pageSize: number, bookmark: string): Promise<string> {
    const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(type, [], pageSize, bookmark);
    const values: string[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) values.push(text(next.value.value));
    await iterator.close();
    return JSON.stringify({ values, bookmark: metadata.bookmark, count: metadata.fetchedRecordsCount });
  }

  @Transaction()
  async PageThenWrite(ctx: Context, type: string): Promise<void> {
    await ctx.stub.getStateByPartialCompositeKeyWithPagination(type, [], 10, '');
    await ctx.stub.putState('after-page', Buffer.from('x'));
  }

  @Transaction(false)
  @Returns('string')
  async Query(ctx: Context, query: string): Promise<string> {
    return JSON.stringify((await collect(ctx.stub.getQueryResult(query))).map((row) => row.key));
  }

  @Transaction(false)
  @Returns('string')
  async QueryPage(ctx: Context, query: string, pageSize: number, bookmark: string): Promise<string> {
    const { iterator, metadata } = await ctx.stub.getQueryResultWithPagination(query, pageSize, bookmark);
    const keys: string[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) keys.push(next.value.key);
    return JSON.stringify({ keys, bookmark: metadata.bookmark });
  }

  @Transaction(false)
  @Returns('string')
  async History(ctx: Context, key: string): Promise<string> {
    const entries: Array<{ txId: string; value: string; isDelete: boolean; seconds: number }> = [];
    for await (const entry of ctx.stub.getHistoryForKey(key)) {
      entries.push({ txId: entry.txId, value: text(entry.value), isDelete: entry.isDelete, seconds: entry.timestamp.seconds.toNumber() });
    }
    return JSON.stringify(entries);
  }

  @Transaction(false)
  @Returns('string')
  async Who(ctx: Context): Promise<string> {
    const identity = ctx.clientIdentity;
    return JSON.stringify({ mspId: identity.getMSPID(), id: identity.getID(), org: identity.getAttributeValue('gridspace.org'), txId: ctx.stub.getTxID(), time: ctx.stub.getDateTimestamp().toISOString() });
  }

  /** Writes transient `secret` into the creator's implicit collection. */
  @Transaction()
  async PutSecret(ctx: Context, key: string): Promise<void> {
    const secret = ctx.stub.getTransient().get('secret');
    if (!secret) throw new Error('INVALID_ARGUMENT: transient.secret: required');
    await ctx.stub.putPrivateData(`_implicit_org_${ctx.clientIdentity.getMSPID()}`, key, secret);
  }

  @Transaction(false)
  @Returns('string')
  async GetSecret(ctx: Context, owner: string, key: string): Promise<string> {
    return text(await ctx.stub.getPrivateData(`_implicit_org_${owner}`, key));
  }

  @Transaction(false)
  @Returns('string')
  async SecretHash(ctx: Context, owner: string, key: string): Promise<string> {
    return Buffer.from(await ctx.stub.getPrivateDataHash(`_implicit_org_${owner}`, key)).toString('hex');
  }

  /** Requires every org in `orgsJson` to endorse later writes of `key`. */
  @Transaction()
  async Guard(ctx: Context, key: string, orgsJson: string): Promise<void> {
    const policy = new KeyEndorsementPolicy();
    policy.addOrgs('MEMBER', ...(JSON.parse(orgsJson) as string[]));
    await ctx.stub.setStateValidationParameter(key, policy.getPolicy());
  }

  @Transaction()
  async Fail(_ctx: Context, code: string): Promise<void> {
    throw new Error(`${code}: asked to fail`);
  }
}

/** What the embedded ledger's simulation workers load (see kv-contracts-module.ts). */
export const contracts = [KvContract];
