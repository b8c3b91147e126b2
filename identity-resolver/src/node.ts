// Starts a resolver node (second-level, or top-level for local federations): database, keys,
// partners, the HTTP(S) server with the Handle REST API, the IDIS-style admin API, the
// `identifiers` subgraph, and the hierarchy duties (application, statistics report).
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import cors from 'cors';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SignJWT, decodeJwt, type JWK } from 'jose';
import { createTokenVerifier, type PartnerRegistry } from '@gridspace/partners';
import { ledgerAnchorSink } from './anchor/ledger-sink.js';
import { Authenticator } from './auth/auth.js';
import { partnerRegistry } from './auth/registry.js';
import { resolveConfig, type ResolverConfig } from './config.js';
import { HandleError, RC } from './handle/errors.js';
import { decodeHandlePath, parseHandle, parsePrefix, prefixHandle } from './handle/syntax.js';
import { HandlesApi } from './http/handles-api.js';
import { readJson, sendError, sendJson } from './http/io.js';
import { NodeService, siteValue } from './node/service.js';
import { openDataSource } from './store/datasource.js';
import { Store } from './store/store.js';
import { ForeignResolver } from './trust/foreign.js';
import { loadOrCreateNodeKey, type NodeKey } from './trust/keys.js';
import type { AnswerSigner } from './trust/signing.js';
import { APPLICATION_TYP, REPORT_TYP, TopLevelNode } from './trust/top-level.js';
import { createIdentifiersSubgraph } from './graphql/subgraph.js';

export const BATCH_BODY_LIMIT = 32 << 20;

export interface ResolverNode {
  url: string;
  config: ResolverConfig;
  service: NodeService;
  key: NodeKey;
  /** The partner registry the node authenticates orgs with (current after reloads). */
  registry(): PartnerRegistry;
  /** The prefix certificate from the top-level node, once approved. */
  certificate(): string | undefined;
  /** Second-level: applies to the top-level node (done at start when topLevelUrl is set). */
  applyToTopLevel(): Promise<'approved' | 'pending'>;
  /** Second-level: sends today's signed statistics report to the top-level node now. */
  sendStatsReport(): Promise<void>;
  close(): Promise<void>;
}

export async function startResolverNode(overrides: Partial<ResolverConfig> = {}): Promise<ResolverNode> {
  const config = resolveConfig(overrides);
  const log = config.log;
  const topLevel = config.mode === 'top-level';
  parsePrefix(config.prefix, 'GRIDSPACE_RESOLVER_PREFIX');

  const registry = await partnerRegistry({ registry: config.registry, registryFile: config.registryFile, dataDir: config.dataDir, log });
  const corsOrigins = config.corsOrigins ?? [];
  const key = await loadOrCreateNodeKey(join(config.dataDir, 'node-key.json'));
  const store = new Store(await openDataSource(config.database));
  const auth = new Authenticator({ tokens: createTokenVerifier(registry, { audience: config.audience }), loadValues: async (handle) => (await store.getRecord(handle))?.values });
  let url = '';
  const service = new NodeService({
    store,
    nodePrefix: config.prefix,
    operatorOrg: config.operatorOrg,
    knownOrgs: () => registry().orgs.map((org) => org.id),
    siteUrl: () => config.publicUrl ?? url,
    traceUrlTemplate: config.traceUrlTemplate,
    cacheSize: config.cacheSize,
    anchorSink: config.anchorSink ?? (config.ledger ? ledgerAnchorSink(config.ledger, registry) : undefined),
    onAnchorError: (error, batchId) => log(`anchoring batch ${batchId} failed (retried at next start): ${(error as Error).message}`),
  });
  const certPath = join(config.dataDir, 'prefix-certificate.jwt');
  let certificate = existsSync(certPath) ? readFileSync(certPath, 'utf8').trim() : undefined;
  if (certificate && decodeJwt(certificate).sub !== config.prefix) certificate = undefined;
  const signer = (): AnswerSigner => ({ key, nodePrefix: config.prefix, certificate, signatureLifetimeSeconds: config.signatureLifetimeSeconds });
  const foreign = !topLevel && config.topLevelUrl
    ? new ForeignResolver({ topLevelUrl: config.topLevelUrl, maxTtlSeconds: config.foreignMaxTtlSeconds, negativeTtlSeconds: config.foreignNegativeTtlSeconds, maxEntries: 10_000 })
    : undefined;
  const handles = new HandlesApi({ service, auth, signer, foreign, log });
  const tln = topLevel ? new TopLevelNode(service, key, config.autoApprove) : undefined;
  const graphql = createIdentifiersSubgraph(service);

  const routes = async (req: IncomingMessage, res: ServerResponse, path: string, search: string): Promise<void> => {
    const method = req.method ?? 'GET';
    const principal = () => auth.authenticate(req.headers.authorization);
    const segments = path.split('/').filter(Boolean);
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok', mode: config.mode, prefix: config.prefix });
    if (path === '/.well-known/jwks.json') return sendJson(res, 200, { keys: [key.publicJwk] });
    if (path === '/api/prefixes' && method === 'POST') return sendJson(res, 201, prefixJson(await service.allocatePrefix(await principal(), await readJson(req, 1 << 16))));
    if (path === '/api/prefixes' && method === 'GET') return sendJson(res, 200, { prefixes: (await store.listPrefixes()).map(prefixJson) });
    if (segments[0] === 'api' && segments[1] === 'prefixes' && segments.length === 3) {
      const prefix = parsePrefix(decodeURIComponent(segments[2]!));
      if (method === 'GET') {
        const row = await service.getPrefix(prefix);
        if (!row) throw new HandleError(RC.HANDLE_NOT_FOUND, `prefix ${prefix} is not allocated`, prefixHandle(prefix));
        return sendJson(res, 200, prefixJson(row));
      }
      if (method === 'PATCH') return sendJson(res, 200, prefixJson(await service.updatePrefix(await principal(), prefix, await readJson(req, 1 << 16))));
    }
    if (path === '/api/templates' && method === 'POST') return sendJson(res, 201, await service.createTemplate(await principal(), await readJson(req, 1 << 20)));
    if (path === '/api/templates' && method === 'GET') return sendJson(res, 200, { templates: await service.listTemplates() });
    if (segments[0] === 'api' && segments[1] === 'templates' && segments.length === 3 && method === 'GET') {
      const template = await service.getTemplate(decodeURIComponent(segments[2]!));
      if (!template) throw new HandleError(RC.HANDLE_NOT_FOUND, `template ${segments[2]} does not exist`);
      return sendJson(res, 200, template);
    }
    if (path === '/api/batches' && method === 'POST') {
      const result = await service.registerBatch(await principal(), await readJson(req, BATCH_BODY_LIMIT));
      return sendJson(res, 201, { responseCode: RC.SUCCESS, ...result });
    }
    if (segments[0] === 'api' && segments[1] === 'batches' && segments.length === 3 && method === 'GET') {
      const batch = await store.getBatch(segments[2]!);
      if (!batch) throw new HandleError(RC.HANDLE_NOT_FOUND, `batch ${segments[2]} does not exist`);
      return sendJson(res, 200, { id: batch.id, prefix: batch.prefix, count: batch.count, merkleRoot: batch.merkleRoot, handles: JSON.parse(batch.handles) as string[], anchor: batch.anchorTxId ? { txId: batch.anchorTxId, blockNumber: batch.anchorBlock } : null, createdAt: batch.createdAt });
    }
    if (path === '/api/identifiers' && method === 'POST') {
      const body = await readJson(req, 1 << 20) as Record<string, unknown>;
      const { template, ...identifier } = body ?? {};
      const result = await service.registerBatch(await principal(), { template, identifiers: [identifier] });
      const record = await service.getRecord(result.handles[0]!, true);
      return sendJson(res, 201, { responseCode: RC.SUCCESS, handle: record!.handle, batchId: result.batchId, values: record!.values });
    }
    if (path.startsWith('/api/identifiers/') && (method === 'PATCH' || method === 'DELETE')) {
      const parsed = parseHandle(decodeHandlePath(path.slice('/api/identifiers/'.length)));
      if (method === 'DELETE') return sendJson(res, 200, { responseCode: RC.SUCCESS, handle: (await service.deleteHandle(await principal(), parsed, [])).handle });
      const record = await service.updateIdentifier(await principal(), parsed, await readJson(req, 1 << 20));
      return sendJson(res, 200, { responseCode: RC.SUCCESS, handle: record.handle, values: record.values });
    }
    if (path === '/api/stats' && method === 'GET') return sendJson(res, 200, await statistics());
    if (tln && path === '/api/applications' && method === 'POST') {
      const answer = await tln.apply(await readJson(req, 1 << 16));
      return sendJson(res, answer.status === 'approved' ? 201 : 202, answer);
    }
    if (tln && segments[0] === 'api' && segments[1] === 'applications' && segments.length >= 3) {
      if (segments.length === 3 && method === 'GET') return sendJson(res, 200, await tln.application(segments[2]!));
      if (segments[3] === 'approve' && method === 'POST') return sendJson(res, 200, await tln.approveBy(await principal(), segments[2]!));
    }
    if (tln && path === '/api/reports' && method === 'POST') return sendJson(res, 201, await tln.receiveReport(await readJson(req, 1 << 16)));
    if (tln && path === '/api/reports' && method === 'GET') return sendJson(res, 200, { reports: await tln.listReports(new URLSearchParams(search).get('prefix') ?? undefined) });
    sendJson(res, 404, { responseCode: RC.ERROR, message: `no route ${method} ${path}` });
  };

  // Browsers (the portal) call with a bearer token, never cookies: CORS for the configured origins.
  const allowCors = corsOrigins.length > 0 ? cors({ origin: corsOrigins.includes('*') ? '*' : corsOrigins, methods: ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE'], allowedHeaders: ['authorization', 'content-type'], maxAge: 600 }) : undefined;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (allowCors) {
      let passed = false;
      allowCors(req, res, () => (passed = true));
      if (!passed) return; // a preflight, answered
    }
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const search = q < 0 ? '' : raw.slice(q);
    if (path.startsWith('/api/handles/')) {
      void handles.handle(req, res, path.slice('/api/handles/'.length), search);
      return;
    }
    if (path === '/graphql') {
      void graphql.handle(req, res);
      return;
    }
    routes(req, res, path, search).catch((error: unknown) => sendError(res, error, false, log));
  };

  const tls = config.tls ?? (config.tlsCertFile && config.tlsKeyFile ? { cert: readFileSync(config.tlsCertFile, 'utf8'), key: readFileSync(config.tlsKeyFile, 'utf8') } : undefined);
  const server: Server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
  server.keepAliveTimeout = 65_000;
  // Requests Node's HTTP parser refuses (e.g. raw non-ASCII bytes in the path) still get a Handle-style answer.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const invalidPath = error.code === 'HPE_INVALID_URL';
    const body = JSON.stringify(invalidPath
      ? { responseCode: RC.INVALID_HANDLE, message: 'handle: the request path has bytes that must be percent-encoded (encode the handle as UTF-8)' }
      : { responseCode: RC.ERROR, message: `malformed HTTP request (${error.code ?? 'parse error'})` });
    socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  url = `${tls ? 'https' : 'http'}://${config.host}:${address.port}`;
  const siteUrl = config.publicUrl ?? url;

  // The node's own prefix handle, so 0.NA/<prefix> resolves here too (HS_SITE, HS_PUBKEY).
  const ownHandle = prefixHandle(config.prefix);
  const now = new Date().toISOString();
  await store.transaction(async (m) => {
    await store.deleteRecord(m, ownHandle);
    await store.insertRecords(m, [{ handle: ownHandle, prefix: '0.NA', values: [
      { index: 1, type: 'HS_SITE', data: { format: 'site', value: siteValue(siteUrl) }, ttl: 3600, timestamp: now },
      { index: 2, type: 'DESC', data: { format: 'string', value: `${config.mode} node ${config.prefix}` }, ttl: 3600, timestamp: now },
      { index: 300, type: 'HS_PUBKEY', data: { format: 'key', value: key.publicJwk }, ttl: 3600, timestamp: now },
    ] }], now);
  });
  service.forget(ownHandle);

  if (config.seedDemo && !topLevel && (await store.listPrefixes()).length === 0) {
    // The registry says which org owns which enterprise prefix; those under this node start allocated.
    for (const org of registry().orgs) {
      for (const prefix of org.prefixes.filter((p) => p.startsWith(`${config.prefix}.`))) {
        await service.allocatePrefix({ kind: 'partner', orgId: config.operatorOrg }, { prefix, ownerOrg: org.id });
        log(`allocated enterprise prefix ${prefix} to ${org.id} (partner registry)`);
      }
    }
  }

  const applyToTopLevel = async (): Promise<'approved' | 'pending'> => {
    if (!config.topLevelUrl) throw new Error('no top-level node configured (GRIDSPACE_RESOLVER_TOP_LEVEL_URL)');
    const application = await new SignJWT({ prefix: config.prefix, site: siteUrl })
      .setProtectedHeader({ alg: 'EdDSA', typ: APPLICATION_TYP, jwk: stripPrivate(key.publicJwk) })
      .setIssuedAt()
      .sign(key.privateKey);
    const response = await fetch(`${config.topLevelUrl.replace(/\/$/, '')}/api/applications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ application }) });
    const answer = (await response.json()) as { status?: string; certificate?: string; message?: string };
    if (response.status >= 400) throw new Error(`the top-level node refused the application: ${answer.message ?? response.status}`);
    if (answer.status === 'approved' && answer.certificate) {
      certificate = answer.certificate;
      writeFileSync(certPath, certificate);
      return 'approved';
    }
    return 'pending';
  };

  const statistics = async () => {
    await service.flushResolutionCount();
    const day = new Date().toISOString().slice(0, 10);
    return { prefix: config.prefix, day, prefixes: (await store.listPrefixes()).length, identifiers: await store.countRecords(), today: await store.statsOf(day) };
  };

  const sendStatsReport = async (): Promise<void> => {
    if (!config.topLevelUrl) return;
    const stats = await statistics();
    const report = await new SignJWT({ ...stats, registrations: stats.today.registrations ?? 0, resolutions: stats.today.resolutions ?? 0 })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: REPORT_TYP })
      .setIssuer(ownHandle)
      .setIssuedAt()
      .setExpirationTime('1d')
      .sign(key.privateKey);
    const response = await fetch(`${config.topLevelUrl.replace(/\/$/, '')}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ report }) });
    if (response.status !== 201) throw new Error(`statistics report refused: ${response.status} ${await response.text()}`);
  };

  if (!topLevel && config.topLevelUrl && !certificate) {
    try {
      log(`application for prefix ${config.prefix} to ${config.topLevelUrl}: ${await applyToTopLevel()}`);
    } catch (error) {
      log(`application to the top-level node failed: ${(error as Error).message}`);
    }
  }
  const statsTimer = !topLevel && config.topLevelUrl && config.statsIntervalMs > 0
    ? setInterval(() => sendStatsReport().catch((error: unknown) => log(`statistics report failed: ${(error as Error).message}`)), config.statsIntervalMs)
    : undefined;
  statsTimer?.unref();
  void service.anchorPending();
  log(`${config.mode} node ${config.prefix} listening on ${url} (Handle REST ${url}/api/handles, subgraph ${url}/graphql, ${store.kind})`);

  return {
    url,
    config,
    service,
    key,
    registry,
    certificate: () => certificate,
    applyToTopLevel,
    sendStatsReport,
    async close() {
      if (statsTimer) clearInterval(statsTimer);
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      await service.settleAnchors();
      await service.flushResolutionCount().catch(() => undefined);
      await store.close();
    },
  };
}

function stripPrivate(jwk: JWK): JWK {
  const { d: _d, ...pub } = jwk;
  return pub;
}

function prefixJson(row: { prefix: string; ownerOrg: string; delegates: string; defaultTemplate: string | null; allocatedAt: string; allocatedBy: string }) {
  return { prefix: row.prefix, handle: prefixHandle(row.prefix), ownerOrg: row.ownerOrg, delegates: JSON.parse(row.delegates) as string[], defaultTemplate: row.defaultTemplate, allocatedBy: row.allocatedBy, allocatedAt: row.allocatedAt };
}
