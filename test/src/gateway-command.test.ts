// `gridspace gateway --supergraph <file>`: the gateway alone in front of a ready supergraph (here
// composed from the running network's subgraphs), on a ledger of its own: it serves the supergraph
// as given and enforces the data products its composed @dataProduct markings name.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compose } from '@gridspace/gateway';
import { PURPOSE, startTestNetwork, type TestNetwork } from './support.js';

const gridspace = createRequire(import.meta.url).resolve('@gridspace/cli').replace(/index\.js$/, 'main.js');

/** Runs `gridspace gateway ...`; resolves with its GraphQL URL once it says it listens. */
function startGatewayProcess(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [gridspace, 'gateway', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /gridspace: gateway (http:\/\/\S+\/graphql) /.exec(output)?.[1];
      if (url) resolve({ child, url });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`gridspace gateway exited with ${code}: ${output}`)));
  });
}

describe('gridspace gateway --supergraph', () => {
  let net: TestNetwork;
  let dir: string;
  let gateway: { child: ChildProcess; url: string } | undefined;

  before(async () => {
    net = await startTestNetwork();
    dir = mkdtempSync(join(tmpdir(), 'gridspace-gateway-'));
  });
  after(async () => {
    if (gateway && gateway.child.exitCode === null) {
      const exited = new Promise((resolve) => gateway!.child.once('exit', resolve));
      gateway.child.kill('SIGTERM');
      await exited;
    }
    await net.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the supergraph as given and enforces its data products on its own ledger', async () => {
    const urls = net.network.urls;
    const { supergraphSdl } = await compose([
      { name: 'ledger', url: urls.ledgerSubgraph },
      { name: 'energy', url: urls.energySubgraph },
      { name: 'identifiers', url: `${urls.resolver}/graphql` },
    ]);
    const file = join(dir, 'supergraph.graphql');
    writeFileSync(file, supergraphSdl);
    gateway = await startGatewayProcess(['--supergraph', file], {
      ...process.env,
      GRIDSPACE_DATA_DIR: join(dir, 'data'),
      // The network's partners, so its demo orgs' tokens are good here too.
      GRIDSPACE_PARTNER_REGISTRY: join(net.dataDir, 'partners', 'registry.json'),
      GRIDSPACE_GATEWAY_PORT: '0',
      GRIDSPACE_LEDGER: 'embedded',
    });
    const ask = async (query: string) => {
      const response = await fetch(gateway!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await net.token({ org: 'gd-stats' })}`, 'x-gridspace-purpose': PURPOSE },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    };

    // Not a data product: served through the supergraph from the second-level node.
    const identifier = await ask('{ identifier(handle: "88.188.1001/TX2026-000001") { handle } }');
    assert.deepEqual(identifier, { data: { identifier: { handle: '88.188.1001/TX2026-000001' } } });
    // A data product: this gateway's ledger has no catalog entry and no agreement for it.
    const indices = await ask('{ electricityIndices(query: { periodKind: MONTH, regionLevels: [CITY] }, first: 5) { totalCount } }');
    assert.equal(indices.data, null);
    assert.equal(indices.errors?.[0]?.extensions?.code, 'NO_AGREEMENT');
    assert.match(indices.errors![0]!.message, /electricity-economic-indices.*not in the catalog/);
  });

  it('refuses the embedded ledger of a folder a running network holds, saying so', () => {
    const run = spawnSync(process.execPath, [gridspace, 'gateway'], { encoding: 'utf8', env: { ...process.env, GRIDSPACE_DATA_DIR: net.dataDir, GRIDSPACE_GATEWAY_PORT: '0', GRIDSPACE_LEDGER: 'embedded' } });
    assert.equal(run.status, 1);
    assert.match(run.stderr, new RegExp(`^gridspace: UNAVAILABLE: the ledger in ${join(net.dataDir, 'ledger')} is open in process ${process.pid}`));
  });
});
