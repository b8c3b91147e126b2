// The ledger the contract suite runs against: a fresh embedded ledger by default, or the Fabric
// network named by the environment when GRIDSPACE_LEDGER=fabric (then state is shared and
// long-lived, so tests use unique ids).
import { ledgerKindFromEnv, openLedgerFromEnv, type Ledger } from '../../src/index.js';
import { tempDir } from './temp-dir.js';

export const ledgerKind = () => ledgerKindFromEnv();

export async function openTestLedger(): Promise<Ledger> {
  if (ledgerKind() === 'fabric') return (await openLedgerFromEnv({})).ledger;
  const dir = tempDir('contracts');
  const { ledger } = await openLedgerFromEnv({ embeddedDataDir: dir.path });
  const close = ledger.close.bind(ledger);
  ledger.close = async () => {
    await close();
    dir.remove();
  };
  return ledger;
}
