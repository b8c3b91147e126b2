// Port 0 means "any free port"; the network needs every URL before its servers start (the energy
// subgraph is told the gateway's JWKS URL, the registry the partner subgraphs' URLs), so free
// ports are picked up front.
import { createServer } from 'node:net';

export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function concretePorts<T extends Record<string, number>>(host: string, ports: T): Promise<T> {
  const out = { ...ports };
  for (const key of Object.keys(out) as Array<keyof T>) {
    if (out[key] === 0) out[key] = (await freePort(host)) as T[keyof T];
  }
  return out;
}
