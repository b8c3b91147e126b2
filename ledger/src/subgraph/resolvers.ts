// Resolvers of the ledger subgraph. Every read and write goes through the Ledger port as the
// caller org's own ledger identity, so the chaincode's access rules decide, not this code.
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { LedgerError, type Ledger } from '../port.js';

/** Who is calling: the org the gateway authenticated. */
export interface LedgerCaller {
  orgId: string;
  mspId: string;
}

export interface LedgerSubgraphContext {
  caller: LedgerCaller | undefined;
}

interface AgreementRecord {
  id: string;
  provider: string;
  consumer: string;
  providerMspId: string;
  consumerMspId: string;
  state: string;
  [field: string]: unknown;
}

const LEDGER_CODE_TO_GRAPHQL: Record<string, string> = { INVALID_ARGUMENT: 'BAD_USER_INPUT' };

/** A ledger refusal becomes a GraphQL error with the ledger's stable code and message. */
function toGraphQLError(error: unknown): unknown {
  if (error instanceof LedgerError) {
    return new GraphQLError(error.message, { extensions: { code: LEDGER_CODE_TO_GRAPHQL[error.code] ?? error.code } });
  }
  return error;
}

function literalToJson(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(literalToJson);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalToJson(f.value)]));
    case Kind.VARIABLE:
      throw new GraphQLError('JSON literals cannot contain variables; pass the whole value as a variable');
  }
}

const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalToJson,
});

export function createResolvers(ledger: Ledger) {
  const identityOf = (caller: LedgerCaller | undefined): string => {
    if (!caller) throw new GraphQLError('sign in: this ledger subgraph needs an authenticated org', { extensions: { code: 'UNAUTHENTICATED' } });
    const identity = ledger.identities().find((i) => i.mspId === caller.mspId);
    if (!identity) throw new GraphQLError(`org ${caller.orgId} (${caller.mspId}) has no identity on this ledger; onboard it first`, { extensions: { code: 'FORBIDDEN' } });
    return identity.name;
  };

  const evaluate = async <T>(caller: LedgerCaller | undefined, fn: string, args: string[] = []): Promise<T> => {
    const identity = identityOf(caller);
    try {
      return JSON.parse(await ledger.evaluate({ identity, fn, args })) as T;
    } catch (error) {
      throw toGraphQLError(error);
    }
  };
  /** Like evaluate, but NOT_FOUND is null. */
  const evaluateOrNull = async <T>(caller: LedgerCaller | undefined, fn: string, args: string[]): Promise<T | null> => {
    try {
      return await evaluate<T>(caller, fn, args);
    } catch (error) {
      if (error instanceof GraphQLError && error.extensions.code === 'NOT_FOUND') return null;
      throw error;
    }
  };
  const submit = async <T>(caller: LedgerCaller | undefined, fn: string, args: string[], endorsingOrgs?: string[]): Promise<T> => {
    const identity = identityOf(caller);
    try {
      return JSON.parse((await ledger.submit({ identity, fn, args, endorsingOrgs })).result) as T;
    } catch (error) {
      throw toGraphQLError(error);
    }
  };

  /** Anchors are public: an anonymous reader reads with the ledger's first identity. Not anchored (yet) is null. */
  const readAnchor = async (caller: LedgerCaller | undefined, fn: string, args: string[]) => {
    const identity = caller ? identityOf(caller) : ledger.identities()[0]?.name;
    if (!identity) throw new GraphQLError('this ledger has no identities', { extensions: { code: 'UNAVAILABLE' } });
    try {
      return JSON.parse(await ledger.evaluate({ identity, fn, args })) as unknown;
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'NOT_FOUND') return null;
      throw toGraphQLError(error);
    }
  };

  /** The caller's agreements, as provider or consumer, without duplicates. */
  const agreementsOf = async (caller: LedgerCaller | undefined): Promise<AgreementRecord[]> => {
    const orgId = caller?.orgId ?? '';
    const [asProvider, asConsumer] = await Promise.all([
      evaluate<AgreementRecord[]>(caller, 'Agreements:ByProvider', [orgId]),
      evaluate<AgreementRecord[]>(caller, 'Agreements:ByConsumer', [orgId]),
    ]);
    const byId = new Map([...asProvider, ...asConsumer].map((a) => [a.id, a]));
    return [...byId.values()].sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
  };

  /** Changes to an existing agreement need both parties' peers (key-level endorsement). */
  const partiesOf = async (caller: LedgerCaller | undefined, agreementId: string): Promise<string[] | undefined> => {
    const found = await evaluateOrNull<{ agreement: AgreementRecord }>(caller, 'Agreements:Get', [agreementId]);
    return found ? [...new Set([found.agreement.providerMspId, found.agreement.consumerMspId])] : undefined;
  };

  const step = (fn: string) => async (_: unknown, args: { id: string; reason?: string }, { caller }: LedgerSubgraphContext) =>
    submit(caller, fn, args.reason === undefined ? [args.id] : [args.id, args.reason], await partiesOf(caller, args.id));

  const propose = (fn: 'Agreements:Request' | 'Agreements:Offer') => async (_: unknown, { proposal }: { proposal: Record<string, unknown> }, { caller }: LedgerSubgraphContext) => {
    const clean = Object.fromEntries(Object.entries(proposal).filter(([, v]) => v !== null && v !== undefined));
    let endorsingOrgs = await partiesOf(caller, String(proposal.id));
    if (!endorsingOrgs && fn === 'Agreements:Offer' && typeof proposal.consumer === 'string') {
      const consumer = await evaluateOrNull<{ mspId: string }>(caller, 'Organizations:Get', [proposal.consumer]);
      if (consumer && caller) endorsingOrgs = [caller.mspId, consumer.mspId];
    }
    return submit(caller, fn, [JSON.stringify(clean)], endorsingOrgs);
  };

  return {
    JSON: JSONScalar,
    Query: {
      dataProducts: (_: unknown, __: unknown, { caller }: LedgerSubgraphContext) => evaluate(caller, 'Catalog:List'),
      dataProduct: (_: unknown, { id }: { id: string }, { caller }: LedgerSubgraphContext) => evaluateOrNull(caller, 'Catalog:Get', [id]),
      organizations: (_: unknown, __: unknown, { caller }: LedgerSubgraphContext) => evaluate(caller, 'Organizations:List'),
      agreements: async (_: unknown, { state }: { state?: string | null }, { caller }: LedgerSubgraphContext) =>
        (await agreementsOf(caller)).filter((a) => !state || a.state === state),
      agreement: async (_: unknown, { id }: { id: string }, { caller }: LedgerSubgraphContext) => {
        const found = await evaluateOrNull<{ agreement: AgreementRecord; history: unknown[] }>(caller, 'Agreements:Get', [id]);
        // Third parties learn nothing, not even that the agreement exists.
        if (!found || (found.agreement.provider !== caller?.orgId && found.agreement.consumer !== caller?.orgId)) return null;
        return { ...found.agreement, history: found.history };
      },
      trace: (_: unknown, { handle }: { handle: string }) => ({ handle }),
      tracedIdentifier: (_: unknown, { handle }: { handle: string }) => ({ handle }),
      identifierAnchor: (_: unknown, args: { prefix: string; batchId: string }, { caller }: LedgerSubgraphContext) =>
        readAnchor(caller, 'IdentifierAnchors:Get', [args.prefix, args.batchId]),
      identifierProofCheck: (_: unknown, args: { prefix: string; batchId: string; leaf: string; path: unknown[] }, { caller }: LedgerSubgraphContext) =>
        readAnchor(caller, 'IdentifierAnchors:Verify', [args.prefix, args.batchId, args.leaf, JSON.stringify(args.path)]),
    },
    Mutation: {
      requestAgreement: propose('Agreements:Request'),
      offerAgreement: propose('Agreements:Offer'),
      acceptAgreement: step('Agreements:Accept'),
      agreeAgreement: step('Agreements:Agree'),
      verifyAgreement: step('Agreements:Verify'),
      finalizeAgreement: step('Agreements:Finalize'),
      terminateAgreement: step('Agreements:Terminate'),
      recordTraceEvent: async (_: unknown, { event }: { event: unknown }, { caller }: LedgerSubgraphContext) => {
        const identity = identityOf(caller);
        if (typeof event !== 'object' || event === null || Array.isArray(event)) {
          throw new GraphQLError('event: must be one EPCIS event object', { extensions: { code: 'BAD_USER_INPUT' } });
        }
        try {
          const committed = await ledger.submit({ identity, fn: 'Traceability:RecordEvent', args: [JSON.stringify(event)] });
          const recorded = JSON.parse(committed.result) as { eventId: string };
          return { eventId: recorded.eventId, txId: committed.txId, blockNumber: committed.blockNumber };
        } catch (error) {
          throw toGraphQLError(error);
        }
      },
    },
    DataProduct: {
      keywords: (p: { keywords?: string[] }) => p.keywords ?? [],
      themes: (p: { themes?: string[] }) => p.themes ?? [],
    },
    Agreement: {
      history: async (a: AgreementRecord & { history?: unknown[] }, _: unknown, { caller }: LedgerSubgraphContext) =>
        a.history ?? (await evaluate<{ history: unknown[] }>(caller, 'Agreements:Get', [a.id])).history,
      // The count alone is one key read for a limited period; receipts are listed only when asked.
      usage: async (a: AgreementRecord, { period, time }: { period: string; time?: string | null }, { caller }: LedgerSubgraphContext) => {
        const usage = await evaluate<{ start: string }>(caller, 'Usage:Count', [a.id, period, time ?? '']);
        // Receipts of the very period counted, even if "now" moves on to the next one meanwhile.
        return { ...usage, query: [a.id, period, usage.start] };
      },
    },
    Usage: {
      receiptPage: async (u: { query: string[] }, { first, after }: { first: number; after?: string | null }, { caller }: LedgerSubgraphContext) => {
        if (!Number.isInteger(first) || first < 1 || first > 1000) throw new GraphQLError('first: must be an integer from 1 to 1000', { extensions: { code: 'BAD_USER_INPUT' } });
        const page = await evaluate<{ receipts: unknown[]; bookmark: string }>(caller, 'Usage:Receipts', [...u.query, String(first), after ?? '']);
        return { receipts: page.receipts, nextCursor: page.bookmark || null };
      },
    },
    Provenance: {
      objects: (p: { objects: Record<string, unknown> }) => Object.values(p.objects),
    },
    Identifier: {
      __resolveReference: (reference: { handle: string }) => ({ handle: reference.handle }),
      trace: (identifier: { handle: string }) => ({ handle: identifier.handle }),
    },
    Trace: {
      events: ({ handle }: { handle: string }, _: unknown, { caller }: LedgerSubgraphContext) => evaluate(caller, 'Traceability:EventsOf', [handle]),
      state: ({ handle }: { handle: string }, _: unknown, { caller }: LedgerSubgraphContext) => evaluateOrNull(caller, 'Traceability:StateOf', [handle]),
      provenance: ({ handle }: { handle: string }, { depth }: { depth: number }, { caller }: LedgerSubgraphContext) =>
        evaluateOrNull(caller, 'Traceability:Provenance', [handle, String(depth)]),
    },
  };
}
