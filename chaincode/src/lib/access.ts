// Who is calling: the creator's MSP ID, mapped to a registered organization; the operator org.
import { prefixAncestry, type Organization, type PrefixAssignment } from '@gridspace/schemas';
import { forbidden, notFound } from './errors.js';
import { KEY, type TxState } from './state.js';

export interface OperatorConfig {
  mspId: string;
  orgId: string;
  bootstrappedAt: string;
}

export function callerMsp(state: TxState): string {
  return state.ctx.clientIdentity.getMSPID();
}

export async function getOperator(state: TxState): Promise<OperatorConfig | undefined> {
  return state.getJson<OperatorConfig>(KEY.config, ['operator']);
}

/** The operator org's config; FORBIDDEN unless the caller belongs to it. */
export async function requireOperator(state: TxState): Promise<OperatorConfig> {
  const operator = await getOperator(state);
  if (!operator) throw forbidden('the network has no operator yet: the operator org must call Organizations:Bootstrap first');
  const msp = callerMsp(state);
  if (msp !== operator.mspId) throw forbidden(`only the operator org (${operator.mspId}) may do this; the caller is ${msp}`);
  return operator;
}

export async function orgByMsp(state: TxState, mspId: string): Promise<Organization | undefined> {
  const index = await state.getJson<{ orgId: string }>(KEY.orgByMsp, [mspId]);
  return index === undefined ? undefined : state.getJson<Organization>(KEY.org, [index.orgId]);
}

/** The caller's registered organization; FORBIDDEN when its MSP is not registered. */
export async function callerOrg(state: TxState): Promise<Organization> {
  const msp = callerMsp(state);
  const org = await orgByMsp(state, msp);
  if (!org) throw forbidden(`MSP ${msp} is not a registered organization; ask the operator to register it`);
  return org;
}

export async function getOrg(state: TxState, orgId: string): Promise<Organization> {
  const org = await state.getJson<Organization>(KEY.org, [orgId]);
  if (!org) throw notFound(`organization ${orgId}`);
  return org;
}

/** The assignment of the most specific registered prefix covering `prefix`, if any. */
export async function prefixOwner(state: TxState, prefix: string): Promise<PrefixAssignment | undefined> {
  for (const candidate of prefixAncestry(prefix)) {
    const assignment = await state.getJson<PrefixAssignment>(KEY.prefix, [candidate]);
    if (assignment) return assignment;
  }
  return undefined;
}
