// EPCIS 2.0 for Gridspace traceability: GS1's JSON Schema, event types, CBV vocabularies,
// validation, and how Gridspace identifiers appear as EPCs. See README.md in this folder.
export * from './types.js';
export * from './vocabulary.js';
export * from './identifiers.js';
export * from './objects.js';
export * from './validate.js';
export { GS1_EPCIS_JSON_SCHEMA } from './gs1-epcis-json-schema.js';
