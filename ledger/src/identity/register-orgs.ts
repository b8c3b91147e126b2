// Puts the demo organizations on a ledger: the grid operator bootstraps the network as its
// operator org, then registers the others. Idempotent (what is registered already is left alone),
// so it serves a fresh embedded ledger and a long-lived Fabric network alike.
import { LedgerError, type Ledger } from '../port.js';
import { DEV_ORGS, type DevOrg } from './dev-orgs.js';

/** The organization record the Organizations contract takes. */
export function organizationRecord(org: DevOrg): { id: string; name: string; mspId: string; type: string; jurisdiction: string } {
  return { id: org.orgId, name: org.name, mspId: org.mspId, type: org.type, jurisdiction: org.jurisdiction };
}

async function isRegistered(ledger: Ledger, org: DevOrg, operator: DevOrg): Promise<boolean> {
  const [fn, args] = org === operator ? ['Organizations:GetOperator', []] : ['Organizations:Get', [org.orgId]];
  try {
    await ledger.evaluate({ identity: operator.identity, fn, args });
    return true;
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'NOT_FOUND') return false;
    throw error;
  }
}

/** Registers `orgs` (default: the demo orgs); returns how many were registered now. */
export async function registerDevOrganizations(ledger: Ledger, orgs: readonly DevOrg[] = DEV_ORGS): Promise<number> {
  const operator = orgs.find((org) => org.type === 'grid-operator');
  if (!operator) throw new Error('orgs: must include the grid operator, which bootstraps the network');
  let registered = 0;
  for (const org of [operator, ...orgs.filter((o) => o !== operator)]) {
    if (await isRegistered(ledger, org, operator)) continue;
    const fn = org === operator ? 'Organizations:Bootstrap' : 'Organizations:Register';
    try {
      await ledger.submit({ identity: operator.identity, fn, args: [JSON.stringify(organizationRecord(org))] });
      registered++;
    } catch (error) {
      // Another client registered it meanwhile.
      if (!(error instanceof LedgerError && error.code === 'CONFLICT')) throw error;
    }
  }
  return registered;
}
