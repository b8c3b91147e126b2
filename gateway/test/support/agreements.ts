// Agreements on the test ledger, negotiated with the ledger's negotiateAgreement.
import { DEV_ORGS, devCrossBorderTerms, negotiateAgreement, type Ledger } from '@gridspace/ledger';
import type { AgreementState } from '@gridspace/schemas';

const orgOf = (orgId: string) => {
  const org = DEV_ORGS.find((o) => o.orgId === orgId);
  if (!org) throw new Error(`no dev org ${orgId}`);
  return org;
};

export function policy(target: string, constraints: unknown[] = [], purposes = ['macro-economic-monitoring']) {
  return { target, permissions: [{ action: 'use', constraints: [{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: purposes }, ...constraints] }] };
}

let counter = 0;

/** Negotiates an agreement between gd-grid (provider) and `consumer` up to `state`; returns its id. */
export async function negotiate(
  ledger: Ledger,
  options: { consumer: string; dataProductId: string; policy: unknown; upTo?: AgreementState; provider?: string },
): Promise<string> {
  const provider = orgOf(options.provider ?? 'gd-grid');
  const consumer = orgOf(options.consumer);
  const id = `agr-${options.consumer}-${++counter}-${Date.now().toString(36)}`;
  const proposal = { id, dataProductId: options.dataProductId, policy: options.policy, crossBorder: devCrossBorderTerms(options.consumer) };
  await negotiateAgreement(ledger, { provider, consumer, proposal, upTo: options.upTo });
  return id;
}

export async function terminate(ledger: Ledger, agreementId: string, reason: string) {
  const provider = orgOf('gd-grid');
  const found = JSON.parse(await ledger.evaluate({ identity: provider.identity, fn: 'Agreements:Get', args: [agreementId] })) as { agreement: { consumerMspId: string } };
  return ledger.submit({ identity: provider.identity, fn: 'Agreements:Terminate', args: [agreementId, reason], endorsingOrgs: [provider.mspId, found.agreement.consumerMspId] });
}
