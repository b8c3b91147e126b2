// What the portal reads at start from `/config.json`: where the network answers and which issuer
// each org signs in at. The server hosting the portal writes it; the portal only reads it.
export interface PortalOrg {
  id: string;
  name: string;
  type: string;
  jurisdiction: string;
  /** The org's OpenID Connect issuer (the partner registry's `issuer`). */
  issuer: string;
  clientId: string;
}

export interface PortalConfig {
  gatewayUrl: string;
  gatewayOrigin: string;
  resolverUrl: string;
  topLevelUrl: string;
  /** RFC 8707 resource of the network's access tokens. */
  resource: string;
  orgs: PortalOrg[];
}
