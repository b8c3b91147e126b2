// Threads of the `gateway` benchmark, so the load client and the subgraphs do not share an event
// loop with the gateways being measured (as they would not share a process in production): role
// `subgraphs` serves the ledger subgraph (on its own embedded ledger with the demo orgs), the
// indices and the datasheet subgraphs; role `client` drives the load and checks every response.
import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { EmbeddedLedger, registerDevOrganizations } from '@gridspace/ledger';
import { startLedgerSubgraph } from '@gridspace/ledger/subgraph';
import { createTokenVerifier, PartnerRegistry } from '@gridspace/partners';
import { callerFromForwardedToken } from '../src/index.js';
import { ALL_CELLS, startIndicesSubgraph } from '../test/support/indices-subgraph.js';
import { startPartnerSubgraph } from '../test/support/partner-subgraph.js';

export const CONCURRENCY = 50;
export const PURPOSE = 'macro-economic-monitoring';
export const QUERY = `query Bench($h: String!, $levels: [RegionLevel!], $min: Float) {
  electricityIndices(query: { periodKind: MONTH, regionLevels: $levels, minConsumptionKwh: $min }) { period regionLevel consumptionKwh }
  tracedIdentifier(handle: $h) { handle trace { events { eventId } } datasheet { model ratedKva } }
}`;
const LEVEL_VARIANTS = [['CITY'], ['PROVINCE'], ['CITY', 'PROVINCE']];

const DATASHEET_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
  type Identifier @key(fields: "handle") { handle: String! datasheet: Datasheet }
  type Datasheet { model: String! ratedKva: Int! }`;

export interface LoadRequest {
  peer: string;
  url: string;
  token: string;
  startAt: number;
  count: number;
}
/** This thread's id in /proc (a synchronous readlink runs on the calling thread). */
export const threadId = () => Number(readlinkSync('/proc/thread-self').split('/').pop());

export interface LoadResult {
  /** The client thread's id in /proc. */
  tid: number;
  latencies: number[];
  seconds: number;
  error?: string;
}

async function load({ peer, url, token, startAt, count }: LoadRequest): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = startAt + next++;
      const handle = `88.188.1001/TX2026-${String(i).padStart(7, '0')}`;
      const levels = LEVEL_VARIANTS[i % LEVEL_VARIANTS.length]!;
      // Different for every request in flight, so no gateway can merge upstream calls.
      const min = (i % 3500) + 0.5;
      const t0 = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-gridspace-purpose': PURPOSE },
        body: JSON.stringify({ query: QUERY, variables: { h: handle, levels, min } }),
      });
      const body = (await response.json()) as { data?: { electricityIndices: Array<{ regionLevel: string }>; tracedIdentifier: { handle: string; datasheet: { model: string } } }; errors?: unknown };
      latencies.push(performance.now() - t0);
      // Every response is checked: the right cells, the right identifier, its datasheet.
      const expectedCells = ALL_CELLS.filter((c) => c.periodKind === 'MONTH' && levels.includes(c.regionLevel) && c.consumptionKwh >= min).length;
      if (body.errors || !body.data) throw new Error(`${peer}: request ${i} failed: ${JSON.stringify(body.errors)}`);
      if (body.data.electricityIndices.length !== expectedCells || body.data.electricityIndices.some((c) => !levels.includes(c.regionLevel))) throw new Error(`${peer}: request ${i} got wrong cells`);
      if (body.data.tracedIdentifier.handle !== handle || body.data.tracedIdentifier.datasheet.model !== `TX-${handle.split('/')[1]}`) throw new Error(`${peer}: request ${i} got the wrong identifier`);
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return { tid: threadId(), latencies, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    return { tid: threadId(), latencies, seconds: 0, error: (error as Error).message };
  }
}

if (parentPort && workerData?.role === 'client') {
  const port = parentPort;
  port.on('message', (request: LoadRequest | 'stop') => {
    if (request === 'stop') return port.close();
    void load(request).then((result) => port.postMessage(result));
  });
}

if (parentPort && workerData?.role === 'subgraphs') {
  const port = parentPort;
  const { dataDir, registryPath } = workerData as { dataDir: string; registryPath: string };
  const ledger = await EmbeddedLedger.open({ dataDir: join(dataDir, 'subgraph-ledger') });
  await registerDevOrganizations(ledger);
  const registry = PartnerRegistry.load(registryPath);
  const ledgerSubgraph = await startLedgerSubgraph({ ledger, authenticate: callerFromForwardedToken(createTokenVerifier(() => registry)), port: 0 });
  let jwksUrl = '';
  const indices = await startIndicesSubgraph(() => jwksUrl, { requireGrant: false });
  const datasheet = await startPartnerSubgraph(DATASHEET_SDL, {
    Identifier: {
      __resolveReference: (ref: { handle: string }) => ({ handle: ref.handle }),
      datasheet: (identifier: { handle: string }) => ({ model: `TX-${identifier.handle.split('/')[1]}`, ratedKva: 630 }),
    },
  });
  port.on('message', async (message: { jwksUrl?: string; stop?: boolean }) => {
    if (message.jwksUrl) jwksUrl = message.jwksUrl;
    if (message.stop) {
      await indices.close();
      await datasheet.close();
      await ledgerSubgraph.close();
      await ledger.close();
      port.close();
    }
  });
  port.postMessage({ ledger: ledgerSubgraph.url, indices: indices.url, datasheet: datasheet.url, tid: threadId() });
}
