// Helpers of the Fabric-specific tests: the local network's ledger, its nodes, and org records
// with unique ids (the network's state is shared and outlives a test run).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEV_ORGS, LedgerError, type ChaincodeEvent, type Ledger } from '../../src/index.js';
import { FabricLedger, settingsFromEnv } from '../../src/fabric/index.js';

/** These tests need a running network: they run under `npm run test:fabric` (GRIDSPACE_LEDGER=fabric). */
export const onFabric = process.env.GRIDSPACE_LEDGER === 'fabric';

const fabricScript = resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..', '..', 'network', 'scripts', 'fabric.mjs');

export function openFabricLedger(): FabricLedger {
  return new FabricLedger(settingsFromEnv());
}

export function peerOf(identity: string): string {
  const org = DEV_ORGS.find((candidate) => candidate.identity === identity)!;
  return `peer0.${org.orgId}.gridspace.local`;
}

/** Stops a node of the local network with SIGKILL (a crash, not a shutdown). */
export async function killNode(name: string): Promise<void> {
  await promisify(execFile)(process.execPath, [fabricScript, 'stop-node', name, '--kill']);
}

/** Starts a node again and waits until it reports healthy. */
export async function startNode(name: string): Promise<void> {
  await promisify(execFile)(process.execPath, [fabricScript, 'start-node', name]);
}

const operator = DEV_ORGS.find((org) => org.type === 'grid-operator')!;

/** Makes the grid operator the network's operator org unless an earlier run did. */
export async function ensureOperator(ledger: Ledger): Promise<void> {
  const record = { id: operator.orgId, name: operator.name, mspId: operator.mspId, type: operator.type, jurisdiction: operator.jurisdiction };
  try {
    await ledger.submit({ identity: operator.identity, fn: 'Organizations:Bootstrap', args: [JSON.stringify(record)] });
  } catch (error) {
    if (!(error instanceof LedgerError && error.code === 'CONFLICT')) throw error;
  }
}

/** A registration of an org that exists only for this test: unique id and MSP ID. */
export function uniqueOrg(label: string): { id: string; name: string; mspId: string; type: 'supplier'; jurisdiction: string } {
  const suffix = randomUUID().slice(0, 8);
  return { id: `t-${label}-${suffix}`, name: `Test org ${label} ${suffix}`, mspId: `Test${suffix}MSP`, type: 'supplier', jurisdiction: 'CN-GD' };
}

export function registerOrg(ledger: Ledger, org: ReturnType<typeof uniqueOrg>) {
  return ledger.submit({ identity: operator.identity, fn: 'Organizations:Register', args: [JSON.stringify(org)] });
}

export const OPERATOR_IDENTITY = operator.identity;

/** Reads chaincode events from `fromBlock` until `stop` says so (on each event). */
export async function collectEvents(ledger: Ledger, fromBlock: number, stop: (event: ChaincodeEvent, seen: ChaincodeEvent[]) => boolean): Promise<ChaincodeEvent[]> {
  const seen: ChaincodeEvent[] = [];
  for await (const event of ledger.events({ fromBlock })) {
    seen.push(event);
    if (stop(event, seen)) break;
  }
  return seen;
}

/** The org id of an OrganizationRegistered event, if it is one. */
export function registeredOrgId(event: ChaincodeEvent): string | undefined {
  if (event.name !== 'OrganizationRegistered') return undefined;
  return (JSON.parse(event.payload) as { organization: { id: string } }).organization.id;
}
