// The gateway: Hive Gateway runtime (graphql-yoga) over a supergraph we compose ourselves, with
// partner authentication, agreement enforcement, signed grants to subgraphs, usage receipts,
// limits, rate limits, metrics, logs, health and status endpoints.
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, useCustomFetch, type GatewayPlugin, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { GraphQLError, parse, print, type DocumentNode, type ExecutionResult } from 'graphql';
import { createTokenVerifier, AuthenticationError, PartnerRegistry, type Principal } from '@gridspace/partners';
import { FINEST_AGGREGATION } from '@gridspace/schemas';
import { compose, fingerprint, type Composition, type SubgraphSource } from './composition/composer.js';
import { DEFAULT_LIMITS, type GatewayConfig } from './config.js';
import { AgreementBook, type Decision } from './enforcement/agreement-book.js';
import { GRANT_HEADER, GrantSigner } from './enforcement/grants.js';
import { readMarkings, type DataProductMarkings } from './enforcement/markings.js';
import { countRows, touchedProducts, type TouchedProduct } from './enforcement/touched.js';
import { createMetrics } from './observability/metrics.js';
import { jsonLogger } from './observability/log.js';
import { OrgRateLimiter } from './protection/rate-limit.js';
import { tokenLimit } from './protection/token-limit.js';
import { ReceiptJournal } from './receipts/receipt-journal.js';
import { ReceiptQueue } from './receipts/receipt-queue.js';
import { createSubgraphFetch } from './transport/subgraph-fetch.js';

export const PURPOSE_HEADER = 'x-gridspace-purpose';
const ALL_SUBGRAPHS = '*';

export interface RunningGateway {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** Base URL (metrics, health, status, JWKS below it). */
  origin: string;
  /** Composes again now (also happens by itself when a subgraph's schema changes). */
  recompose(): Promise<Composition>;
  /** Sends the queued usage receipts now and waits for them. */
  flushReceipts(): Promise<void>;
  grantJwks(): ReturnType<GrantSigner['jwks']>;
  close(): Promise<void>;
}

/** Per-request state, keyed by the request object (shared by every hook of one request). */
interface RequestState {
  id: string;
  started: number;
  principal?: Principal;
  grants: Map<string, string[]>;
  decisions: string[];
}

const refusal = (code: string, message: string, status: number, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, http: { status }, ...extensions } });

export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const log = config.logger ?? jsonLogger();
  const registry = typeof config.registry === 'function' ? config.registry : () => config.registry as PartnerRegistry;
  const verifier = createTokenVerifier(registry, { audience: config.audience });
  const limits = { ...DEFAULT_LIMITS, ...config.limits };
  const enforcement = config.enforcement ?? true;
  const metrics = createMetrics();
  const signer = await GrantSigner.create({ keyFile: config.grantKeyFile });
  const book = new AgreementBook(config.ledger, config.ledgerIdentity ?? 'operator', (msg, fields) => log('warn', msg, fields));
  await book.start();
  const rateLimiter = config.rateLimit === false ? undefined : new OrgRateLimiter(config.rateLimit ?? { perSecond: 50, burst: 100 });
  const states = new WeakMap<Request, RequestState>();
  const stateOf = (request: Request): RequestState => {
    let state = states.get(request);
    if (!state) {
      const given = request.headers.get('x-request-id');
      state = { id: given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID(), started: performance.now(), grants: new Map(), decisions: [] };
      states.set(request, state);
    }
    return state;
  };

  // Receipts are submitted as the provider's (first) ledger identity; the ledger's identities are fixed.
  const ledgerIdentityOf = new Map<string, string>();
  for (const { mspId, name } of config.ledger.identities()) if (!ledgerIdentityOf.has(mspId)) ledgerIdentityOf.set(mspId, name);
  const journaled = config.receipts?.journalFile ? ReceiptJournal.open(config.receipts.journalFile) : undefined;
  const receipts = new ReceiptQueue({
    ledger: config.ledger,
    intervalMs: config.receipts?.intervalMs,
    batchSize: config.receipts?.batchSize,
    journal: journaled?.journal,
    onSettled(item, recorded, error) {
      book.release(item.reservation, recorded);
      metrics.receipts.inc({ outcome: recorded ? 'recorded' : 'failed' });
      if (!recorded) log('error', 'usage receipt not recorded', { receiptId: item.receipt.id, agreementId: item.receipt.agreementId, error: error?.message });
    },
  });

  // Receipts a previous run journaled but did not get onto the ledger (a crash, a kill) go first.
  if (journaled?.unsettled.length) {
    log('info', 'sending usage receipts left by the previous run', { receipts: journaled.unsettled.length });
    void receipts.resume(journaled.unsettled).catch((error: Error) => log('error', 'usage receipts of the previous run not sent; they stay in the journal', { error: error.message }));
  }

  // ---- Composition ----
  const ownSubgraphs = new Set(config.subgraphs.filter((s) => s.core ?? true).map((s) => s.name));
  const sources = (): SubgraphSource[] => [
    ...config.subgraphs.map((s) => ({ ...s, core: s.core ?? true })),
    ...registry()
      .subgraphs()
      .filter((p) => !config.subgraphs.some((s) => s.name === p.name))
      .map((p) => ({ ...p, core: false })),
  ];
  let composition!: Composition;
  let markings!: DataProductMarkings;
  let lastFingerprint = '';
  const applyComposition = (next: Composition & { hashes: Map<string, string> }) => {
    composition = next;
    markings = readMarkings(next.subgraphs);
    lastFingerprint = sources()
      .map((s) => `${s.name}=${next.hashes.get(s.name) ?? 'unreachable'}`)
      .join(',');
    metrics.subgraphs.reset();
    for (const s of next.status) metrics.subgraphs.inc({ state: s.state });
    for (const s of next.status.filter((x) => x.state !== 'composed')) log('warn', 'subgraph left out of the supergraph', { subgraph: s.name, state: s.state, reason: 'reason' in s ? s.reason : undefined });
  };
  // A ready supergraph (e.g. from a file) is served as given; its data product markings come
  // from the composed @dataProduct directive, and grants go to every subgraph.
  const fixed = config.supergraphSdl;
  const composeNow = async () =>
    fixed
      ? { supergraphSdl: fixed, subgraphs: new Map([[ALL_SUBGRAPHS, parse(fixed)]]), status: [], composedAt: new Date().toISOString(), hashes: new Map<string, string>() }
      : compose(sources());
  applyComposition(await composeNow());
  // Assigned once the runtime exists; recompose may run before (then there is nothing to invalidate).
  const live: { runtime?: GatewayRuntime } = {};
  const recompose = async (): Promise<Composition> => {
    applyComposition(await composeNow());
    live.runtime?.invalidateUnifiedGraph();
    log('info', 'supergraph recomposed', { subgraphs: composition.status.map((s) => `${s.name}:${s.state}`) });
    return composition;
  };
  let recomposing = false;
  const watcher =
    (config.recomposeIntervalMs ?? 10_000) > 0 && !fixed
      ? setInterval(async () => {
          if (recomposing) return;
          recomposing = true;
          try {
            if ((await fingerprint(sources())) !== lastFingerprint) await recompose();
          } catch (error) {
            log('error', 'recomposition failed; the previous supergraph stays', { error: (error as Error).message });
          } finally {
            recomposing = false;
          }
        }, config.recomposeIntervalMs ?? 10_000)
      : undefined;
  watcher?.unref();

  // ---- Plugins ----
  const isAdmin = (p: Principal | undefined) => p?.orgType === 'grid-operator' && p.roles.includes('admin');

  const httpEndpoints: GatewayPlugin = {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const state = stateOf(request);
      const json = (body: unknown, status = 200) => endResponse(new fetchAPI.Response(JSON.stringify(body, null, 2), { status, headers: { 'content-type': 'application/json', 'x-request-id': state.id } }));
      switch (url.pathname) {
        case '/healthz':
          return json({ status: 'ok', subgraphs: composition.status.filter((s) => s.state === 'composed').length });
        case '/status':
          return json({
            composedAt: composition.composedAt,
            subgraphs: composition.status,
            dataProducts: [...markings.subgraphsOf].map(([id, subgraphs]) => ({ id, subgraphs: [...subgraphs] })),
            receiptsInFlight: receipts.inFlight,
            receipts: receipts.stats,
            decisionCache: book.stats,
          });
        case '/.well-known/jwks.json':
          return json(signer.jwks());
        case '/metrics':
          return endResponse(new fetchAPI.Response(await metrics.registry.metrics(), { headers: { 'content-type': metrics.registry.contentType } }));
      }
      return undefined;
    },
    onResponse({ request, response }) {
      const state = stateOf(request);
      const seconds = (performance.now() - state.started) / 1000;
      metrics.requests.inc({ status: String(response.status) });
      metrics.latency.observe({ status: String(response.status) }, seconds);
      response.headers.set('x-request-id', state.id);
      const path = new URL(request.url).pathname;
      if (path === '/metrics' || path === '/healthz') return;
      log('info', 'request', { requestId: state.id, method: request.method, path, status: response.status, durationMs: Math.round(seconds * 1000), org: state.principal?.org, decisions: state.decisions.length ? state.decisions : undefined });
    },
  };

  // Authentication and rate limits run before parsing, so nothing of an unknown caller is processed.
  const authentication: GatewayPlugin = {
    async onParams({ request }) {
      const state = stateOf(request);
      let principal: Principal | undefined;
      try {
        // The verifier remembers verified tokens (until exp, at most a minute): ES256 is the costly part.
        principal = await verifier.authenticate(request.headers.get('authorization'));
      } catch (error) {
        metrics.refusedRequests.inc({ code: 'UNAUTHENTICATED' });
        if (error instanceof AuthenticationError) throw refusal('UNAUTHENTICATED', error.message, 401);
        throw error;
      }
      if (!principal) {
        metrics.refusedRequests.inc({ code: 'UNAUTHENTICATED' });
        throw refusal('UNAUTHENTICATED', 'sign in: send "Authorization: Bearer <jwt>" with a token from your org\'s issuer in the partner registry', 401);
      }
      state.principal = principal;
      const allowed = rateLimiter?.take(principal.org);
      if (allowed && !allowed.allowed) {
        metrics.refusedRequests.inc({ code: 'RATE_LIMITED' });
        throw refusal('RATE_LIMITED', `org ${principal.org} is over its rate limit; retry in ${allowed.retryAfterSeconds} s`, 429, { retryAfterSeconds: allowed.retryAfterSeconds });
      }
    },
  };

  // The normalized text of a document, once per parsed document (the parse cache hands out the same one).
  const printed = new WeakMap<DocumentNode, string>();
  const printedOf = (document: DocumentNode): string => {
    let text = printed.get(document);
    if (text === undefined) printed.set(document, (text = print(document)));
    return text;
  };

  const enforcementPlugin: GatewayPlugin = {
    async onExecute({ args, setResultAndStopExecution }) {
      const request = (args.contextValue as { request: Request }).request;
      const state = stateOf(request);
      const principal = state.principal!;
      const touched = touchedProducts(args.schema, args.document, args.operationName, args.variableValues as Record<string, unknown> | undefined, markings);
      if (touched.length === 0) return;
      if (!enforcement) {
        for (const t of touched) await addGrant(state, t, { provider: 'unenforced', agreementId: 'unenforced', purpose: 'unenforced' });
        return;
      }
      const tokenPurpose = principal.purpose;
      const headerPurpose = request.headers.get(PURPOSE_HEADER)?.trim() || undefined;
      const now = new Date();
      const decisions: Array<{ touched: TouchedProduct; decision: Decision }> = [];
      for (const t of touched) {
        const decision: Decision =
          tokenPurpose && headerPurpose && tokenPurpose !== headerPurpose
            ? { admitted: false, code: 'PURPOSE_NOT_ALLOWED', reason: `your token fixes the purpose "${tokenPurpose}"; the header ${PURPOSE_HEADER} asks for "${headerPurpose}"` }
            : await book.decide({ consumer: principal.org, jurisdiction: principal.jurisdiction, dataProductId: t.dataProductId, purpose: tokenPurpose ?? headerPurpose, aggregation: t.aggregation, time: now });
        decisions.push({ touched: t, decision });
        const code = decision.admitted ? 'ALLOWED' : decision.code;
        metrics.decisions.inc({ code, data_product: t.dataProductId });
        state.decisions.push(`${t.dataProductId}:${code}`);
      }
      const refused = decisions.filter((d) => !d.decision.admitted);
      if (refused.length > 0) {
        // Nothing of a partly refused operation runs: release the slots the admitted parts took.
        for (const d of decisions) if (d.decision.admitted && 'reservation' in d.decision && d.decision.reservation) book.release(d.decision.reservation, false);
        setResultAndStopExecution({
          data: null,
          errors: refused.map(({ touched: t, decision }) => {
            const r = decision as Extract<Decision, { admitted: false }>;
            return new GraphQLError(`${t.dataProductId}: ${r.reason}`, { extensions: { code: r.code, dataProduct: t.dataProductId, ...(r.agreementId ? { agreementId: r.agreementId } : {}) } });
          }),
        });
        return;
      }
      for (const { touched: t, decision } of decisions) {
        if ('ownData' in decision) await addGrant(state, t, { provider: decision.provider, agreementId: 'provider-own-data', purpose: tokenPurpose ?? headerPurpose ?? 'own-data' });
        else if (decision.admitted) await addGrant(state, t, { provider: decision.provider, agreementId: decision.agreementId, purpose: decision.purpose, scope: decision.scope });
      }
      const queryHash = createHash('sha256')
        .update(printedOf(args.document))
        .update(JSON.stringify(args.variableValues ?? {}))
        .digest('hex');
      return {
        onExecuteDone({ result }) {
          const single = result as ExecutionResult;
          for (const { touched: t, decision } of decisions) {
            if (!decision.admitted || !('reservation' in decision) || !decision.reservation) continue;
            const rows = single && 'data' in single && single.data ? countRows(single.data, t.paths) : 0;
            const mspId = registry().org(decision.provider)?.mspId;
            const identity = mspId && ledgerIdentityOf.get(mspId);
            if (!single?.data || !identity) {
              if (!identity) log('error', 'no ledger identity for the provider; receipt not recorded', { provider: decision.provider });
              book.release(decision.reservation, false);
              continue;
            }
            receipts.add({
              identity,
              reservation: decision.reservation,
              receipt: { id: `rcpt-${randomUUID()}`, agreementId: decision.agreementId, dataProductId: t.dataProductId, queryHash, rows, releasedAt: now.toISOString() },
            });
          }
        },
      };
    },
  };

  async function addGrant(state: RequestState, t: TouchedProduct, g: { provider: string; agreementId: string; purpose: string; scope?: import('@gridspace/schemas').GrantScope }) {
    const token = await signer.sign({
      dataProductId: t.dataProductId,
      consumer: state.principal!.org,
      provider: g.provider,
      agreementId: g.agreementId,
      purpose: g.purpose,
      scope: g.scope ?? { minAggregation: { ...FINEST_AGGREGATION }, deidentification: 'none', crossBorder: false },
    });
    for (const subgraph of markings.subgraphsOf.get(t.dataProductId) ?? []) state.grants.set(subgraph, [...(state.grants.get(subgraph) ?? []), token]);
  }

  const persisted = config.persistedDocuments;
  const subgraphFetch = createSubgraphFetch();
  const runtime = createGatewayRuntime({
    supergraph: () => composition.supergraphSdl,
    // Hive Router's query planner (Rust, native addon) and its executor, instead of the stitching planner.
    unifiedGraphHandler,
    logging: false,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: config.development ? { title: 'Gridspace gateway' } : false,
    // Internal errors reach the client as "Unexpected error." with the request id; the log has the cause.
    maskedErrors: {
      maskError(error, message) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) return error;
        log('error', 'internal error (masked)', { error: (original as Error | undefined)?.stack ?? String(original ?? error) });
        return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      },
    },
    csrfPrevention: { requestHeaders: ['x-gridspace-csrf', 'apollo-require-preflight'] },
    disableIntrospection: { disableIf: ({ context }) => !isAdmin(states.get((context as { request: Request }).request)?.principal) },
    gracefulSchemaReload: { drainTimeout: 10_000 },
    ...(persisted
      ? {
          persistedDocuments: {
            getPersistedOperation: (key: string) => persisted.documents[key] ?? null,
            allowArbitraryDocuments: persisted.allowArbitraryDocuments ?? false,
            customErrors: {
              persistedQueryOnly: 'this gateway runs persisted documents only: send {"documentId": "<id>"} of a registered document',
              notFound: 'no persisted document has this documentId; register the document first',
              keyNotFound: 'send the documentId of a persisted document',
            },
          },
        }
      : {}),
    propagateHeaders: {
      fromClientToSubgraphs({ request, subgraphName }) {
        const state = states.get(request);
        return {
          // The caller's token goes only to the network's own subgraphs: a partner-run subgraph
          // could replay it. Partner subgraphs learn what they may release from the signed grant.
          authorization: ownSubgraphs.has(subgraphName) ? request.headers.get('authorization') : undefined,
          'x-request-id': state?.id,
          [GRANT_HEADER]: (state?.grants.get(subgraphName) ?? state?.grants.get(ALL_SUBGRAPHS))?.join(','),
        };
      },
    },
    plugins: () => [
      useCustomFetch(subgraphFetch.fetch),
      httpEndpoints,
      authentication,
      tokenLimit(limits.maxTokens),
      EnvelopArmorPlugin({
        maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
        // Tokens are counted by tokenLimit, before parsing and once per distinct text.
        maxTokens: { enabled: false },
        maxAliases: { n: limits.maxAliases },
        costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
        maxDirectives: { n: 50 },
        blockFieldSuggestion: { enabled: true },
      }),
      enforcementPlugin,
    ],
  });

  live.runtime = runtime;
  const server = createServer(runtime);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 4000, config.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const origin = `http://${address}:${port}`;
  log('info', 'gateway listening', { graphql: `${origin}/graphql`, metrics: `${origin}/metrics`, health: `${origin}/healthz`, status: `${origin}/status`, subgraphs: composition.status.map((s) => `${s.name}:${s.state}`) });

  return {
    url: `${origin}/graphql`,
    origin,
    recompose,
    flushReceipts: () => receipts.flush(),
    grantJwks: () => signer.jwks(),
    async close() {
      clearInterval(watcher);
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await runtime.dispose();
      await subgraphFetch.close();
      await receipts.close();
      await book.close();
    },
  };
}

/** Parses a document once to check it (used by the persisted documents loader). */
export function documentHash(query: string): string {
  parse(query);
  return createHash('sha256').update(query).digest('hex');
}
