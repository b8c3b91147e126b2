// @gridspace/partners: the partner registry, partner JWT verification, and the demo partners.
export * from './registry.js';
export * from './tokens.js';
export * from './dev-partners.js';
export * from './dev-tokens.js';
export * from './watch.js';
