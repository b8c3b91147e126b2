#!/usr/bin/env node
// ledger-fabric: committed transactions per second and latency through fabric-gateway on the local
// Fabric network (TLS everywhere, 7 peers, 1 etcdraft orderer), with enough concurrent submitters
// to saturate, side by side with the embedded ledger in the same run on the same workload: trace
// events commissioning distinct transformers (no two requests alike), each result checked.
// Uses the running local network, or starts one (fabric:install, fabric:up) and takes it down after.
// Needs a build (npx tsc -b ledger).
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { install } from '../scripts/lib/install.mjs';
import { REPO_DIR } from '../scripts/lib/layout.mjs';
import { down, up } from '../scripts/lib/network.mjs';
import { runningPid } from '../scripts/lib/processes.mjs';

const { EmbeddedLedger, registerDevOrganizations } = await import(join(REPO_DIR, 'ledger', 'dist', 'src', 'index.js'));
const { openFabricLedgerFromEnv } = await import(join(REPO_DIR, 'ledger', 'dist', 'src', 'fabric', 'index.js'));

const TRANSACTIONS = Number(process.env.BENCH_FABRIC_TRANSACTIONS ?? 3000);
const SUBMITTERS = Number(process.env.BENCH_FABRIC_SUBMITTERS ?? 200);
const WARMUP = 100;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (value, digits = 1) => Number(value.toFixed(digits));

/** Bootstraps/registers the demo orgs (what exists is fine) and gives the supplier a fresh prefix. */
async function setUp(ledger) {
  await registerDevOrganizations(ledger);
  const prefix = `88.188.${1000000 + Math.floor(Math.random() * 8999999)}`;
  await ledger.submit({ identity: 'operator', fn: 'Organizations:AssignPrefix', args: [prefix, 'tx-maker'] });
  return prefix;
}

function commissioning(prefix, serial) {
  return {
    type: 'ObjectEvent', action: 'ADD', eventTime: new Date(Date.UTC(2026, 2, 1) + serial * 1000).toISOString(), eventTimeZoneOffset: '+08:00',
    eventID: `urn:uuid:${randomUUID()}`, epcList: [`info:hdl/${prefix}/TX2026-${String(serial).padStart(7, '0')}`],
    bizStep: 'commissioning', disposition: 'active', bizLocation: { id: 'urn:gridspace:site:foshan-works' },
  };
}

/** `count` RecordEvent transactions from `submitters` concurrent submitters; every result checked. */
async function measure(ledger, prefix, first, count, submitters) {
  const latencies = [];
  let next = first;
  const end = first + count;
  const heightBefore = await ledger.height();
  const started = performance.now();
  await Promise.all(Array.from({ length: submitters }, async () => {
    while (next < end) {
      const event = commissioning(prefix, next++);
      const t0 = performance.now();
      const { result } = await ledger.submit({ identity: 'supplier', fn: 'Traceability:RecordEvent', args: [JSON.stringify(event)] });
      if (!result.includes(event.eventID)) throw new Error(`trace event ${event.eventID}: unexpected result ${result}`);
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { tps: round(count / seconds), p50: round(percentile(latencies, 50), 1), p99: round(percentile(latencies, 99), 1), committed: count, blocks: (await ledger.height()) - heightBefore };
}

async function run(ledger) {
  const prefix = await setUp(ledger);
  await measure(ledger, prefix, 0, WARMUP, Math.min(SUBMITTERS, WARMUP));
  const result = await measure(ledger, prefix, WARMUP, TRANSACTIONS, SUBMITTERS);
  // Spot-check committed state through another org.
  const state = JSON.parse(await ledger.evaluate({ identity: 'stats', fn: 'Traceability:StateOf', args: [`${prefix}/TX2026-${String(WARMUP + 7).padStart(7, '0')}`] }));
  if (state.owner !== 'tx-maker') throw new Error(`commissioned object has owner ${state.owner}`);
  return result;
}

const dir = mkdtempSync(join(tmpdir(), 'gridspace-bench-fabric-'));
let line;
const startedHere = !process.env.GRIDSPACE_FABRIC_CONNECTION && !process.env.GRIDSPACE_FABRIC_PEER_ENDPOINT && !runningPid('orderer0');
try {
  if (startedHere) {
    await install();
    await up();
  }
  const fabricLedger = await openFabricLedgerFromEnv();
  const fabric = await run(fabricLedger).finally(() => fabricLedger.close());
  const embeddedLedger = await EmbeddedLedger.open({ dataDir: join(dir, 'embedded') });
  const embedded = await run(embeddedLedger).finally(() => embeddedLedger.close());
  const targets = [{ name: 'fabric committed tx/s', value: fabric.tps, min: 200 }].map((t) => ({ ...t, met: t.value >= t.min }));
  line = JSON.stringify({
    bench: 'ledger-fabric',
    metrics: {
      workload: 'Traceability:RecordEvent (commissioning), distinct objects', transactions: TRANSACTIONS, submitters: SUBMITTERS,
      fabric_tps: fabric.tps, fabric_p50_ms: fabric.p50, fabric_p99_ms: fabric.p99, fabric_blocks: fabric.blocks,
      embedded_tps: embedded.tps, embedded_p50_ms: embedded.p50, embedded_p99_ms: embedded.p99,
      fabric_to_embedded_ratio: round(fabric.tps / embedded.tps, 3),
    },
    targets,
  });
  const results = join(REPO_DIR, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'ledger-fabric.json'), `${line}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  if (startedHere) await down();
}
// Last, after the network's own messages: the report line.
console.log(line);
