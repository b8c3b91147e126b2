// The trace intake subgraph: ledger operations partners need for the journeys that the ledger
// subgraph does not offer (yet) — recording an EPCIS event as the caller's org, and reading the
// anchor of an identifier registration batch or checking a record's Merkle proof against it. Every call goes through the Ledger port as the
// caller's own ledger identity (from the partner token the gateway forwards), so the chaincode's
// custody rules decide. A stopgap until @gridspace/ledger/subgraph has these fields.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, GraphQLScalarType, parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { LedgerError, type Ledger } from '@gridspace/ledger';

export const INTAKE_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  scalar JSON

  "The Merkle root of an identifier registration batch, as anchored on the ledger."
  type IdentifierAnchor {
    prefix: String!
    batchId: ID!
    merkleRoot: String!
    count: Int!
    algorithm: String!
    anchoredBy: String!
    anchoredAt: String!
    txId: String!
  }

  type RecordedTraceEvent {
    eventId: ID!
    txId: String!
    blockNumber: Int!
  }

  enum MerkleSide {
    left
    right
  }

  "One step of a Merkle audit path: the sibling hash and the side it sits on."
  input MerkleProofStepInput {
    side: MerkleSide!
    hash: String!
  }

  "IdentifierAnchors:Verify on the ledger: whether a leaf and its audit path lead to the anchored root."
  type IdentifierProofCheck {
    valid: Boolean!
    anchor: IdentifierAnchor!
  }

  type Query {
    "The anchor of a registration batch; null when it is not anchored (yet)."
    identifierAnchor(prefix: String!, batchId: ID!): IdentifierAnchor
    "Checks a record's leaf hash and audit path (GET /api/handles/{handle}/proof) against the batch's anchor; null when it is not anchored (yet)."
    identifierProofCheck(prefix: String!, batchId: ID!, leaf: String!, path: [MerkleProofStepInput!]!): IdentifierProofCheck
  }

  type Mutation {
    "Records one EPCIS 2.0 event (JSON) on the ledger as the caller's org; custody rules apply."
    recordTraceEvent(event: JSON!): RecordedTraceEvent!
  }
`;

export interface IntakeCaller {
  orgId: string;
  mspId: string;
}

const JSONScalar = new GraphQLScalarType({ name: 'JSON', serialize: (v) => v, parseValue: (v) => v });

const refusal = (error: unknown) =>
  error instanceof LedgerError ? new GraphQLError(error.message, { extensions: { code: error.code === 'INVALID_ARGUMENT' ? 'BAD_USER_INPUT' : error.code } }) : error;

export async function startIntakeSubgraph(options: { ledger: Ledger; host: string; port: number; authenticate(request: Request): Promise<IntakeCaller | undefined> }) {
  const { ledger } = options;
  const identityOf = (caller: IntakeCaller | undefined) => {
    if (!caller) throw new GraphQLError('sign in: recording trace events needs an authenticated org', { extensions: { code: 'UNAUTHENTICATED' } });
    const identity = ledger.identities().find((i) => i.mspId === caller.mspId);
    if (!identity) throw new GraphQLError(`org ${caller.orgId} has no identity on this ledger; onboard it first`, { extensions: { code: 'FORBIDDEN' } });
    return identity.name;
  };
  /** Anchors are public: an anonymous reader reads as the operator. Not anchored (yet) is null. */
  const readAnchors = async (caller: IntakeCaller | undefined, fn: string, args: string[]) => {
    const identity = caller ? identityOf(caller) : 'operator';
    try {
      return JSON.parse(await ledger.evaluate({ identity, fn, args })) as unknown;
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'NOT_FOUND') return null;
      throw refusal(error);
    }
  };
  const schema = buildSubgraphSchema({
    typeDefs: parse(INTAKE_SDL),
    resolvers: {
      JSON: JSONScalar,
      Query: {
        identifierAnchor: (_: unknown, args: { prefix: string; batchId: string }, context: { caller?: IntakeCaller }) =>
          readAnchors(context.caller, 'IdentifierAnchors:Get', [args.prefix, args.batchId]),
        identifierProofCheck: (_: unknown, args: { prefix: string; batchId: string; leaf: string; path: unknown[] }, context: { caller?: IntakeCaller }) =>
          readAnchors(context.caller, 'IdentifierAnchors:Verify', [args.prefix, args.batchId, args.leaf, JSON.stringify(args.path)]),
      },
      Mutation: {
        recordTraceEvent: async (_: unknown, args: { event: unknown }, context: { caller?: IntakeCaller }) => {
          const identity = identityOf(context.caller);
          if (typeof args.event !== 'object' || args.event === null || Array.isArray(args.event)) {
            throw new GraphQLError('event: must be one EPCIS event object', { extensions: { code: 'BAD_USER_INPUT' } });
          }
          try {
            const result = await ledger.submit({ identity, fn: 'Traceability:RecordEvent', args: [JSON.stringify(args.event)] });
            const recorded = JSON.parse(result.result) as { eventId: string };
            return { eventId: recorded.eventId, txId: result.txId, blockNumber: result.blockNumber };
          } catch (error) {
            throw refusal(error);
          }
        },
      },
    } as never,
  });
  const yoga = createYoga<Record<string, unknown>, { caller?: IntakeCaller }>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false,
    logging: false,
    context: async ({ request }) => ({ caller: await options.authenticate(request) }),
  });
  const server: Server = createServer(yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
