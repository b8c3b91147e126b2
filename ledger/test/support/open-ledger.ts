// The ledger the contract suite runs against: a fresh embedded ledger by default, or the Fabric
// network named by the environment when GRIDSPACE_LEDGER=fabric (then state is shared and
// long-lived, so tests use unique ids).
import { EmbeddedLedger, type Ledger } from '../../src/index.js';
import { tempDir } from './temp-dir.js';

export function ledgerKind(): 'embedded' | 'fabric' {
  const kind = process.env.GRIDSPACE_LEDGER ?? 'embedded';
  if (kind !== 'embedded' && kind !== 'fabric') throw new Error(`GRIDSPACE_LEDGER: must be embedded or fabric, not ${kind}`);
  return kind;
}

export async function openTestLedger(): Promise<Ledger> {
  if (ledgerKind() === 'fabric') {
    const fabricAdapter = '../../src/fabric/index.js';
    const { openFabricLedgerFromEnv } = (await import(fabricAdapter)) as { openFabricLedgerFromEnv(): Promise<Ledger> };
    return openFabricLedgerFromEnv();
  }
  const dir = tempDir('contracts');
  const ledger = await EmbeddedLedger.open({ dataDir: dir.path });
  const close = ledger.close.bind(ledger);
  ledger.close = async () => {
    await close();
    dir.remove();
  };
  return ledger;
}
