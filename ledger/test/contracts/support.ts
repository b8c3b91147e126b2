// Helpers of the contract suite. Everything goes through the Ledger port only, so the suite runs
// unchanged on a real Fabric network (GRIDSPACE_LEDGER=fabric): ids are unique per run, and
// organizations are bootstrapped idempotently.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DEV_ORGS, LedgerError, negotiateAgreement, registerDevOrganizations, type DevOrg, type Ledger, type SubmitResult } from '../../src/index.js';

import { openTestLedger } from '../support/open-ledger.js';

export { openTestLedger };

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** A fresh numeric enterprise prefix under 88.188, e.g. `88.188.4821937`. */
export function uniquePrefix(): string {
  return `88.188.${1000000 + randomBytes(4).readUInt32BE() % 8999999}`;
}

/** A fresh enterprise prefix, assigned by the operator to the org of `owner` (default the transformer maker). */
export async function assignFreshPrefix(ledger: Ledger, owner = 'supplier'): Promise<string> {
  const prefix = uniquePrefix();
  await submit(ledger, { identity: 'operator', fn: 'Organizations:AssignPrefix', args: [prefix, org(owner).orgId] });
  return prefix;
}

export function org(identity: string): DevOrg {
  const found = DEV_ORGS.find((o) => o.identity === identity);
  if (!found) throw new Error(`no dev org with identity ${identity}`);
  return found;
}

/** The operator org bootstraps the network, then registers every dev org; what already exists is fine. */
export async function ensureOrganizations(ledger: Ledger): Promise<void> {
  await registerDevOrganizations(ledger);
}

/** The test ledger with every dev org registered: where each suite of contracts starts. */
export async function openLedgerWithOrganizations(): Promise<Ledger> {
  const ledger = await openTestLedger();
  await ensureOrganizations(ledger);
  return ledger;
}

export interface Call {
  identity: string;
  fn: string;
  args?: unknown[];
  transient?: Record<string, string>;
  endorsingOrgs?: string[];
}

const asArgs = (args: unknown[] = []) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));

export async function submit<T = unknown>(ledger: Ledger, call: Call): Promise<{ value: T; tx: SubmitResult }> {
  const tx = await ledger.submit({ identity: call.identity, fn: call.fn, args: asArgs(call.args), transient: call.transient, endorsingOrgs: call.endorsingOrgs });
  return { value: JSON.parse(tx.result) as T, tx };
}

export async function evaluate<T = unknown>(ledger: Ledger, call: Call): Promise<T> {
  return JSON.parse(await ledger.evaluate({ identity: call.identity, fn: call.fn, args: asArgs(call.args), transient: call.transient })) as T;
}

/** Asserts the call fails with `code` and a message matching `message`. */
export async function rejects(promise: Promise<unknown>, code: string, message?: RegExp): Promise<LedgerError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LedgerError, `expected a LedgerError, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got: ${error.message}`);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

/** The chaincode event of a committed transaction. */
export async function eventOf(ledger: Ledger, tx: SubmitResult): Promise<{ name: string; payload: Record<string, unknown> }> {
  const controller = new AbortController();
  try {
    for await (const event of ledger.events({ fromBlock: tx.blockNumber, signal: controller.signal })) {
      if (event.txId === tx.txId) return { name: event.name, payload: JSON.parse(event.payload) as Record<string, unknown> };
      if (event.blockNumber > tx.blockNumber) break;
    }
  } finally {
    controller.abort();
  }
  assert.fail(`no chaincode event for transaction ${tx.txId}`);
}

// ---- Data products and agreements ----

export interface AggregationLevel {
  region: string;
  industry: string;
  period: string;
}

export function isoIn(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

export function productJson(id: string, provider: string, version = '1.0.0') {
  return {
    id,
    version,
    title: `Electricity economic indices (${id})`,
    description: 'Monthly consumption indices by region and industry',
    provider,
    keywords: ['electricity', 'economy'],
    themes: ['energy'],
    accrualPeriodicity: 'monthly',
    graphqlCoordinates: ['Query.electricityIndices'],
    distributions: [{ mediaType: 'text/csv' }],
    offers: [{ id: 'standard', title: 'Macro-economic monitoring', policy: basicPolicy(id) }],
  };
}

export function basicPolicy(target: string, constraints: unknown[] = [], extra: Record<string, unknown> = {}) {
  return {
    target,
    permissions: [
      {
        action: 'use',
        constraints: [{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['macro-economic-monitoring'] }, ...constraints],
      },
    ],
    ...extra,
  };
}

export function domesticTerms(consumerJurisdiction = 'CN-GD') {
  return {
    providerJurisdiction: 'CN-GD',
    consumerJurisdiction,
    personalInformation: false,
    transferMechanism: 'exempt',
    onwardTransferScope: 'none',
  };
}

export async function publishProduct(ledger: Ledger, provider = 'operator'): Promise<string> {
  const id = unique('indices');
  await submit(ledger, { identity: provider, fn: 'Catalog:Publish', args: [productJson(id, org(provider).orgId)] });
  return id;
}

/** Both parties' MSPs: agreement keys carry a key-level endorsement policy naming them. */
export function bothParties(provider: string, consumer: string): string[] {
  return [org(provider).mspId, org(consumer).mspId];
}

/** Request -> offer -> accept -> agree -> verify -> finalize. */
export async function finalizedAgreement(
  ledger: Ledger,
  options: { productId: string; policy: unknown; crossBorder?: unknown; provider?: string; consumer?: string },
): Promise<string> {
  const provider = options.provider ?? 'operator';
  const consumer = options.consumer ?? 'agency';
  const id = unique('agr');
  const proposal = { id, dataProductId: options.productId, policy: options.policy, crossBorder: options.crossBorder ?? domesticTerms(org(consumer).jurisdiction) };
  await negotiateAgreement(ledger, { provider: org(provider), consumer: org(consumer), proposal });
  return id;
}

export function receipt(agreementId: string, dataProductId: string, releasedAt = new Date().toISOString()) {
  return { id: unique('rcpt'), agreementId, dataProductId, queryHash: randomBytes(32).toString('hex'), rows: 12, releasedAt };
}
