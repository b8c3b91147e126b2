// Benchmark `gateway`: the same subgraphs served locally (the ledger subgraph on an embedded
// ledger, an indices data-product subgraph, a supplier's datasheet subgraph) behind four peers
// (the Gridspace gateways read agreements from, and record receipts on, their own embedded ledger),
// one federated query touching all three, concurrency 50, in one run:
//   (a) Gridspace: authentication, agreement enforcement, grants, usage receipts
//   (b) Gridspace with enforcement off
//   (c) the plain Hive Gateway runtime, no auth (it forwards the Authorization header)
//   (d) Apollo Gateway (@apollo/gateway on @apollo/server) on the same supergraph
// Every request differs (identifier handle, region levels) and every response is checked. The
// load client and the stateless subgraphs run in worker threads (gateway-threads.ts).
// Prints one JSON line last and writes bench/results/gateway.json.
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { EmbeddedLedger, registerDevOrganizations } from '@gridspace/ledger';
import { ensureDevPartners, issueDevToken } from '@gridspace/partners';
import { compose, silentLogger, startGateway, type RunningGateway } from '../src/index.js';
import { negotiate, policy } from '../test/support/agreements.js';
import { INDICES } from '../test/support/indices-subgraph.js';
import { CONCURRENCY, type LoadRequest, type LoadResult } from './gateway-threads.js';

// Long enough that every round sees several major GCs (the main thread's heap swings by ~250 MB
// every couple of thousand requests): with 1500 a round, which round a collection fell into moved
// a peer's CPU per request by a fifth.
const REQUESTS_PER_ROUND = Number(process.env.GATEWAY_BENCH_REQUESTS ?? 3000);
const ROUNDS = Number(process.env.GATEWAY_BENCH_ROUNDS ?? 4);
const THREADS = new URL('./gateway-threads.js', import.meta.url);

interface Peer {
  name: string;
  url: string;
  close(): Promise<void>;
}

// CPU time (ms) of one thread of this process: utime + stime from /proc (clock ticks of 10 ms),
// so time spent waiting for a core does not count, unlike event loop utilization on a busy machine.
const threadCpuMs = (tid: number) => {
  const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const processCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gridspace-bench-gateway-'));
  const ledger = await EmbeddedLedger.open({ dataDir: join(dir, 'ledger') });
  const submit = (identity: string, fn: string, arg: unknown) => ledger.submit({ identity, fn, args: [JSON.stringify(arg)] });
  await registerDevOrganizations(ledger);
  await submit('operator', 'Catalog:Publish', { id: INDICES, version: '1.0.0', title: INDICES, provider: 'gd-grid', graphqlCoordinates: ['Query.electricityIndices'], offers: [{ id: 'standard', policy: policy(INDICES) }] });
  const agreementId = await negotiate(ledger, { consumer: 'gd-drc', dataProductId: INDICES, policy: policy(INDICES) });

  const partners = await ensureDevPartners(dir);
  const subgraphThread = new Worker(THREADS, { workerData: { role: 'subgraphs', dataDir: dir, registryPath: partners.registryPath } });
  const [urls] = (await once(subgraphThread, 'message')) as [{ ledger: string; indices: string; datasheet: string; tid: number }];
  const subgraphs = [
    { name: 'ledger', url: urls.ledger },
    { name: 'energy', url: urls.indices },
    { name: 'tx-maker', url: urls.datasheet },
  ];
  const token = await issueDevToken(partners, 'gd-drc', { expiresIn: '2h' });
  const gridspace = async (enforcement: boolean): Promise<Peer & { gateway: RunningGateway }> => {
    // Both share one grant key, the one the indices subgraph trusts; receipts are journaled, as `gridspace start` does.
    const gateway = await startGateway({ port: 0, ledger, registry: partners.registry, subgraphs, enforcement, rateLimit: false, recomposeIntervalMs: 0, logger: silentLogger, grantKeyFile: join(dir, 'grant-key.jwk.json'), receipts: { journalFile: join(dir, `receipts-${enforcement ? 'a' : 'b'}.journal`) } });
    return { name: enforcement ? 'gridspace' : 'gridspace-unenforced', url: gateway.url, gateway, close: () => gateway.close() };
  };
  const a = await gridspace(true);
  subgraphThread.postMessage({ jwksUrl: `${a.gateway.origin}/.well-known/jwks.json` });
  const b = await gridspace(false);

  const { supergraphSdl } = await compose(subgraphs);
  const hive = createGatewayRuntime({
    supergraph: supergraphSdl,
    logging: false,
    propagateHeaders: { fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }) },
  });
  const hiveServer = createServer(hive);
  await new Promise<void>((resolve) => hiveServer.listen(0, '127.0.0.1', resolve));
  const c: Peer = {
    name: 'hive-gateway',
    url: `http://127.0.0.1:${(hiveServer.address() as AddressInfo).port}/graphql`,
    close: async () => {
      hiveServer.closeAllConnections();
      await new Promise((resolve) => hiveServer.close(resolve));
      await hive.dispose();
    },
  };

  const apollo = new ApolloServer<{ authorization?: string }>({
    gateway: new ApolloGateway({
      supergraphSdl,
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource<{ authorization?: string }>({
          url,
          willSendRequest({ request, context }) {
            if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          },
        }),
    }),
  });
  const { url: apolloUrl } = await startStandaloneServer(apollo, { listen: { port: 0, host: '127.0.0.1' }, context: async ({ req }) => ({ authorization: req.headers.authorization }) });
  const d: Peer = { name: 'apollo-gateway', url: apolloUrl, close: () => apollo.stop() };

  // GATEWAY_BENCH_PEERS=gridspace,hive-gateway measures a subset (for profiling); the report needs all four.
  const only = process.env.GATEWAY_BENCH_PEERS?.split(',');
  const peers = [a, b, c, d].filter((p) => !only || only.includes(p.name));
  const results = new Map(peers.map((p) => [p.name, { latencies: [] as number[], seconds: 0, requests: 0, cpuMs: { gateway: 0, subgraphs: 0, client: 0, process: 0 } }]));
  const client = new Worker(THREADS, { workerData: { role: 'client' } });
  const run = async (peer: Peer, startAt: number, count: number): Promise<LoadResult> => {
    client.postMessage({ peer: peer.name, url: peer.url, token, startAt, count } satisfies LoadRequest);
    const [result] = (await once(client, 'message')) as [LoadResult];
    if (result.error) throw new Error(result.error);
    return result;
  };
  let counter = 0;
  let clientTid = 0;
  // Warm-up: a full round each, so the measured rounds see compiled code and grown heaps (with 200
  // requests, the first measured round of each peer cost a third more CPU than the next).
  for (const peer of peers) clientTid = (await run(peer, (counter += 1_000_000), REQUESTS_PER_ROUND)).tid;
  // The gateways run on this thread, the subgraphs and the client on theirs; the rest of the
  // process (the ledgers' simulation and commit threads, V8 and libuv helpers) is `other`.
  const cpuNow = () => ({ gateway: threadCpuMs(process.pid), subgraphs: threadCpuMs(urls.tid), client: threadCpuMs(clientTid), process: processCpuMs() });
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so no peer always runs on a colder or warmer machine.
    for (const peer of round % 2 === 0 ? peers : [...peers].reverse()) {
      // The peers run on this thread, the client and subgraphs on others: this thread's busy time
      // per request is the gateway's own CPU cost, whatever the other threads take.
      const before = cpuNow();
      const r = await run(peer, (counter += 1_000_000), REQUESTS_PER_ROUND);
      const after = cpuNow();
      const total = results.get(peer.name)!;
      for (const key of Object.keys(before) as Array<keyof typeof before>) total.cpuMs[key] += after[key] - before[key];
      total.latencies.push(...r.latencies);
      total.seconds += r.seconds;
      total.requests += REQUESTS_PER_ROUND;
    }
  }

  // Every release under enforcement left a receipt on the ledger.
  await a.gateway.flushReceipts();
  const usage = JSON.parse(await ledger.evaluate({ identity: 'operator', fn: 'Usage:InPeriod', args: [agreementId, 'month', ''] })) as { count: number };
  const enforcedRequests = peers.includes(a) ? (1 + ROUNDS) * REQUESTS_PER_ROUND : 0;

  const metrics: Record<string, unknown> = {
    // Other work on the machine shifts absolute figures; gatewayCpuMsPerRequest (CPU time of the
    // gateways' thread per request) is steadier than requests per second under such noise;
    // cpuMsPerRequest splits the whole process's CPU by thread.
    loadAverage1m: round(loadavg()[0]!, 2),
    cpus: cpus().length,
    concurrency: CONCURRENCY, requestsPerPeer: ROUNDS * REQUESTS_PER_ROUND, receiptsRecorded: usage.count, enforcedRequests };
  const rps: Record<string, number> = {};
  for (const [name, r] of results) {
    const sorted = r.latencies.sort((x, y) => x - y);
    rps[name] = r.requests / r.seconds;
    metrics[name] = {
      rps: round(rps[name]!, 1),
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      gatewayCpuMsPerRequest: round(r.cpuMs.gateway / r.requests, 3),
      cpuMsPerRequest: {
        gateway: round(r.cpuMs.gateway / r.requests, 3),
        subgraphs: round(r.cpuMs.subgraphs / r.requests, 3),
        client: round(r.cpuMs.client / r.requests, 3),
        other: round((r.cpuMs.process - r.cpuMs.gateway - r.cpuMs.subgraphs - r.cpuMs.client) / r.requests, 3),
      },
    };
  }
  const ratio = (x: string, y: string) => round(rps[x]! / rps[y]!, 3);
  metrics.ratios = {
    gridspaceVsUnenforced: ratio('gridspace', 'gridspace-unenforced'),
    gridspaceVsHive: ratio('gridspace', 'hive-gateway'),
    gridspaceVsApollo: ratio('gridspace', 'apollo-gateway'),
  };
  // Requests per second of one core given to the gateway alone (its thread's CPU per request),
  // the other peer's CPU over Gridspace's: what each gateway costs, without the subgraphs and the
  // client that share this machine's two cores with it.
  const cpuOf = (name: string) => (metrics[name] as { gatewayCpuMsPerRequest: number } | undefined)?.gatewayCpuMsPerRequest ?? NaN;
  const cpuRatio = (x: string, y: string) => round(cpuOf(y) / cpuOf(x), 3);
  metrics.perGatewayCoreRatios = {
    gridspaceVsUnenforced: cpuRatio('gridspace', 'gridspace-unenforced'),
    gridspaceVsHive: cpuRatio('gridspace', 'hive-gateway'),
    gridspaceVsApollo: cpuRatio('gridspace', 'apollo-gateway'),
  };
  const targets = [
    { name: 'gridspace rps / unenforced rps', value: ratio('gridspace', 'gridspace-unenforced'), min: 0.9 },
    { name: 'gridspace rps / plain Hive Gateway rps', value: ratio('gridspace', 'hive-gateway'), min: 1.0 },
    { name: 'gridspace rps / Apollo Gateway rps', value: ratio('gridspace', 'apollo-gateway'), min: 3.0 },
    { name: 'usage receipts recorded per enforced request', value: round(usage.count / enforcedRequests, 3), min: 1 },
  ].map((t) => ({ ...t, met: t.value >= t.min }));

  client.postMessage('stop');
  subgraphThread.postMessage({ stop: true });
  await once(subgraphThread, 'exit');
  for (const peer of [a, b, c, d]) await peer.close();
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });

  const line = JSON.stringify({ bench: 'gateway', metrics, targets });
  const results_dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'results');
  mkdirSync(results_dir, { recursive: true });
  writeFileSync(join(results_dir, 'gateway.json'), `${line}\n`);
  console.log(line);
}

await main();
