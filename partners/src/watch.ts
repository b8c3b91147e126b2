// A registry file that follows edits: keys rotate and partners join without a restart.
import { statSync } from 'node:fs';
import { PartnerRegistry } from './registry.js';

export interface WatchOptions {
  /** How often, at most, the file's modification time is checked. Default 1 s. */
  checkEveryMs?: number;
  /** Told when the file was re-read, or when an edit could not be read (the last good registry stays). */
  log?(message: string): void;
}

/** A getter for the registry in `path`, re-read when its modification time changes; a broken edit keeps the last good registry. */
export function watchRegistryFile(path: string, options: WatchOptions = {}): () => PartnerRegistry {
  const checkEveryMs = options.checkEveryMs ?? 1000;
  let registry = PartnerRegistry.load(path);
  let mtime = statSync(path).mtimeMs;
  let checkedAt = Date.now();
  return () => {
    const now = Date.now();
    if (now - checkedAt < checkEveryMs) return registry;
    checkedAt = now;
    try {
      const current = statSync(path).mtimeMs;
      if (current !== mtime) {
        registry = PartnerRegistry.load(path);
        mtime = current;
        options.log?.(`partner registry ${path} reloaded (${registry.orgs.length} orgs)`);
      }
    } catch (error) {
      options.log?.(`partner registry ${path} not reloaded, keeping the last good one: ${(error as Error).message}`);
    }
    return registry;
  };
}
