// Who the partner orgs are: the network's partner registry (@gridspace/partners), the same one
// the gateway reads. Given in-process (a registry or a getter that follows reloads), as a file
// (re-read when it changes, so keys rotate without a restart), or — with neither — the demo
// partners of the data folder (`<dataDir>/partners/`, made once).
import { statSync } from 'node:fs';
import { ensureDevPartners, PartnerRegistry } from '@gridspace/partners';

export type RegistrySource = PartnerRegistry | (() => PartnerRegistry);

/** How often, at most, a registry file is checked for changes. */
const FILE_CHECK_MS = 1000;

/** A getter for the registry in `path`, re-read when its modification time changes; a broken edit keeps the last good registry. */
export function registryFromFile(path: string, log: (message: string) => void): () => PartnerRegistry {
  let registry = PartnerRegistry.load(path);
  let mtime = statSync(path).mtimeMs;
  let checkedAt = Date.now();
  return () => {
    const now = Date.now();
    if (now - checkedAt < FILE_CHECK_MS) return registry;
    checkedAt = now;
    try {
      const current = statSync(path).mtimeMs;
      if (current !== mtime) {
        registry = PartnerRegistry.load(path);
        mtime = current;
        log(`partner registry ${path} reloaded (${registry.orgs.length} orgs)`);
      }
    } catch (error) {
      log(`partner registry ${path} not reloaded, keeping the last good one: ${(error as Error).message}`);
    }
    return registry;
  };
}

/** The registry getter for a node: the configured one, the file's, or the data folder's demo partners. */
export async function partnerRegistry(options: { registry?: RegistrySource; registryFile?: string; dataDir: string; log(message: string): void }): Promise<() => PartnerRegistry> {
  const { registry, registryFile, dataDir, log } = options;
  if (registry) return typeof registry === 'function' ? registry : () => registry;
  if (registryFile) return registryFromFile(registryFile, log);
  const dev = await ensureDevPartners(dataDir);
  log(`no partner registry configured (GRIDSPACE_PARTNER_REGISTRY): using the demo partners of ${dev.registryPath}`);
  return () => dev.registry;
}
