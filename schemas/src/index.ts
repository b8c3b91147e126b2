// @gridspace/schemas: the shared vocabulary of Gridspace. JSON Schemas, TypeScript types and
// validators of ledger payloads, evaluatePolicy, the agreement state machine, the grant format.
export * from './validation.js';
export * from './common.js';
export * from './canonical-json.js';
export * from './period.js';
export * from './organization.js';
export * from './policy.js';
export * from './cross-border.js';
export * from './data-product.js';
export * from './agreement.js';
export * from './usage.js';
export * from './merkle.js';
export * from './identifier-anchor.js';
export * from './grant.js';
export * from './verified-tokens.js';
export * from './evaluate-policy.js';
export * from './epcis/index.js';
