// Where everything of the local network lives, and which ports it uses. One place, so that the
// up/down scripts, the test runner and the ledger's fabric adapter agree.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NETWORK_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO_DIR = resolve(NETWORK_DIR, '..');

/** Fabric v3.1.5: the release commit, and the pseudo-version the module proxy knows it by. */
export const FABRIC_VERSION = 'v3.1.5';
export const FABRIC_COMMIT = '86c1172bec37';
export const FABRIC_PSEUDO_VERSION = 'v1.4.0-rc1.0.20260618074816-86c1172bec37';
/** Fabric v3.1.5's go.mod says `go 1.26.4`; this toolchain (or newer, already installed) builds it. */
export const GO_TOOLCHAIN = 'go1.26.8+auto';

/** Git-ignored (network/.cache/): what fabric:install unpacks or builds, reused by later runs. */
export const CACHE_DIR = join(NETWORK_DIR, '.cache');
/** Where `go install` puts the binaries (the other way of installing). */
export const GO_BUILD_DIR = join(CACHE_DIR, `fabric-${FABRIC_COMMIT}`);
export const GO_BIN_DIR = join(GO_BUILD_DIR, 'bin');
export const GO_CCAAS_BUILDER_DIR = join(GO_BUILD_DIR, 'ccaas_builder');
/** Written by fabric:install: which install (an unpacked release or the Go build) the other commands use. */
export const INSTALLED_FILE = join(CACHE_DIR, 'installed.json');

function installed() {
  try {
    const { bin, ccaasBuilder } = JSON.parse(readFileSync(INSTALLED_FILE, 'utf8'));
    return { bin: resolve(CACHE_DIR, bin), ccaasBuilder: resolve(CACHE_DIR, ccaasBuilder) };
  } catch {
    return undefined;
  }
}

/**
 * Fabric's binaries (peer, orderer, configtxgen, cryptogen, osnadmin, ...): GRIDSPACE_FABRIC_BIN, else
 * what fabric:install last installed, else the Go build's folder. A function: install changes it.
 */
export function binDir() {
  return process.env.GRIDSPACE_FABRIC_BIN || installed()?.bin || GO_BIN_DIR;
}
/** The chaincode-as-a-service external builder: a folder holding bin/detect, bin/build, bin/release. */
export function ccaasBuilderDir() {
  return process.env.GRIDSPACE_FABRIC_CCAAS_BUILDER || installed()?.ccaasBuilder || GO_CCAAS_BUILDER_DIR;
}
export const FABRIC_BINARIES = ['peer', 'orderer', 'configtxgen', 'cryptogen', 'osnadmin'];
export const CCAAS_BINARIES = ['detect', 'build', 'release'];

/** Everything a running network writes: crypto, channel block, ledgers, logs, PIDs. Git-ignored. */
export const RUN_DIR = process.env.GRIDSPACE_FABRIC_RUN_DIR ?? join(NETWORK_DIR, '.run');
export const CRYPTO_DIR = join(RUN_DIR, 'crypto');
export const CONFIG_DIR = join(RUN_DIR, 'config');
export const LOG_DIR = join(RUN_DIR, 'logs');
export const PID_DIR = join(RUN_DIR, 'pids');
export const DATA_DIR = join(RUN_DIR, 'data');
/** Written by `fabric:up`: what a client needs to connect (read by ledger/src/fabric). */
export const CONNECTION_FILE = join(RUN_DIR, 'connection.json');

export const CHANNEL = process.env.GRIDSPACE_FABRIC_CHANNEL ?? 'gridspace';
export const CHAINCODE = process.env.GRIDSPACE_FABRIC_CHAINCODE ?? 'gridspace';
/** The chaincode package served as a service (its package.json `main` exports `contracts`). */
export const CHAINCODE_DIR = process.env.GRIDSPACE_CHAINCODE_DIR ?? join(REPO_DIR, 'chaincode');

/** All ports are on 127.0.0.1, counted from one base so that a second network can sit beside. */
export function ports() {
  const base = Number(process.env.GRIDSPACE_FABRIC_PORT_BASE ?? 17050);
  if (!Number.isInteger(base) || base < 1024 || base > 65000) {
    throw new Error(`GRIDSPACE_FABRIC_PORT_BASE: must be an integer between 1024 and 65000, got ${process.env.GRIDSPACE_FABRIC_PORT_BASE}`);
  }
  return {
    orderer: base,
    ordererAdmin: base + 1,
    ordererOperations: base + 2,
    chaincode: base + 5,
    /** Peer k listens on peer(k), its chaincode listener on peer(k)+1, operations on peer(k)+2. */
    peer: (k) => base + 10 + 10 * k,
  };
}

/** The demo organizations, read from the ledger's compiled dev-orgs (the one list of them). */
export async function loadOrgs() {
  const file = join(REPO_DIR, 'ledger', 'dist', 'src', 'identity', 'dev-orgs.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: build the ledger first (npx tsc -b ledger)`);
  const { DEV_ORGS } = await import(file);
  const p = ports();
  return DEV_ORGS.map((org, k) => {
    const domain = `${org.orgId}.gridspace.local`;
    const orgDir = join(CRYPTO_DIR, 'peerOrganizations', domain);
    const peerName = `peer0.${domain}`;
    return {
      ...org,
      domain,
      orgDir,
      peerName,
      peerPort: p.peer(k),
      peerChaincodePort: p.peer(k) + 1,
      peerOperationsPort: p.peer(k) + 2,
      peerTlsCa: join(orgDir, 'peers', peerName, 'tls', 'ca.crt'),
      adminMsp: join(orgDir, 'users', `Admin@${domain}`, 'msp'),
    };
  });
}

export const ORDERER = {
  domain: 'orderer.gridspace.local',
  get orgDir() { return join(CRYPTO_DIR, 'ordererOrganizations', this.domain); },
  get nodeDir() { return join(this.orgDir, 'orderers', `orderer0.${this.domain}`); },
  get tlsCa() { return join(this.nodeDir, 'tls', 'ca.crt'); },
  get adminTlsDir() { return join(this.orgDir, 'users', `Admin@${this.domain}`, 'tls'); },
};

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}
