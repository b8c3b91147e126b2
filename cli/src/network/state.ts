// `<dataDir>/network.json`: where a running network answers, so the other `gridspace` commands
// find it without being told every URL.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NetworkFile {
  pid: number;
  startedAt: string;
  urls: {
    gateway: string;
    gatewayOrigin: string;
    ledgerSubgraph: string;
    energySubgraph: string;
    resolver: string;
    topLevel: string;
    datasheetSubgraph: string;
    flowsSubgraph: string;
  };
}

export const networkFilePath = (dataDir: string) => join(dataDir, 'network.json');

export function writeNetworkFile(dataDir: string, file: NetworkFile): void {
  writeFileSync(networkFilePath(dataDir), JSON.stringify(file, null, 2));
}

export function readNetworkFile(dataDir: string): NetworkFile | undefined {
  const path = networkFilePath(dataDir);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as NetworkFile) : undefined;
}
