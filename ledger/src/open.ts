// Which ledger a process runs on: GRIDSPACE_LEDGER=embedded (the default: a folder of its own on
// this machine) or fabric (a Hyperledger Fabric network, connected by the GRIDSPACE_FABRIC_*
// settings; see src/fabric/README.md). The Fabric adapter loads only when asked for.
import type { Ledger } from './port.js';
import { EmbeddedLedger } from './embedded/embedded-ledger.js';

export type LedgerKind = 'embedded' | 'fabric';

export function ledgerKindFromEnv(env: NodeJS.ProcessEnv = process.env): LedgerKind {
  const kind = env.GRIDSPACE_LEDGER || 'embedded';
  if (kind !== 'embedded' && kind !== 'fabric') throw new Error(`GRIDSPACE_LEDGER: must be embedded or fabric, not "${kind}"`);
  return kind;
}

/** Opens the ledger the environment names; `embeddedDataDir` is the embedded ledger's folder. */
export async function openLedgerFromEnv(options: { embeddedDataDir?: string; env?: NodeJS.ProcessEnv }): Promise<{ kind: LedgerKind; ledger: Ledger }> {
  const kind = ledgerKindFromEnv(options.env);
  if (kind === 'embedded') {
    if (!options.embeddedDataDir) throw new Error('the embedded ledger needs a data folder');
    return { kind, ledger: await EmbeddedLedger.open({ dataDir: options.embeddedDataDir }) };
  }
  const { openFabricLedgerFromEnv } = await import('./fabric/index.js');
  return { kind, ledger: await openFabricLedgerFromEnv(options.env) };
}
