// `gridspace start`: the network on embedded defaults, in one process, with a persistent data
// folder. Today that is the embedded ledger (with the demo organizations registered); the
// resolver, data products and gateway join as they land.
import { resolve } from 'node:path';
import { DEV_ORGS, EmbeddedLedger, LedgerError } from '@gridspace/ledger';

export interface StartOptions {
  dataDir: string;
}

export function startOptionsFromEnv(env = process.env): StartOptions {
  return { dataDir: resolve(env.GRIDSPACE_DATA_DIR ?? '.gridspace') };
}

/** Registers the demo organizations (the grid operator first, as operator) once; later starts find them. */
async function seedOrganizations(ledger: EmbeddedLedger): Promise<number> {
  let registered = 0;
  for (const org of DEV_ORGS) {
    const record = JSON.stringify({ id: org.orgId, name: org.name, mspId: org.mspId, type: org.type, jurisdiction: org.jurisdiction });
    const fn = org.type === 'grid-operator' ? 'Organizations:Bootstrap' : 'Organizations:Register';
    try {
      await ledger.submit({ identity: 'operator', fn, args: [record] });
      registered++;
    } catch (error) {
      if (!(error instanceof LedgerError && error.code === 'CONFLICT')) throw error;
    }
  }
  return registered;
}

export async function start(options: StartOptions): Promise<{ stop(): Promise<void> }> {
  const ledger = await EmbeddedLedger.open({ dataDir: `${options.dataDir}/ledger` });
  const registered = await seedOrganizations(ledger);
  const verified = ledger.verify();
  if (!verified.ok) throw new Error(`ledger chain does not verify at block ${verified.block}: ${verified.problem}`);
  console.log(`gridspace: embedded ledger in ${options.dataDir}/ledger — ${verified.blocks} blocks, chain verified`);
  console.log(`gridspace: ${registered} demo organizations registered now (${DEV_ORGS.length} in all): ${DEV_ORGS.map((o) => `${o.identity}=${o.mspId}`).join(', ')}`);
  console.log('gridspace: only the ledger runs so far; the resolver, data products and gateway are not started yet');

  const controller = new AbortController();
  const tail = (async () => {
    for await (const event of ledger.events({ signal: controller.signal })) {
      console.log(`gridspace: block ${event.blockNumber} event ${event.name} ${event.payload.slice(0, 200)}`);
    }
  })();
  return {
    async stop() {
      controller.abort();
      await tail;
      await ledger.close();
    },
  };
}
