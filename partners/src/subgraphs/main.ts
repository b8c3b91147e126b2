#!/usr/bin/env node
// Runs one sample partner subgraph as its own process:
//   node partners/dist/src/subgraphs/main.js datasheet --port 4100 --resolver http://127.0.0.1:8000
//   node partners/dist/src/subgraphs/main.js interconnector-flows --port 4101
// When started by `gridspace start` (with an IPC channel) it exits as soon as its parent is gone.
import { parseArgs } from 'node:util';
import { startDatasheetSubgraph } from './datasheet.js';
import { startInterconnectorFlowsSubgraph } from './interconnector-flows.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' }, resolver: { type: 'string' } },
});
const [which] = positionals;
const port = Number(values.port);
try {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: must be an integer 0-65535, not "${values.port}"`);
  let running;
  if (which === 'datasheet') {
    if (!values.resolver) throw new Error('--resolver: the second-level node URL is required (e.g. http://127.0.0.1:8000)');
    running = await startDatasheetSubgraph({ host: values.host, port, resolverUrl: values.resolver });
  } else if (which === 'interconnector-flows') {
    running = await startInterconnectorFlowsSubgraph({ host: values.host, port });
  } else {
    throw new Error(`subgraph: must be datasheet or interconnector-flows, not "${which ?? ''}"`);
  }
  const server = running;
  console.log(`partner subgraph ${which} listening on ${server.url}`);
  process.send?.({ ready: server.url });
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
} catch (error) {
  console.error(`partner subgraph: ${(error as Error).message}`);
  process.exit(1);
}
