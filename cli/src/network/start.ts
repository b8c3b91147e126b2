// `gridspace start`: the whole network in one process on embedded defaults, with a persistent
// data folder — the embedded ledger, a local top-level node and the second-level node under it,
// the energy subgraph with demo readings, the ledger subgraph, the sample partner subgraphs (their own processes) and the gateway composing them all.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmbeddedLedger, openLedgerFromEnv, type Ledger } from '@gridspace/ledger';
import { startLedgerSubgraph } from '@gridspace/ledger/subgraph';
import { createTokenVerifier, ensureDevPartners, watchRegistryFile, type DevPartners } from '@gridspace/partners';
import { devIdpIssuer, DEV_PASSWORD, NETWORK_RESOURCE, PORTAL_CLIENT_ID, startDevIdentityProvider } from '@gridspace/partners/dev-identity-provider';
import { startResolverNode, type ResolverNode } from '@gridspace/identity-resolver';
import { openStore, startEnergySubgraph } from '@gridspace/data-products';
import { callerFromForwardedToken, silentLogger, startGateway } from '@gridspace/gateway';
import type { NetworkOptions } from './config.js';
import { concretePorts } from './ports.js';
import { seedDemo, seedOrganizations, type SeedMarker } from './seed.js';
import { startPortalServer } from './portal.js';
import { writeNetworkFile, networkFilePath, type NetworkFile } from './state.js';

export interface RunningNetwork {
  dataDir: string;
  urls: NetworkFile['urls'];
  /** The embedded ledger in the data folder, or the Fabric network GRIDSPACE_LEDGER=fabric names. */
  ledger: Ledger;
  partners: DevPartners;
  resolver: ResolverNode;
  seeded: { now: boolean; marker: SeedMarker };
  /** Sends the gateway's queued usage receipts to the ledger now. */
  flushReceipts(): Promise<void>;
  /** Recomputes the indices now (the network also notices new imports by itself). */
  refreshIndices(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts one sample partner subgraph as a child process; resolves with its URL once it listens. */
function startPartnerProcess(args: string[], log: (line: string) => void): Promise<{ url: string; child: ChildProcess }> {
  const main = join(dirname(fileURLToPath(import.meta.resolve('@gridspace/partners'))), 'subgraphs', 'main.js');
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`partner subgraph ${args[0]} exited with ${code} before listening`)));
    child.once('message', (message: { ready?: string }) => {
      if (!message.ready) return reject(new Error(`partner subgraph ${args[0]} sent ${JSON.stringify(message)}`));
      child.removeAllListeners('exit');
      child.on('exit', (code, signal) => log(`partner subgraph ${args[0]} exited (${signal ?? code})`));
      resolve({ url: message.ready, child });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function startNetwork(options: NetworkOptions, settings: { quiet?: boolean } = {}): Promise<RunningNetwork> {
  const { dataDir, host, log } = options;
  mkdirSync(dataDir, { recursive: true });
  const { partners: partnerBase, ...fixed } = options.ports;
  const ports = await concretePorts(host, { ...fixed, datasheet: partnerBase, flows: partnerBase === 0 ? 0 : partnerBase + 1 });
  const origin = (port: number) => `http://${host}:${port}`;
  const urls: NetworkFile['urls'] = {
    gateway: `${origin(ports.gateway)}/graphql`,
    gatewayOrigin: origin(ports.gateway),
    ledgerSubgraph: `${origin(ports.ledger)}/graphql`,
    energySubgraph: `${origin(ports.energy)}/graphql`,
    resolver: origin(ports.resolver),
    topLevel: origin(ports.topLevel),
    datasheetSubgraph: `${origin(ports.datasheet)}/graphql`,
    flowsSubgraph: `${origin(ports.flows)}/graphql`,
    portal: origin(ports.portal),
    identityProvider: origin(ports.identityProvider),
  };
  const cleanups: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`shutdown: ${(error as Error).message}`));
    cleanups.length = 0;
  };

  try {
    // Ledger and partners: who is in the network, and their keys.
    const { ledger } = await openLedgerFromEnv({ embeddedDataDir: join(dataDir, 'ledger'), env: options.env });
    cleanups.push(() => ledger.close());
    // Demo orgs sign in at the demo identity provider: one issuer per org, with the org's dev key.
    const partners = await ensureDevPartners(dataDir, {
      subgraphUrls: { 'tx-maker': urls.datasheetSubgraph, 'hk-partner': urls.flowsSubgraph },
      issuerOf: (org) => devIdpIssuer(urls.identityProvider, org),
    });
    const idp = await startDevIdentityProvider({
      host,
      port: ports.identityProvider,
      orgs: partners.registry.orgs,
      keysDir: partners.keysDir,
      portalOrigins: [urls.portal],
      accessTokenTtlSeconds: options.accessTokenTtlSeconds,
      log: settings.quiet ? undefined : log,
    });
    cleanups.push(() => idp.close());
    const registry = watchRegistryFile(partners.registryPath);
    const registered = await seedOrganizations(ledger, partners.registry);
    const now = registered ? `, ${registered} organizations registered now` : '';
    if (ledger instanceof EmbeddedLedger) {
      const verified = ledger.verify();
      if (!verified.ok) throw new Error(`ledger chain does not verify at block ${verified.block}: ${verified.problem}`);
      log(`embedded ledger ${join(dataDir, 'ledger')}: ${verified.blocks} blocks, chain verified${now}`);
    } else {
      log(`Fabric ledger: block height ${await ledger.height()}${now}`);
    }

    // The identifier hierarchy: a local top-level node (88) and our second-level node (88.188).
    const resolverLog = settings.quiet ? () => undefined : (line: string) => log(`[resolver] ${line}`);
    const topLevel = await startResolverNode({ mode: 'top-level', host, port: ports.topLevel, prefix: '88', corsOrigins: [urls.portal], dataDir: join(dataDir, 'top-level-node'), database: { type: 'sqlite', path: join(dataDir, 'top-level-node', 'resolver.sqlite') }, registry, seedDemo: false, autoApprove: true, statsIntervalMs: 0, log: resolverLog });
    cleanups.push(() => topLevel.close());
    const traceQuery = encodeURIComponent('{ trace(handle: "HANDLE") { events { eventId bizStep eventTime } state { custodian disposition } } }').replace('HANDLE', '{handle}');
    const resolver = await startResolverNode({
      mode: 'second-level',
      host,
      port: ports.resolver,
      prefix: '88.188',
      dataDir: join(dataDir, 'identity-resolver'),
      database: { type: 'sqlite', path: join(dataDir, 'identity-resolver', 'resolver.sqlite') },
      registry,
      topLevelUrl: topLevel.url,
      rootJwk: topLevel.key.publicJwk,
      corsOrigins: [urls.portal],
      traceUrlTemplate: `${urls.gateway}?query=${traceQuery}`,
      seedDemo: true,
      ledger,
      log: resolverLog,
    });
    cleanups.push(() => resolver.close());

    // Partner-run subgraphs, each its own process (they exit with us, even on SIGKILL).
    const datasheet = await startPartnerProcess(['datasheet', '--host', host, '--port', String(ports.datasheet), '--resolver', resolver.url], log);
    cleanups.push(() => stopChild(datasheet.child));
    const flows = await startPartnerProcess(['interconnector-flows', '--host', host, '--port', String(ports.flows)], log);
    cleanups.push(() => stopChild(flows.child));

    // Ledger-facing subgraphs: callers are known from the partner token the gateway forwards.
    const authenticate = callerFromForwardedToken(createTokenVerifier(registry));
    const ledgerSubgraph = await startLedgerSubgraph({ ledger, authenticate, host, port: ports.ledger });
    cleanups.push(() => ledgerSubgraph.close());

    // Demo data, once; then the energy subgraph over the readings.
    const store = await openStore(`sqlite:${join(dataDir, 'data-products.db')}`);
    cleanups.push(() => store.close());
    const seeded = await seedDemo({ dataDir, ledger, resolver, store, demo: options.demo, log });
    const energy = await startEnergySubgraph({ host, port: ports.energy, store, grants: { jwksUrl: `${urls.gatewayOrigin}/.well-known/jwks.json` }, log: settings.quiet ? () => undefined : (line) => log(`[energy] ${line}`) });
    cleanups.push(() => energy.close());
    // `gridspace indices import` writes to the same database from another process: notice it.
    const importCount = async () => Number(((await store.dataSource.query('SELECT COUNT(*) AS n FROM import_record')) as Array<{ n: number }>)[0]?.n ?? 0);
    let imports = await importCount();
    const watcher = setInterval(() => {
      void importCount()
        .then(async (now) => {
          if (now === imports) return;
          imports = now;
          await energy.refresh();
          log('new meter data imported: indices recomputed');
        })
        .catch((error: unknown) => log(`indices refresh failed: ${(error as Error).message}`));
    }, 2000);
    watcher.unref();
    cleanups.push(async () => clearInterval(watcher));

    mkdirSync(join(dataDir, 'gateway'), { recursive: true });
    const gateway = await startGateway({
      host,
      port: ports.gateway,
      ledger,
      registry,
      subgraphs: [
        { name: 'ledger', url: urls.ledgerSubgraph },
        { name: 'energy', url: urls.energySubgraph },
        { name: 'identifiers', url: `${resolver.url}/graphql` },
      ],
      grantKeyFile: join(dataDir, 'gateway', 'grant-key.json'),
      receipts: { journalFile: join(dataDir, 'gateway', 'receipts.journal') },
      recomposeIntervalMs: options.recomposeIntervalMs,
      limits: { maxCost: options.maxCost },
      development: options.development,
      ...(settings.quiet ? { logger: silentLogger } : {}),
    });
    cleanups.push(() => gateway.close());

    const portal = await startPortalServer({
      host,
      port: ports.portal,
      config: () => ({
        gatewayUrl: urls.gateway,
        gatewayOrigin: urls.gatewayOrigin,
        resolverUrl: urls.resolver,
        topLevelUrl: urls.topLevel,
        resource: NETWORK_RESOURCE,
        orgs: registry().orgs.map((o) => ({ id: o.id, name: o.name, type: o.type, jurisdiction: o.jurisdiction, issuer: o.issuer, clientId: PORTAL_CLIENT_ID })),
      }),
    });
    cleanups.push(() => portal.close());

    writeNetworkFile(dataDir, { pid: process.pid, startedAt: new Date().toISOString(), urls });
    cleanups.push(async () => rmSync(networkFilePath(dataDir), { force: true }));
    return {
      dataDir,
      urls,
      ledger,
      partners,
      resolver,
      seeded: { now: seeded.seededNow, marker: seeded.marker },
      refreshIndices: () => energy.refresh(),
      flushReceipts: () => gateway.flushReceipts(),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

export function printWelcome(network: RunningNetwork, log: (line: string) => void): void {
  const u = network.urls;
  const lines = [
    '',
    `the network is up (data folder ${network.dataDir}${network.seeded.now ? ', demo data seeded now' : `, demo data seeded ${network.seeded.marker.seededAt}`})`,
    `  portal               ${u.portal}   (sign in as a demo org: user name = the org id, password ${DEV_PASSWORD})`,
    `  identity provider    ${u.identityProvider}/<org>   (the demo orgs' OpenID Connect issuers)`,
    `  gateway              ${u.gateway}   (GraphiQL in a browser; ${u.gatewayOrigin}/status, /metrics, /healthz)`,
    `  ledger subgraph      ${u.ledgerSubgraph}`,
    `  energy subgraph      ${u.energySubgraph}`,
    `  second-level node    ${u.resolver}/api/handles/88.188.1001/TX2026-000001   (Handle REST; subgraph ${u.resolver}/graphql)`,
    `  top-level node       ${u.topLevel}   (root key ${u.topLevel}/.well-known/jwks.json)`,
    `  tx-maker datasheets  ${u.datasheetSubgraph}`,
    `  hk-partner flows     ${u.flowsSubgraph}`,
    '',
    'a token for an org (gd-grid, gd-drc, gd-stats, tx-maker, cable-maker, hk-partner, mo-partner):',
    `  TOKEN=$(npx gridspace token gd-drc)`,
    `  curl -s ${u.gateway} -H "authorization: Bearer $TOKEN" -H 'x-gridspace-purpose: macro-economic-monitoring' -H 'content-type: application/json' \\`,
    `       -d '{"query":"{ electricityIndices(query: {periodKind: MONTH, regionLevels: [CITY], industryLevels: [SECTION]}, first: 5) { totalCount cells { period regionName industryName suppressed suppressionReason consumptionKwh } } }"}'`,
    'walkthrough of the five journeys: README.md (Walkthrough); stop with Ctrl-C',
  ];
  for (const line of lines) log(line);
}
