// Where the network is, read once at start from /config.json (the server that hosts the portal
// writes it), so one build serves any deployment.
export type { PortalConfig, PortalOrg } from '@gridspace/schemas/portal-config';
import type { PortalConfig } from '@gridspace/schemas/portal-config';

let loaded: PortalConfig | undefined;

export async function loadConfig(): Promise<PortalConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json: HTTP ${response.status}`);
  loaded = (await response.json()) as PortalConfig;
  return loaded;
}

export function config(): PortalConfig {
  if (!loaded) throw new Error('the portal configuration is not loaded yet');
  return loaded;
}

export const orgById = (id: string | null | undefined) => config().orgs.find((o) => o.id === id);
