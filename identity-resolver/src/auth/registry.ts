// Who the partner orgs are: the network's partner registry (@gridspace/partners), the same one
// the gateway reads. Given in-process (a registry or a getter that follows reloads), as a file
// (re-read when it changes, so keys rotate without a restart), or — with neither — the demo
// partners of the data folder (`<dataDir>/partners/`, made once).
import { ensureDevPartners, watchRegistryFile, type PartnerRegistry } from '@gridspace/partners';

export type RegistrySource = PartnerRegistry | (() => PartnerRegistry);

/** The registry getter for a node: the configured one, the file's, or the data folder's demo partners. */
export async function partnerRegistry(options: { registry?: RegistrySource; registryFile?: string; dataDir: string; log(message: string): void }): Promise<() => PartnerRegistry> {
  const { registry, registryFile, dataDir, log } = options;
  if (registry) return typeof registry === 'function' ? registry : () => registry;
  if (registryFile) return watchRegistryFile(registryFile, { log });
  const dev = await ensureDevPartners(dataDir);
  log(`no partner registry configured (GRIDSPACE_PARTNER_REGISTRY): using the demo partners of ${dev.registryPath}`);
  return () => dev.registry;
}
