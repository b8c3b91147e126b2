// A process killed in the middle of committing restarts with no half-written block, a chain that
// verifies, and every transaction it reported committed still there. While it runs, it holds the
// folder's lock and another process's open is refused; killed, its lock is left over and taken over.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { EmbeddedLedger } from '../../src/index.js';
import { KV_CONTRACTS } from './kv-contracts-module.js';
import { tempDir } from '../support/temp-dir.js';

it('survives SIGKILL during commits', async () => {
  const dir = tempDir('crash');
  const child = spawn(process.execPath, [fileURLToPath(new URL('./crash-child.js', import.meta.url)), dir.path], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const reported: Array<{ block: number; txId: string; key: string }> = [];
    let buffered = '';
    let committing!: () => void;
    const firstCommit = new Promise<void>((resolve) => (committing = resolve));
    let refusedChecked = false;
    const killed = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const [block, txId, key] = line.split(' ');
          reported.push({ block: Number(block), txId: txId!, key: key! });
        }
        if (reported.length > 0) committing();
        // Kill it while it is busy committing, well past the first blocks.
        if (refusedChecked && reported.length >= 2000 && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited early: ${code}`))));
    });
    await Promise.race([firstCommit, killed]);
    await assert.rejects(EmbeddedLedger.open({ dataDir: dir.path, contractsModule: KV_CONTRACTS }), {
      code: 'UNAVAILABLE',
      message: new RegExp(`^UNAVAILABLE: the ledger in ${escape(dir.path)} is open in process ${child.pid} on ${escape(hostname())} \\(started .+\\); stop that process first, or use another data folder`),
    });
    refusedChecked = true;
    await killed;
    await new Promise((resolve) => child.once('close', resolve));
    assert.ok(existsSync(join(dir.path, 'ledger.lock')), 'the killed child left its lock');

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
    assert.equal(existsSync(join(dir.path, 'ledger.lock')), false);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    dir.remove();
  }
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
