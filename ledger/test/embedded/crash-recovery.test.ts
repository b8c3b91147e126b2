// A process killed in the middle of committing restarts with no half-written block, a chain that
// verifies, and every transaction it reported committed still there.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { EmbeddedLedger } from '../../src/index.js';
import { KV_CONTRACTS } from './kv-contracts-module.js';
import { tempDir } from '../support/temp-dir.js';

it('survives SIGKILL during commits', async () => {
  const dir = tempDir('crash');
  try {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./crash-child.js', import.meta.url)), dir.path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const reported: Array<{ block: number; txId: string; key: string }> = [];
    let buffered = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const [block, txId, key] = line.split(' ');
          reported.push({ block: Number(block), txId: txId!, key: key! });
        }
        // Kill it while it is busy committing, well past the first blocks.
        if (reported.length >= 2000 && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited early: ${code}`))));
    });
    await new Promise((resolve) => child.once('close', resolve));

    const ledger = await EmbeddedLedger.open({ dataDir: dir.path, contractsModule: KV_CONTRACTS });
    try {
      const verified = ledger.verify();
      assert.equal(verified.ok, true, JSON.stringify(verified));
      const height = await ledger.height();
      assert.ok(reported.every((r) => r.block < height), 'a reported block is missing');
      for (const { key } of reported) {
        assert.equal(await ledger.evaluate({ identity: 'agency', fn: 'Kv:Get', args: [key] }), `value-of-${key}`);
      }
      // The ledger keeps working after recovery.
      const next = await ledger.submit({ identity: 'operator', fn: 'Kv:Put', args: ['after-crash', 'ok'] });
      assert.equal(next.blockNumber, height);
      assert.equal(ledger.verify().ok, true);
    } finally {
      await ledger.close();
    }
  } finally {
    dir.remove();
  }
});
