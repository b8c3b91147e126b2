// Serves one federation v2 subgraph over HTTP with graphql-yoga: /graphql and /healthz.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';

export interface RunningPartnerSubgraph {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4100/graphql. */
  url: string;
  close(): Promise<void>;
}

export async function serveSubgraph(name: string, schema: GraphQLSchema, options: { host?: string; port?: number }): Promise<RunningPartnerSubgraph> {
  const yoga = createYoga({ schema, graphqlEndpoint: '/graphql', landingPage: false, graphiql: false, logging: false });
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '/').split('?')[0] === '/healthz') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', subgraph: name }));
    return void yoga.handle(req, res);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
