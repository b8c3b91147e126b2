// The ledger subgraph: the catalog, agreements and their negotiation, usage and trace events,
// served as a federation v2 subgraph on graphql-yoga.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Ledger } from '../port.js';
import { createResolvers, type LedgerCaller, type LedgerSubgraphContext } from './resolvers.js';
import { LEDGER_SUBGRAPH_SDL } from './schema.js';

export { LEDGER_SUBGRAPH_SDL } from './schema.js';
export type { LedgerCaller, LedgerSubgraphContext } from './resolvers.js';

export interface LedgerSubgraphOptions {
  ledger: Ledger;
  /**
   * Who is calling, from the request (e.g. the partner JWT the gateway forwards); undefined when
   * unauthenticated. Injected so the ledger does not depend on the partner registry.
   */
  authenticate(request: Request): Promise<LedgerCaller | undefined>;
  /** Default `/graphql`. */
  graphqlEndpoint?: string;
}

export function createLedgerSubgraph(options: LedgerSubgraphOptions): YogaServerInstance<Record<string, unknown>, LedgerSubgraphContext> {
  // buildSubgraphSchema's resolver map type is narrower than what we return; the shapes match at runtime.
  const schema = buildSubgraphSchema({ typeDefs: parse(LEDGER_SUBGRAPH_SDL), resolvers: createResolvers(options.ledger) as never });
  return createYoga<Record<string, unknown>, LedgerSubgraphContext>({
    schema,
    graphqlEndpoint: options.graphqlEndpoint ?? '/graphql',
    landingPage: false,
    graphiql: false,
    context: async ({ request }) => ({ caller: await options.authenticate(request) }),
  });
}

export interface RunningSubgraph {
  url: string;
  close(): Promise<void>;
}

/** Serves the ledger subgraph over HTTP (default 127.0.0.1:4001; port 0 picks a free one). */
export async function startLedgerSubgraph(options: LedgerSubgraphOptions & { host?: string; port?: number }): Promise<RunningSubgraph> {
  const yoga = createLedgerSubgraph(options);
  const server: Server = createServer(yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4001, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}${options.graphqlEndpoint ?? '/graphql'}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
