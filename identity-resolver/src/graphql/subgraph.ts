// Placeholder replaced below.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NodeService } from '../node/service.js';
export function createIdentifiersSubgraph(_service: NodeService) {
  return { handle: async (_req: IncomingMessage, res: ServerResponse) => { res.statusCode = 404; res.end(); } };
}
