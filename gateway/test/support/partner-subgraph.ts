// A partner-run subgraph whose schema can be changed while it runs (to test recomposition).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';

export interface RunningPartnerSubgraph {
  url: string;
  /** Headers of every request this subgraph received. */
  readonly requests: Array<Record<string, string | string[] | undefined>>;
  /** Serves a new schema from now on. */
  setSchema(sdl: string, resolvers: Record<string, unknown>): void;
  close(): Promise<void>;
}

export async function startPartnerSubgraph(sdl: string, resolvers: Record<string, unknown>): Promise<RunningPartnerSubgraph> {
  const build = (s: string, r: Record<string, unknown>): GraphQLSchema => buildSubgraphSchema({ typeDefs: parse(s), resolvers: r as never });
  let schema = build(sdl, resolvers);
  const yoga = createYoga({ schema: () => schema, graphqlEndpoint: '/graphql', landingPage: false, graphiql: false, logging: false });
  const requests: RunningPartnerSubgraph['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ ...req.headers });
    void yoga(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    requests,
    setSchema(next, nextResolvers) {
      schema = build(next, nextResolvers);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
