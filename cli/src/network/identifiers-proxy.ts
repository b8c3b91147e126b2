// STOPGAP: the resolver's `identifiers` subgraph declares `Identifier.handle: ID!`, the ledger
// subgraph `String!`; federation refuses to compose the two, so the gateway would leave the
// identifiers subgraph out (and with it J4's identifier record). Until the two packages agree on
// one type, this proxy serves the resolver's subgraph with `handle: String!` in its SDL (both
// types travel as JSON strings, so execution is unchanged). Remove it once they agree.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const ALIGN = /(type Identifier\b[^{]*\{[^}]*?\bhandle:\s*)ID!/;

export async function startIdentifiersProxy(target: string, host: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name, value]) => typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
      fetch(target, { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body })
        .then(async (upstream) => {
          let text = await upstream.text();
          if (text.includes('"_service"')) {
            const answer = JSON.parse(text) as { data?: { _service?: { sdl?: string } } };
            if (answer.data?._service?.sdl) answer.data._service.sdl = answer.data._service.sdl.replace(ALIGN, '$1String!');
            text = JSON.stringify(answer);
          }
          res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(text);
        })
        .catch((error: unknown) => res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: `identifiers subgraph unreachable: ${(error as Error).message}` }] })));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
