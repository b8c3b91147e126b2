// Benchmark `gateway`: the same subgraphs served locally (the ledger subgraph on an embedded
// ledger, an indices data-product subgraph, a supplier's datasheet subgraph) behind four peers,
// one federated query touching all three, concurrency 50, in one run:
//   (a) Gridspace: authentication, agreement enforcement, grants, usage receipts
//   (b) Gridspace with enforcement off
//   (c) the plain Hive Gateway runtime, no auth (it forwards the Authorization header)
//   (d) Apollo Gateway (@apollo/gateway on @apollo/server) on the same supergraph
// Every request differs (identifier handle, region levels) and every response is checked.
// Prints one JSON line last and writes bench/results/gateway.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { DEV_ORGS, EmbeddedLedger } from '@gridspace/ledger';
import { startLedgerSubgraph } from '@gridspace/ledger/subgraph';
import { createTokenVerifier, ensureDevPartners, issueDevToken } from '@gridspace/partners';
import { callerFromForwardedToken, compose, silentLogger, startGateway, type RunningGateway } from '../src/index.js';
import { negotiate, policy } from '../test/support/agreements.js';
import { ALL_CELLS, INDICES, startIndicesSubgraph } from '../test/support/indices-subgraph.js';
import { startPartnerSubgraph } from '../test/support/partner-subgraph.js';

const CONCURRENCY = 50;
const REQUESTS_PER_ROUND = Number(process.env.GATEWAY_BENCH_REQUESTS ?? 1500);
const ROUNDS = 2;
const PURPOSE = 'macro-economic-monitoring';

const QUERY = `query Bench($h: String!, $levels: [RegionLevel!]) {
  electricityIndices(query: { periodKind: MONTH, regionLevels: $levels }) { period regionLevel consumptionKwh }
  tracedIdentifier(handle: $h) { handle trace { events { eventId } } datasheet { model ratedKva } }
}`;
const LEVEL_VARIANTS = [['CITY'], ['PROVINCE'], ['CITY', 'PROVINCE']];

const DATASHEET_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
  type Identifier @key(fields: "handle") { handle: String! datasheet: Datasheet }
  type Datasheet { model: String! ratedKva: Int! }`;

interface Peer {
  name: string;
  url: string;
  close(): Promise<void>;
}

async function run(peer: Peer, token: string, startAt: number, count: number): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = startAt + next++;
      const handle = `88.188.1001/TX2026-${String(i).padStart(7, '0')}`;
      const levels = LEVEL_VARIANTS[i % LEVEL_VARIANTS.length]!;
      const t0 = performance.now();
      const response = await fetch(peer.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-gridspace-purpose': PURPOSE },
        body: JSON.stringify({ query: QUERY, variables: { h: handle, levels } }),
      });
      const body = (await response.json()) as { data?: { electricityIndices: Array<{ regionLevel: string }>; tracedIdentifier: { handle: string; datasheet: { model: string } } }; errors?: unknown };
      latencies.push(performance.now() - t0);
      // Correctness of every response: the right cells, the right identifier, its datasheet.
      const expectedCells = ALL_CELLS.filter((c) => c.periodKind === 'MONTH' && levels.includes(c.regionLevel)).length;
      if (body.errors || !body.data) throw new Error(`${peer.name}: request ${i} failed: ${JSON.stringify(body.errors)}`);
      if (body.data.electricityIndices.length !== expectedCells || body.data.electricityIndices.some((c) => !levels.includes(c.regionLevel))) {
        throw new Error(`${peer.name}: request ${i} got wrong cells`);
      }
      if (body.data.tracedIdentifier.handle !== handle || body.data.tracedIdentifier.datasheet.model !== `TX-${handle.split('/')[1]}`) {
        throw new Error(`${peer.name}: request ${i} got the wrong identifier`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gridspace-bench-gateway-'));
  const ledger = await EmbeddedLedger.open({ dataDir: join(dir, 'ledger') });
  const submit = (identity: string, fn: string, arg: unknown) => ledger.submit({ identity, fn, args: [JSON.stringify(arg)] });
  for (const o of DEV_ORGS) {
    await submit('operator', o.type === 'grid-operator' ? 'Organizations:Bootstrap' : 'Organizations:Register', { id: o.orgId, name: o.name, mspId: o.mspId, type: o.type, jurisdiction: o.jurisdiction });
  }
  await submit('operator', 'Catalog:Publish', { id: INDICES, version: '1.0.0', title: INDICES, provider: 'gd-grid', graphqlCoordinates: ['Query.electricityIndices'], offers: [{ id: 'standard', policy: policy(INDICES) }] });
  const agreementId = await negotiate(ledger, { consumer: 'gd-drc', dataProductId: INDICES, policy: policy(INDICES) });

  const datasheet = await startPartnerSubgraph(DATASHEET_SDL, {
    Identifier: {
      __resolveReference: (ref: { handle: string }) => ({ handle: ref.handle }),
      datasheet: (identifier: { handle: string }) => ({ model: `TX-${identifier.handle.split('/')[1]}`, ratedKva: 630 }),
    },
  });
  const partners = await ensureDevPartners(dir, { subgraphUrls: { 'tx-maker': datasheet.url } });
  const verifier = createTokenVerifier(() => partners.registry);
  const ledgerSubgraph = await startLedgerSubgraph({ ledger, authenticate: callerFromForwardedToken(verifier), port: 0 });
  const holder: { gateway?: RunningGateway } = {};
  const indices = await startIndicesSubgraph(() => `${holder.gateway!.origin}/.well-known/jwks.json`, { requireGrant: false });
  const subgraphs = [
    { name: 'ledger', url: ledgerSubgraph.url },
    { name: 'energy', url: indices.url },
  ];
  const token = await issueDevToken(partners, 'gd-drc', { expiresIn: '2h' });

  const gridspace = async (enforcement: boolean): Promise<Peer & { gateway: RunningGateway }> => {
    // Both share one grant key, the one the indices subgraph trusts.
    const gateway = await startGateway({ port: 0, ledger, registry: partners.registry, subgraphs, enforcement, rateLimit: false, recomposeIntervalMs: 0, logger: silentLogger, grantKeyFile: join(dir, 'grant-key.jwk.json') });
    return { name: enforcement ? 'gridspace' : 'gridspace-unenforced', url: gateway.url, gateway, close: () => gateway.close() };
  };
  const a = await gridspace(true);
  holder.gateway = a.gateway;
  const b = await gridspace(false);

  const { supergraphSdl } = await compose([...subgraphs, { name: 'tx-maker', url: datasheet.url }]);
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

  const peers = [a, b, c, d];
  const results = new Map(peers.map((p) => [p.name, { latencies: [] as number[], seconds: 0, requests: 0 }]));
  let counter = 0;
  for (const peer of peers) await run(peer, token, (counter += 200), 200); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const peer of round % 2 === 0 ? peers : [...peers].reverse()) {
      const r = await run(peer, token, (counter += REQUESTS_PER_ROUND), REQUESTS_PER_ROUND);
      const total = results.get(peer.name)!;
      total.latencies.push(...r.latencies);
      total.seconds += r.seconds;
      total.requests += REQUESTS_PER_ROUND;
    }
  }

  // Every release under enforcement left a receipt on the ledger.
  await a.gateway.flushReceipts();
  const usage = JSON.parse(await ledger.evaluate({ identity: 'operator', fn: 'Usage:InPeriod', args: [agreementId, 'month', ''] })) as { count: number };
  const enforcedRequests = 200 + ROUNDS * REQUESTS_PER_ROUND;

  const metrics: Record<string, unknown> = { concurrency: CONCURRENCY, requestsPerPeer: ROUNDS * REQUESTS_PER_ROUND, receiptsRecorded: usage.count, enforcedRequests };
  const rps: Record<string, number> = {};
  for (const [name, r] of results) {
    const sorted = r.latencies.sort((x, y) => x - y);
    rps[name] = r.requests / r.seconds;
    metrics[name] = { rps: round(rps[name]!, 1), p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)) };
  }
  const ratio = (x: string, y: string) => round(rps[x]! / rps[y]!, 3);
  metrics.ratios = {
    gridspaceVsUnenforced: ratio('gridspace', 'gridspace-unenforced'),
    gridspaceVsHive: ratio('gridspace', 'hive-gateway'),
    gridspaceVsApollo: ratio('gridspace', 'apollo-gateway'),
  };
  const targets = [
    { name: 'gridspace rps / unenforced rps', value: ratio('gridspace', 'gridspace-unenforced'), min: 0.9 },
    { name: 'gridspace rps / plain Hive Gateway rps', value: ratio('gridspace', 'hive-gateway'), min: 1.0 },
    { name: 'gridspace rps / Apollo Gateway rps', value: ratio('gridspace', 'apollo-gateway'), min: 3.0 },
    { name: 'usage receipts recorded per enforced request', value: round(usage.count / enforcedRequests, 3), min: 1 },
  ].map((t) => ({ ...t, met: t.value >= t.min }));

  for (const peer of peers) await peer.close();
  await indices.close();
  await datasheet.close();
  await ledgerSubgraph.close();
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });

  const line = JSON.stringify({ bench: 'gateway', metrics, targets });
  const results_dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'results');
  mkdirSync(results_dir, { recursive: true });
  writeFileSync(join(results_dir, 'gateway.json'), `${line}\n`);
  console.log(line);
}

await main();
