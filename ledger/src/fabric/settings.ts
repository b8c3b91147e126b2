// Connection settings of the fabric adapter: which peers, which identities, which channel and
// chaincode. Read from a connection file (what `npm run fabric:up` writes) or, for an existing
// network with one identity, from individual environment variables.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FabricPeer {
  mspId: string;
  /** host:port of the peer's gateway service. */
  endpoint: string;
  /** PEM file of the CA that issued the peer's TLS certificate. */
  tlsCaPath: string;
  /** Name to check the peer's TLS certificate against, when it differs from the endpoint's host. */
  hostAlias?: string;
}

export interface FabricIdentity {
  /** Name used in TransactionRequest.identity. */
  name: string;
  mspId: string;
  certPath: string;
  keyPath: string;
}

export interface FabricSettings {
  channel: string;
  chaincode: string;
  peers: FabricPeer[];
  identities: FabricIdentity[];
  /** How long a transient failure (a peer or orderer unreachable) is retried before giving up. Default 30 s. */
  transientRetryMs?: number;
  /** How many times a transaction failing validation with MVCC_READ_CONFLICT is endorsed and submitted again. Default 0. */
  mvccRetries?: number;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
/** Where `npm run fabric:up` writes the local network's connection settings. */
export const LOCAL_NETWORK_CONNECTION_FILE = join(repoRoot, 'network', '.run', 'connection.json');

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name}: required when GRIDSPACE_FABRIC_PEER_ENDPOINT is set (connection to an existing network)`);
  return value;
}

function nonNegativeInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name}: must be a non-negative integer, got ${JSON.stringify(text)}`);
  return value;
}

/** Checks a settings object read from a file, naming the first field that is wrong. */
export function validateSettings(value: unknown, source: string): FabricSettings {
  const fail = (field: string, rule: string): never => {
    throw new Error(`${source}: ${field}: ${rule}`);
  };
  if (typeof value !== 'object' || value === null) fail('(root)', 'must be an object');
  const settings = value as Record<string, unknown>;
  for (const field of ['channel', 'chaincode'] as const) {
    if (typeof settings[field] !== 'string' || settings[field] === '') fail(field, 'must be a non-empty string');
  }
  if (!Array.isArray(settings.peers) || settings.peers.length === 0) fail('peers', 'must be a non-empty array');
  (settings.peers as unknown[]).forEach((peer, i) => {
    for (const field of ['mspId', 'endpoint', 'tlsCaPath']) {
      if (typeof (peer as Record<string, unknown>)[field] !== 'string') fail(`peers[${i}].${field}`, 'must be a string');
    }
  });
  if (!Array.isArray(settings.identities) || settings.identities.length === 0) fail('identities', 'must be a non-empty array');
  (settings.identities as unknown[]).forEach((identity, i) => {
    for (const field of ['name', 'mspId', 'certPath', 'keyPath']) {
      if (typeof (identity as Record<string, unknown>)[field] !== 'string') fail(`identities[${i}].${field}`, 'must be a string');
    }
  });
  return settings as unknown as FabricSettings;
}

/**
 * Settings from the environment:
 * - GRIDSPACE_FABRIC_PEER_ENDPOINT set: one peer and one identity of an existing network, from
 *   GRIDSPACE_FABRIC_TLS_CA, GRIDSPACE_FABRIC_MSP_ID, GRIDSPACE_FABRIC_CERT, GRIDSPACE_FABRIC_KEY,
 *   and optionally GRIDSPACE_FABRIC_PEER_HOST_ALIAS and GRIDSPACE_FABRIC_IDENTITY (default `default`);
 * - otherwise the connection file GRIDSPACE_FABRIC_CONNECTION (default: the local network's).
 * GRIDSPACE_FABRIC_CHANNEL and GRIDSPACE_FABRIC_CHAINCODE override the channel and chaincode
 * names (default `gridspace`); GRIDSPACE_FABRIC_TRANSIENT_RETRY_MS and GRIDSPACE_FABRIC_MVCC_RETRIES
 * tune the retries.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): FabricSettings {
  let settings: FabricSettings;
  if (env.GRIDSPACE_FABRIC_PEER_ENDPOINT) {
    const mspId = required(env, 'GRIDSPACE_FABRIC_MSP_ID');
    settings = {
      channel: 'gridspace',
      chaincode: 'gridspace',
      peers: [{
        mspId,
        endpoint: env.GRIDSPACE_FABRIC_PEER_ENDPOINT,
        tlsCaPath: required(env, 'GRIDSPACE_FABRIC_TLS_CA'),
        hostAlias: env.GRIDSPACE_FABRIC_PEER_HOST_ALIAS || undefined,
      }],
      identities: [{
        name: env.GRIDSPACE_FABRIC_IDENTITY || 'default',
        mspId,
        certPath: required(env, 'GRIDSPACE_FABRIC_CERT'),
        keyPath: required(env, 'GRIDSPACE_FABRIC_KEY'),
      }],
    };
  } else {
    const file = env.GRIDSPACE_FABRIC_CONNECTION || LOCAL_NETWORK_CONNECTION_FILE;
    if (!existsSync(file)) {
      throw new Error(`GRIDSPACE_FABRIC_CONNECTION: ${file} does not exist; start the local network (npm run fabric:up) or set GRIDSPACE_FABRIC_PEER_ENDPOINT and friends`);
    }
    settings = validateSettings(JSON.parse(readFileSync(file, 'utf8')), file);
  }
  return {
    ...settings,
    channel: env.GRIDSPACE_FABRIC_CHANNEL || settings.channel,
    chaincode: env.GRIDSPACE_FABRIC_CHAINCODE || settings.chaincode,
    transientRetryMs: nonNegativeInteger(env, 'GRIDSPACE_FABRIC_TRANSIENT_RETRY_MS') ?? settings.transientRetryMs,
    mvccRetries: nonNegativeInteger(env, 'GRIDSPACE_FABRIC_MVCC_RETRIES') ?? settings.mvccRetries,
  };
}
