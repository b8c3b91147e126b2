// The fabric adapter: selected by GRIDSPACE_LEDGER=fabric, connected by the settings in settings.ts.
import type { Ledger } from '../port.js';
import { FabricLedger } from './fabric-ledger.js';
import { settingsFromEnv } from './settings.js';

export { FabricLedger, fileCheckpoint, type FabricEventsOptions } from './fabric-ledger.js';
export { settingsFromEnv, validateSettings, LOCAL_NETWORK_CONNECTION_FILE, type FabricSettings, type FabricPeer, type FabricIdentity } from './settings.js';

/** A FabricLedger connected as the environment says (see settingsFromEnv). */
export async function openFabricLedgerFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Ledger> {
  return new FabricLedger(settingsFromEnv(env));
}
