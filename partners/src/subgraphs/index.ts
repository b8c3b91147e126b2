// Sample partner-run subgraphs: real separate servers the gateway composes (see README.md).
export { startDatasheetSubgraph, datasheetSchema, DATASHEETS, DATASHEET_SDL, type Datasheet, type DatasheetSubgraphOptions } from './datasheet.js';
export { startInterconnectorFlowsSubgraph, flowsSchema, flowOf, INTERCONNECTORS, FLOWS_SDL, type Interconnector } from './interconnector-flows.js';
export { serveSubgraph, type RunningPartnerSubgraph } from './serve.js';
