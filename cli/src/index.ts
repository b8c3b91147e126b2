// @gridspace/cli: the network on one command, for the `gridspace` command and the end-to-end tests.
export { startNetwork, printWelcome, type RunningNetwork } from './network/start.js';
export { networkOptionsFromEnv, DEFAULT_PORTS, type NetworkOptions, type NetworkPorts, type DemoSize } from './network/config.js';
export { readNetworkFile, type NetworkFile } from './network/state.js';
export { readSeedMarker, demoItems, type SeedMarker } from './network/seed.js';
export { TRANSFORMER_TEMPLATE, INDICES_PRODUCT, PURPOSE, demoSerial } from './network/demo.js';
export { tokenFor, type TokenRequest } from './commands/context.js';
export { freePort } from './network/ports.js';
