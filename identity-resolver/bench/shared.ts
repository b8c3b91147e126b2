// What the benchmark takes from the package (through its public entry point).
export { partnerToken, startResolverNode } from '../src/index.js';
import type { JWK } from 'jose';
export interface DevPartnerKeysShape { privateJwks: Record<string, JWK> }
