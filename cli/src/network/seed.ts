// Demo data of a fresh network, seeded once. Every step first looks whether its result is
// already there, so a start that crashed half-way through seeding simply finishes the job; a
// marker file records that seeding completed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_ORGS, LedgerError, negotiateAgreement, registerDevOrganizations, type Ledger } from '@gridspace/ledger';
import type { ResolverNode } from '@gridspace/identity-resolver';
import type { PartnerRegistry } from '@gridspace/partners';
import { generateDataset, importCustomers, importReadings, type Store } from '@gridspace/data-products';
import type { DemoSize } from './config.js';
import { INDICES_PRODUCT, TRANSFORMER_TEMPLATE, agreementPlans, catalogEntry, demoSerial, traceEvents, type AgreementPlan } from './demo.js';

export interface SeedMarker {
  seededAt: string;
  identifiers: number;
  agreements: Record<string, string>;
  readings: number;
}

const markerPath = (dataDir: string) => join(dataDir, 'seeded.json');

export function readSeedMarker(dataDir: string): SeedMarker | undefined {
  return existsSync(markerPath(dataDir)) ? (JSON.parse(readFileSync(markerPath(dataDir), 'utf8')) as SeedMarker) : undefined;
}

const devOrg = (orgId: string) => {
  const org = DEV_ORGS.find((o) => o.orgId === orgId);
  if (!org) throw new Error(`no demo org ${orgId}`);
  return org;
};

/** Runs a ledger transaction; a CONFLICT (already done) is success. */
async function once(ledger: Ledger, identity: string, fn: string, args: unknown[], endorsingOrgs?: string[]): Promise<boolean> {
  try {
    await ledger.submit({ identity, fn, args: args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))), endorsingOrgs });
    return true;
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'CONFLICT') return false;
    throw error;
  }
}

/** The organizations (the grid operator first, as operator) and their enterprise prefixes. */
export async function seedOrganizations(ledger: Ledger, registry: PartnerRegistry): Promise<number> {
  const registered = await registerDevOrganizations(ledger);
  for (const org of registry.orgs) {
    for (const prefix of org.prefixes) {
      const assigned = JSON.parse(await ledger.evaluate({ identity: 'operator', fn: 'Organizations:GetPrefix', args: [prefix] }).catch(() => 'null')) as { orgId?: string; prefix?: string } | null;
      if (assigned?.prefix !== prefix) await once(ledger, 'operator', 'Organizations:AssignPrefix', [prefix, org.id]);
    }
  }
  return registered;
}

/** Takes one planned agreement from wherever it is now to its planned state. */
async function negotiate(ledger: Ledger, plan: AgreementPlan): Promise<void> {
  const provider = devOrg('gd-grid');
  const consumer = devOrg(plan.consumer);
  const target = plan.state === 'TERMINATED' ? 'FINALIZED' : plan.state;
  const state = await negotiateAgreement(ledger, { provider, consumer, proposal: plan.proposal, upTo: target, opensWith: plan.startsWith });
  if (plan.state === 'TERMINATED' && state === 'FINALIZED') {
    await ledger.submit({ identity: provider.identity, fn: 'Agreements:Terminate', args: [plan.proposal.id, plan.terminationReason ?? 'revoked by the provider'], endorsingOrgs: [provider.mspId, consumer.mspId] });
  }
}

async function seedLedger(ledger: Ledger, log: (line: string) => void): Promise<Record<string, string>> {
  await once(ledger, 'operator', 'Catalog:Publish', [catalogEntry()]);
  const agreements: Record<string, string> = {};
  for (const plan of agreementPlans(new Date())) {
    await negotiate(ledger, plan);
    agreements[plan.consumer] = plan.proposal.id;
    log(`agreement ${plan.proposal.id}: ${plan.consumer} ${plan.state}`);
  }
  return agreements;
}

async function seedIdentifiers(resolver: ResolverNode, count: number, log: (line: string) => void): Promise<void> {
  const operator = { kind: 'partner' as const, orgId: 'gd-grid' };
  if (!(await resolver.service.getTemplate(TRANSFORMER_TEMPLATE.id))) await resolver.service.createTemplate(operator, TRANSFORMER_TEMPLATE);
  const prefix = '88.188.1001';
  const row = await resolver.service.getPrefix(prefix);
  if (row && row.defaultTemplate !== TRANSFORMER_TEMPLATE.id) await resolver.service.updatePrefix(operator, prefix, { defaultTemplate: TRANSFORMER_TEMPLATE.id });
  if (await resolver.service.store.getRecord(`${prefix}/${demoSerial(1)}`)) return;
  const identifiers = Array.from({ length: count }, (_, i) => ({ handle: `${prefix}/${demoSerial(i + 1)}`, items: demoItems(i + 1) }));
  const batch = await resolver.service.registerBatch({ kind: 'partner', orgId: 'tx-maker' }, { template: TRANSFORMER_TEMPLATE.id, identifiers });
  log(`registered ${batch.count} demo identifiers ${identifiers[0]!.handle} .. ${identifiers.at(-1)!.handle} (batch ${batch.batchId})`);
}

/** Template items of the n-th demo transformer. */
export function demoItems(n: number): Record<string, unknown> {
  const models = ['S13-M-400/10', 'S13-M-630/10', 'S13-M-1000/10', 'SCB13-1250/10'];
  const kva = [400, 630, 1000, 1250];
  const day = 1 + (n % 28);
  return {
    model: models[n % 4],
    ratedKva: kva[n % 4],
    productionDate: `2026-01-${String(day).padStart(2, '0')}`,
    testCertificateSha256: createHashHex(`type-test-certificate-${n}`),
  };
}

function createHashHex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function seedTrace(ledger: Ledger, log: (line: string) => void): Promise<void> {
  for (const { identity, handle, event } of traceEvents(new Date())) {
    const existing = JSON.parse(await ledger.evaluate({ identity: 'operator', fn: 'Traceability:EventsOf', args: [handle] })) as Array<{ bizStep?: string }>;
    if (existing.some((e) => e.bizStep === event.bizStep)) continue;
    await ledger.submit({ identity, fn: 'Traceability:RecordEvent', args: [JSON.stringify(event)] });
    log(`trace event ${event.bizStep} of ${handle} by ${identity}`);
  }
}

async function seedReadings(store: Store, dataDir: string, demo: DemoSize, log: (line: string) => void): Promise<number> {
  const imported = (await store.dataSource.query('SELECT COUNT(*) AS n FROM import_record')) as Array<{ n: number | string }>;
  if (Number(imported[0]?.n ?? 0) >= 2) return 0;
  const started = Date.now();
  log(`generating ${demo.customers} customers x ${demo.days} days of synthetic readings from ${demo.start} ...`);
  const files = generateDataset({ customers: demo.customers, days: demo.days, start: demo.start, seed: 20260101, outDir: join(dataDir, 'generated') });
  log(`importing ${files.readings} readings ...`);
  await importCustomers(store, files.customersCsv);
  const report = await importReadings(store, files.readingsCsv);
  log(`imported ${report.rows} readings in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return report.rows;
}

export interface SeedTargets {
  dataDir: string;
  ledger: Ledger;
  resolver: ResolverNode;
  store: Store;
  demo: DemoSize;
  log: (line: string) => void;
}

/** Seeds the demo data unless a previous start did; returns what the marker records. */
export async function seedDemo(targets: SeedTargets): Promise<{ seededNow: boolean; marker: SeedMarker }> {
  const existing = readSeedMarker(targets.dataDir);
  if (existing) return { seededNow: false, marker: existing };
  const { ledger, log } = targets;
  log('seeding demo data (first start) ...');
  await seedIdentifiers(targets.resolver, targets.demo.identifiers, log);
  await seedTrace(ledger, log);
  const agreements = await seedLedger(ledger, log);
  const readings = await seedReadings(targets.store, targets.dataDir, targets.demo, log);
  const marker: SeedMarker = { seededAt: new Date().toISOString(), identifiers: targets.demo.identifiers, agreements, readings };
  writeFileSync(markerPath(targets.dataDir), JSON.stringify(marker, null, 2));
  return { seededNow: true, marker };
}

export { INDICES_PRODUCT };
