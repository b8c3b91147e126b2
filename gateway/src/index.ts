// @gridspace/gateway: the federated GraphQL gateway.
export { startGateway, PURPOSE_HEADER, type RunningGateway } from './server.js';
export { DEFAULT_LIMITS, type GatewayConfig, type LimitsConfig } from './config.js';
export { compose, fetchSubgraphSdl, type Composition, type SubgraphSource, type SubgraphStatus } from './composition/composer.js';
export { GRANT_HEADER, GrantSigner } from './enforcement/grants.js';
export { readMarkings, type DataProductMarkings } from './enforcement/markings.js';
export { touchedProducts, countRows, type TouchedProduct } from './enforcement/touched.js';
export { callerFromForwardedToken } from './auth/subgraph-auth.js';
export { jsonLogger, silentLogger, type Logger } from './observability/log.js';
export { gatewayConfigFromEnv, DEFAULT_SUBGRAPHS } from './env.js';
