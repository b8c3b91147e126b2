// How a subgraph behind the gateway (e.g. the ledger subgraph) knows its caller: the gateway
// forwards the partner's own bearer token, and the subgraph verifies it against the same registry.
import type { TokenVerifier } from '@gridspace/partners';

export function callerFromForwardedToken(verifier: TokenVerifier) {
  return async (request: Request): Promise<{ orgId: string; mspId: string } | undefined> => {
    try {
      const principal = await verifier.authenticate(request.headers.get('authorization'));
      return principal && { orgId: principal.org, mspId: principal.mspId };
    } catch {
      return undefined;
    }
  };
}
