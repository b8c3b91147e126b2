// Public entry point of @gridspace/data-products.
export { generateDataset, syntheticCustomers, type GenerateOptions, type GeneratedFiles } from './generator/generate.js';
export { openStore, DEFAULT_DATABASE, type Store, type StoreKind } from './storage/store.js';
export { Customer, Reading, ImportRecord } from './storage/entities.js';
export { importCustomers, importReadings, ImportRejectedError, type ImportOptions, type ImportReport } from './ingestion/ingest.js';
export type { RowError } from './ingestion/rows.js';
export { loadMeterData, meterDataFromRows, type MeterData, type MeterCustomer } from './indices/meter-data.js';
export { computeIndices, ElectricityIndices, type IndexCell, type IndexOptions, type IndexQuery, type PeriodKind } from './indices/indices.js';
export type { DisclosureOptions } from './disclosure/rules.js';
export { startEnergySubgraph, EXPORT_PATH, type EnergySubgraph, type EnergySubgraphConfig } from './subgraph/server.js';
export { typeDefs as energyTypeDefs, DATA_PRODUCT_DIRECTIVE_URL } from './subgraph/schema.js';
export { DATA_PRODUCT_ID, GRANT_HEADER, GrantVerifier, GrantError } from './subgraph/grant.js';
export { classifications, RESIDENTIAL, GBA } from './reference/classifications.js';
