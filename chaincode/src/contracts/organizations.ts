// Organizations: org records (MSP ID, type, jurisdiction) and enterprise prefix -> owning org,
// maintained by the operator org. The operator is whoever calls Bootstrap first (once).
import { organizationValidator, prefixAssignmentValidator, PREFIX_SCHEMA, type Organization, type PrefixAssignment } from '@gridspace/schemas';
import { Context, Contract, Info, Returns, Transaction } from '../lib/fabric.js';
import { callerMsp, getOperator, getOrg, prefixOwner, requireOperator, type OperatorConfig } from '../lib/access.js';
import { conflict, forbidden, invalid, notFound } from '../lib/errors.js';
import { KEY, result, TxState } from '../lib/state.js';

export interface OrganizationRecord extends Organization {
  registeredAt: string;
  updatedAt: string;
}

const PREFIX_PATTERN = new RegExp(PREFIX_SCHEMA.pattern);

@Info({ title: 'Organizations', description: 'Organizations of the network and their enterprise prefixes' })
export class OrganizationsContract extends Contract {
  constructor() {
    super('Organizations');
  }

  /** One-time: the caller's org becomes the operator org. The org record's mspId must be the caller's. */
  @Transaction()
  @Returns('string')
  async Bootstrap(ctx: Context, organizationJson: string): Promise<string> {
    const state = new TxState(ctx);
    const org = organizationValidator.parse(organizationJson, 'organization');
    if (await getOperator(state)) throw conflict('the network already has an operator org');
    const msp = callerMsp(state);
    if (org.mspId !== msp) throw forbidden(`the operator org must be the caller's own org (caller MSP ${msp}, record says ${org.mspId})`);
    if (org.type !== 'grid-operator') throw invalid('organization.type', 'must be grid-operator for the operator org');
    const now = state.now();
    const operator: OperatorConfig = { mspId: msp, orgId: org.id, bootstrappedAt: now };
    await state.putJson(KEY.config, ['operator'], operator);
    const record = await writeOrg(state, org, now, now);
    state.emit('OrganizationBootstrapped', { operator, organization: record });
    return result(record);
  }

  @Transaction()
  @Returns('string')
  async Register(ctx: Context, organizationJson: string): Promise<string> {
    const state = new TxState(ctx);
    await requireOperator(state);
    const org = organizationValidator.parse(organizationJson, 'organization');
    if (await state.exists(KEY.org, [org.id])) throw conflict(`organization ${org.id} is already registered`);
    const mspOwner = await state.getJson<{ orgId: string }>(KEY.orgByMsp, [org.mspId]);
    if (mspOwner) throw conflict(`MSP ${org.mspId} already belongs to organization ${mspOwner.orgId}`);
    const now = state.now();
    const record = await writeOrg(state, org, now, now);
    state.emit('OrganizationRegistered', { organization: record });
    return result(record);
  }

  /** Replaces name, type, jurisdiction or MSP ID of a registered org. */
  @Transaction()
  @Returns('string')
  async Update(ctx: Context, organizationJson: string): Promise<string> {
    const state = new TxState(ctx);
    const operator = await requireOperator(state);
    const org = organizationValidator.parse(organizationJson, 'organization');
    const existing = await state.getJson<OrganizationRecord>(KEY.org, [org.id]);
    if (!existing) throw notFound(`organization ${org.id}`);
    if (org.mspId !== existing.mspId) {
      if (existing.id === operator.orgId) throw conflict('the operator org cannot change its MSP ID');
      const mspOwner = await state.getJson<{ orgId: string }>(KEY.orgByMsp, [org.mspId]);
      if (mspOwner) throw conflict(`MSP ${org.mspId} already belongs to organization ${mspOwner.orgId}`);
      await state.delete(KEY.orgByMsp, [existing.mspId]);
    }
    const record = await writeOrg(state, org, existing.registeredAt, state.now());
    state.emit('OrganizationUpdated', { organization: record });
    return result(record);
  }

  /** Assigns an enterprise prefix (e.g. `88.188.1001`) to the org that owns it. */
  @Transaction()
  @Returns('string')
  async AssignPrefix(ctx: Context, prefix: string, orgId: string): Promise<string> {
    const state = new TxState(ctx);
    await requireOperator(state);
    const assignment = prefixAssignmentValidator.assert({ prefix, orgId }, 'assignment');
    await getOrg(state, orgId);
    const existing = await state.getJson<PrefixAssignment>(KEY.prefix, [prefix]);
    if (existing) throw conflict(`prefix ${prefix} is already assigned to ${existing.orgId}`);
    const record = { ...assignment, assignedAt: state.now() };
    await state.putJson(KEY.prefix, [prefix], record);
    state.emit('PrefixAssigned', record);
    return result(record);
  }

  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, orgId: string): Promise<string> {
    return result(await getOrg(new TxState(ctx), orgId));
  }

  @Transaction(false)
  @Returns('string')
  async GetByMsp(ctx: Context, mspId: string): Promise<string> {
    const state = new TxState(ctx);
    const index = await state.getJson<{ orgId: string }>(KEY.orgByMsp, [mspId]);
    if (!index) throw notFound(`organization with MSP ${mspId}`);
    return result(await getOrg(state, index.orgId));
  }

  @Transaction(false)
  @Returns('string')
  async List(ctx: Context): Promise<string> {
    return result(await new TxState(ctx).listJson<OrganizationRecord>(KEY.org, []));
  }

  @Transaction(false)
  @Returns('string')
  async GetOperator(ctx: Context): Promise<string> {
    const operator = await getOperator(new TxState(ctx));
    if (!operator) throw notFound('operator org (the network is not bootstrapped)');
    return result(operator);
  }

  /** The assignment of the most specific registered prefix covering `prefix` (or an identifier's prefix). */
  @Transaction(false)
  @Returns('string')
  async GetPrefix(ctx: Context, prefix: string): Promise<string> {
    const bare = prefix.includes('/') ? prefix.slice(0, prefix.indexOf('/')) : prefix;
    if (!PREFIX_PATTERN.test(bare)) throw invalid('prefix', PREFIX_SCHEMA.errorRule);
    const assignment = await prefixOwner(new TxState(ctx), bare);
    if (!assignment) throw notFound(`an owner of prefix ${bare}`);
    return result(assignment);
  }
}

async function writeOrg(state: TxState, org: Organization, registeredAt: string, updatedAt: string): Promise<OrganizationRecord> {
  const record: OrganizationRecord = { ...org, registeredAt, updatedAt };
  await state.putJson(KEY.org, [org.id], record);
  await state.putJson(KEY.orgByMsp, [org.mspId], { orgId: org.id });
  return record;
}
