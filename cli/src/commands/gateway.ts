// `gridspace gateway`: the gateway alone, in front of configured subgraphs or of a ready federation
// v2 supergraph (`--supergraph <file>`, any supergraph, not only ours), enforcing agreements from
// the ledger GRIDSPACE_LEDGER names. Until Ctrl-C (SIGINT) or SIGTERM.
import { join } from 'node:path';
import { gatewayConfigFromEnv, startGateway } from '@gridspace/gateway';
import { openLedgerFromEnv } from '@gridspace/ledger';
import { demoPartnersOf } from './context.js';

export async function gatewayCommand(options: { dataDir: string; supergraph?: string }): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(options.supergraph ? { GRIDSPACE_SUPERGRAPH: options.supergraph } : {}),
    // Partners: the registry named, else the demo partners of the data folder.
    GRIDSPACE_PARTNER_REGISTRY: process.env.GRIDSPACE_PARTNER_REGISTRY || demoPartnersOf(options.dataDir).registryPath,
    GRIDSPACE_GATEWAY_GRANT_KEY: process.env.GRIDSPACE_GATEWAY_GRANT_KEY || join(options.dataDir, 'gateway', 'grant-key.json'),
    GRIDSPACE_GATEWAY_RECEIPT_JOURNAL: process.env.GRIDSPACE_GATEWAY_RECEIPT_JOURNAL || join(options.dataDir, 'gateway', 'receipts.journal'),
  };
  // The embedded ledger has one writer: this fails, saying so, while `gridspace start` runs on the folder.
  const { kind, ledger } = await openLedgerFromEnv({ embeddedDataDir: join(options.dataDir, 'ledger'), env });
  try {
    const gateway = await startGateway(gatewayConfigFromEnv(ledger, env));
    console.log(`gridspace: gateway ${gateway.url} on the ${kind} ledger${options.supergraph ? `, serving the supergraph in ${options.supergraph}` : ''} (status ${gateway.origin}/status)`);
    const stop = async (signal: string) => {
      console.log(`gridspace: ${signal}: stopping the gateway ...`);
      await gateway.close();
      await ledger.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  } catch (error) {
    await ledger.close();
    throw error;
  }
}
