// What the benchmark takes from the package (through its public entry point).
export { RESOLVER_AUDIENCE, startResolverNode } from '../src/index.js';
