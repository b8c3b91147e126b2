// The gateway's fetch to subgraphs, against a real HTTP server: request as given, response as
// sent (status, headers, body), null-body statuses, aborts and unreachable subgraphs.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createSubgraphFetch } from '../src/transport/subgraph-fetch.js';

describe('subgraph fetch', () => {
  let server: Server;
  let url: string;
  const subgraphFetch = createSubgraphFetch();
  const seen: Array<{ method?: string; path?: string; headers: IncomingMessage['headers']; body: string }> = [];

  before(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method, path: request.url, headers: request.headers, body });
        if (request.url === '/slow') return void setTimeout(() => response.end('{}'), 5_000).unref();
        if (request.url === '/empty') return void response.writeHead(204).end();
        const status = request.url === '/broken' ? 502 : 200;
        response.writeHead(status, { 'content-type': 'application/json', 'x-subgraph': 'energy' }).end(JSON.stringify({ data: { echo: body } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await subgraphFetch.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends method, path, query, headers and body, and returns status, headers and body', async () => {
    const response = await subgraphFetch.fetch(`${url}/graphql?x=1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-gridspace-grant': 'g1,g2' }, body: '{"query":"{a}"}' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-subgraph'), 'energy');
    assert.deepEqual(await response.json(), { data: { echo: '{"query":"{a}"}' } });
    const request = seen.at(-1)!;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/graphql?x=1');
    assert.equal(request.headers['x-gridspace-grant'], 'g1,g2');
    assert.equal(request.headers['content-type'], 'application/json');
  });

  it('passes error statuses through', async () => {
    const response = await subgraphFetch.fetch(`${url}/broken`, { method: 'POST', headers: { authorization: 'Bearer t' }, body: 'x' });
    assert.equal(response.status, 502);
    assert.equal(seen.at(-1)!.headers.authorization, 'Bearer t');
    assert.deepEqual(await response.json(), { data: { echo: 'x' } });
  });

  it('gives a null-body status without a body', async () => {
    const response = await subgraphFetch.fetch(`${url}/empty`, { method: 'GET' });
    assert.equal(response.status, 204);
    assert.equal(await response.text(), '');
  });

  it('stops when the operation is aborted, and rejects for an unreachable subgraph', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('operation cancelled')), 50);
    await assert.rejects(async () => subgraphFetch.fetch(`${url}/slow`, { method: 'GET', signal: controller.signal }), /cancelled|abort/i);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(async () => subgraphFetch.fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', body: '{}' }), /ECONNREFUSED/);
  });

  it('shares one abort signal among many concurrent calls without leak warnings', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const shared = new AbortController().signal;
      const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => subgraphFetch.fetch(`${url}/graphql`, { method: 'POST', body: String(i), signal: shared })));
      assert.deepEqual(await Promise.all(responses.map(async (r) => ((await r.json()) as { data: { echo: string } }).data.echo)), Array.from({ length: 30 }, (_, i) => String(i)));
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
