// Child process of the crash test: commits transactions as fast as it can from many concurrent
// submitters and reports each commit on stdout, until its parent kills it.
import { EmbeddedLedger } from '../../src/index.js';
import { KV_CONTRACTS } from './kv-contracts-module.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: crash-child <dataDir>');
const ledger = await EmbeddedLedger.open({ dataDir, contractsModule: KV_CONTRACTS });
let sequence = 0;
async function submitter(worker: number): Promise<never> {
  for (;;) {
    const key = `crash-${worker}-${sequence++}`;
    const { txId, blockNumber } = await ledger.submit({ identity: 'operator', fn: 'Kv:Put', args: [key, `value-of-${key}`] });
    process.stdout.write(`${blockNumber} ${txId} ${key}\n`);
  }
}
await Promise.all(Array.from({ length: 32 }, (_, worker) => submitter(worker)));
