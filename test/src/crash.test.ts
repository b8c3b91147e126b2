// SIGKILL `gridspace start` (what `npm start` runs) in the middle of a batch registration, start
// it again: every batch is there whole or not at all, every registered batch gets anchored, the
// ledger chain verifies, and rerunning the registration completes it without duplicates. And
// SIGKILL it right after releases: their usage receipts reach the ledger after the restart.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, readNetworkFile, tokenFor, type NetworkFile } from '@gridspace/cli';
import { eventually, PURPOSE, testEnv, transformerItems } from './support.js';

const gridspace = createRequire(import.meta.url).resolve('@gridspace/cli').replace(/index\.js$/, 'main.js');
const TOTAL = 10_000;
const BATCH = 2000;
const handleOf = (i: number) => `88.188.1001/TX2026-${String(50001 + i).padStart(6, '0')}`;

function run(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [gridspace, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

/** Starts the network as a child process; resolves once it wrote its network file. */
async function startNetworkProcess(dataDir: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; file: NetworkFile }> {
  const child = run(['start', '--quiet'], env);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    // Up to three minutes: other suites may be starting networks on the same two cores.
    const file = await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`gridspace start exited with ${child.exitCode}: ${output}`);
      const found = readNetworkFile(dataDir);
      return found && found.pid === child.pid ? found : undefined;
    }, 3600, 50);
    return { child, file };
  } catch (error) {
    // Never leave a network behind: it would keep this test file (and the run) from ending.
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}; its output: ${output}`);
  }
}

/** A data folder and the processes started on it, killed and removed after the suite. */
function crashSite(prefix: string): { dataDir: string; env: NodeJS.ProcessEnv; children: ChildProcess[] } {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const children: ChildProcess[] = [];
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  const env = testEnv(dataDir);
  // One identity provider port for the site: a restarted network keeps its issuers (as on fixed
  // ports), so tokens minted before the crash still name a registered issuer.
  before(async () => {
    env.GRIDSPACE_IDP_PORT = String(await freePort('127.0.0.1'));
  });
  return { dataDir, env, children };
}

describe('crash during a batch registration', () => {
  const { dataDir, env, children } = crashSite('gridspace-crash-');

  it('loses nothing and leaves nothing half-written when `gridspace start` is SIGKILLed mid-registration', async () => {
    const csv = join(dataDir, 'transformers.csv');
    const rows = Array.from({ length: TOTAL }, (_, i) => {
      const items = transformerItems(i);
      return `${handleOf(i)},${items.model},${items.ratedKva},${items.productionDate},${items.testCertificateSha256}`;
    });
    writeFileSync(csv, `handle,model,ratedKva,productionDate,testCertificateSha256\n${rows.join('\n')}\n`);

    const first = await startNetworkProcess(dataDir, env);
    children.push(first.child);
    const registration = run(['id', 'register-batch', csv], env);
    children.push(registration);
    // Kill the network as soon as the first batch is acknowledged, while the next ones are in flight.
    await new Promise<void>((resolve) => {
      let progress = '';
      registration.stderr!.on('data', (chunk: Buffer) => {
        progress += chunk.toString();
        if (/registering 2000\/10000/.test(progress)) resolve();
      });
    });
    first.child.kill('SIGKILL');
    await exited(first.child);
    assert.notEqual(await exited(registration), 0, 'the registration fails when the network dies');

    const second = await startNetworkProcess(dataDir, env);
    children.push(second.child);
    const { urls } = second.file;

    // Every identifier is either registered with its whole batch or absent; never a partial batch.
    const batchOf = async (handle: string) => {
      const response = await fetch(`${urls.resolver}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query($h: String!) { identifier(handle: $h) { batchId } }', variables: { h: handle } }) });
      return ((await response.json()) as { data: { identifier: { batchId: string } | null } }).data.identifier?.batchId ?? null;
    };
    const batches = new Map<string, number>();
    let present = 0;
    for (let chunk = 0; chunk < TOTAL / BATCH; chunk++) {
      const found = await Promise.all([0, BATCH / 2, BATCH - 1].map((offset) => batchOf(handleOf(chunk * BATCH + offset))));
      assert.ok(found.every((b) => b === found[0]), `chunk ${chunk}: its first, middle and last identifiers agree (${found.join(', ')})`);
      if (found[0]) {
        batches.set(found[0], chunk);
        present += BATCH;
        const batch = (await (await fetch(`${urls.resolver}/api/batches/${found[0]}`)).json()) as { count: number; handles: string[] };
        assert.equal(batch.count, BATCH, `batch ${found[0]} is whole`);
        assert.deepEqual(batch.handles, Array.from({ length: BATCH }, (_, i) => handleOf(chunk * BATCH + i)));
      }
    }
    assert.ok(present >= BATCH, 'the batch acknowledged before the kill survived');

    // Registered batches are anchored on the ledger (those cut off by the kill at the restart).
    const token = await tokenFor(dataDir, { org: 'gd-stats' });
    for (const batchId of batches.keys()) {
      const anchor = await eventually(async () => {
        const response = await fetch(urls.gateway, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: 'query($b: ID!) { identifierAnchor(prefix: "88.188.1001", batchId: $b) { count } }', variables: { b: batchId } }) });
        return ((await response.json()) as { data?: { identifierAnchor: { count: number } | null } }).data?.identifierAnchor ?? undefined;
      });
      assert.equal(anchor.count, BATCH);
    }

    // The rerun resumes: batches already there are skipped, the rest registered.
    const rerun = run(['--json', 'id', 'register-batch', csv], env);
    children.push(rerun);
    let out = '';
    rerun.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    assert.equal(await exited(rerun), 0);
    const summary = JSON.parse(out) as { registered: number; alreadyRegistered: number };
    assert.equal(summary.alreadyRegistered, present);
    assert.equal(summary.registered, TOTAL - present);
    assert.ok(await batchOf(handleOf(TOTAL - 1)));

    // A clean stop: SIGTERM, exit 0, the network file removed, the data kept.
    second.child.kill('SIGTERM');
    assert.equal(await exited(second.child), 0);
    assert.equal(existsSync(join(dataDir, 'network.json')), false);
    assert.ok(JSON.parse(readFileSync(join(dataDir, 'seeded.json'), 'utf8')).seededAt);
  });
});

describe('crash right after releases', () => {
  const { dataDir, env, children } = crashSite('gridspace-crash-receipts-');

  it('keeps the usage receipt of every release when `gridspace start` is SIGKILLed before sending them', async () => {
    const RELEASES = 20;
    const first = await startNetworkProcess(dataDir, env);
    children.push(first.child);
    const token = await tokenFor(dataDir, { org: 'gd-drc' });
    const ask = async (urls: NetworkFile['urls'], query: string) => {
      const response = await fetch(urls.gateway, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-gridspace-purpose': PURPOSE }, body: JSON.stringify({ query }) });
      return (await response.json()) as { data?: Record<string, any> | null; errors?: unknown[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const usage = '{ agreement(id: "agr-gd-drc-indices") { usage(period: month) { count } } }';
    const before = (await ask(first.file.urls, usage)).data!.agreement.usage.count as number;
    // Released together, then the process is killed at once: receipts are sent every 500 ms.
    const pulls = await Promise.all(Array.from({ length: RELEASES }, () => ask(first.file.urls, '{ electricityIndices(query: { periodKind: MONTH, regionLevels: [CITY], industryLevels: [DIVISION] }, first: 3) { totalCount } }')));
    first.child.kill('SIGKILL');
    await exited(first.child);
    assert.ok(pulls.every((p) => !p.errors && (p.data?.electricityIndices.totalCount as number) > 0), JSON.stringify(pulls.find((p) => p.errors)));

    const second = await startNetworkProcess(dataDir, env);
    children.push(second.child);
    const count = await eventually(async () => {
      const now = (await ask(second.file.urls, usage)).data!.agreement.usage.count as number;
      return now >= before + RELEASES ? now : undefined;
    });
    assert.equal(count, before + RELEASES, 'one receipt per release, none twice');
    second.child.kill('SIGTERM');
    assert.equal(await exited(second.child), 0);
  });
});
