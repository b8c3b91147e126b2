// `<dataDir>/network.json`: where a running network answers, so the other `gridspace` commands
// find it without being told every URL.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
    portal: string;
    identityProvider: string;
  };
}

export const networkFilePath = (dataDir: string) => join(dataDir, 'network.json');

/** Written beside and renamed into place, so a reader never sees half a file. */
export function writeNetworkFile(dataDir: string, file: NetworkFile): void {
  const path = networkFilePath(dataDir);
  writeFileSync(`${path}.${process.pid}.tmp`, JSON.stringify(file, null, 2));
  renameSync(`${path}.${process.pid}.tmp`, path);
}

export function readNetworkFile(dataDir: string): NetworkFile | undefined {
  const path = networkFilePath(dataDir);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as NetworkFile) : undefined;
}
