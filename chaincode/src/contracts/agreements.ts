// Agreements: the Dataspace Protocol negotiation (REQUESTED ... FINALIZED, TERMINATED), each
// transition taken only by the party the shared transition table allows, decided by the creator's
// MSP ID; termination of a FINALIZED agreement by either side; expiry by its dateTime terms.
import {
  agreementProposalValidator,
  checkTransition,
  evaluatePolicy,
  mostTellingRefusal,
  policyExpiry,
  policyRequestValidator,
  type Agreement,
  type AgreementAction,
  type AgreementProposal,
  type AgreementState,
  type Organization,
  type Party,
  type PeriodLevel,
  type PolicyDecision,
  type Refused,
} from '@gridspace/schemas';
import { Context, Contract, Info, KeyEndorsementPolicy, Returns, Transaction } from '../lib/fabric.js';
import { callerOrg, getOrg } from '../lib/access.js';
import { conflict, forbidden, invalid, notFound } from '../lib/errors.js';
import { KEY, result, TxState } from '../lib/state.js';
import { usageSoFar } from '../lib/usage-keys.js';
import { getProduct } from './catalog.js';

const EVENT_OF_ACTION: Record<AgreementAction, string> = {
  request: 'AgreementRequested',
  offer: 'AgreementOffered',
  accept: 'AgreementAccepted',
  agree: 'AgreementAgreed',
  verify: 'AgreementVerified',
  finalize: 'AgreementFinalized',
  terminate: 'AgreementTerminated',
  expire: 'AgreementExpired',
};

export async function getAgreement(state: TxState, agreementId: string): Promise<Agreement> {
  const agreement = await state.getJson<Agreement>(KEY.agreement, [agreementId]);
  if (!agreement) throw notFound(`agreement ${agreementId}`);
  return agreement;
}

/** Which side of the agreement the caller's org is on; FORBIDDEN for a third party. */
function partyOf(agreement: Agreement, org: Organization): Party {
  if (org.id === agreement.provider && org.mspId === agreement.providerMspId) return 'provider';
  if (org.id === agreement.consumer && org.mspId === agreement.consumerMspId) return 'consumer';
  throw forbidden(`${org.id} is not a party to agreement ${agreement.id} (provider ${agreement.provider}, consumer ${agreement.consumer})`);
}

function requireTransition(agreement: Agreement | undefined, action: AgreementAction, party: Party): AgreementState {
  const check = checkTransition(agreement?.state ?? null, action, party);
  if (!check.allowed) {
    const message = agreement ? `agreement ${agreement.id}: ${check.reason}` : check.reason;
    throw check.code === 'FORBIDDEN' ? forbidden(message) : conflict(message);
  }
  return check.transition.to;
}

@Info({ title: 'Agreements', description: 'Data-sharing agreements negotiated after the Dataspace Protocol' })
export class AgreementsContract extends Contract {
  constructor() {
    super('Agreements');
  }

  /** Consumer: starts a negotiation, or counters an OFFERED agreement with a new policy. */
  @Transaction()
  @Returns('string')
  async Request(ctx: Context, proposalJson: string): Promise<string> {
    return this.propose(new TxState(ctx), proposalJson, 'request');
  }

  /** Provider: makes the first offer to a consumer, or counters a REQUESTED agreement. */
  @Transaction()
  @Returns('string')
  async Offer(ctx: Context, proposalJson: string): Promise<string> {
    return this.propose(new TxState(ctx), proposalJson, 'offer');
  }

  @Transaction()
  @Returns('string')
  async Accept(ctx: Context, agreementId: string): Promise<string> {
    return this.step(new TxState(ctx), agreementId, 'accept');
  }

  @Transaction()
  @Returns('string')
  async Agree(ctx: Context, agreementId: string): Promise<string> {
    return this.step(new TxState(ctx), agreementId, 'agree');
  }

  @Transaction()
  @Returns('string')
  async Verify(ctx: Context, agreementId: string): Promise<string> {
    return this.step(new TxState(ctx), agreementId, 'verify');
  }

  @Transaction()
  @Returns('string')
  async Finalize(ctx: Context, agreementId: string): Promise<string> {
    return this.step(new TxState(ctx), agreementId, 'finalize');
  }

  /** Either party: ends a negotiation, or a FINALIZED agreement (provider: revoke; consumer: renounce). */
  @Transaction()
  @Returns('string')
  async Terminate(ctx: Context, agreementId: string, reason: string): Promise<string> {
    if (reason.trim() === '') throw invalid('reason', 'must not be empty');
    if (reason.length > 1000) throw invalid('reason', 'must be at most 1000 characters');
    return this.step(new TxState(ctx), agreementId, 'terminate', reason);
  }

  /** Either party: records that a FINALIZED agreement's validity window has ended. */
  @Transaction()
  @Returns('string')
  async Expire(ctx: Context, agreementId: string): Promise<string> {
    return this.step(new TxState(ctx), agreementId, 'expire');
  }

  /** The agreement and its full history (every committed revision, oldest first). */
  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, agreementId: string): Promise<string> {
    const state = new TxState(ctx);
    const agreement = await getAgreement(state, agreementId);
    const history = (await state.history<Agreement>(KEY.agreement, [agreementId]))
      .filter((h) => h.value)
      .sort((a, b) => a.value!.revision - b.value!.revision)
      .map((h) => ({ txId: h.txId, timestamp: h.timestamp, revision: h.value!.revision, state: h.value!.state, action: h.value!.lastAction.action, by: h.value!.lastAction.by }));
    return result({ agreement, history });
  }

  @Transaction(false)
  @Returns('string')
  async ByProvider(ctx: Context, providerOrgId: string): Promise<string> {
    return result(await listByIndex(new TxState(ctx), KEY.agreementByProvider, providerOrgId));
  }

  @Transaction(false)
  @Returns('string')
  async ByConsumer(ctx: Context, consumerOrgId: string): Promise<string> {
    return result(await listByIndex(new TxState(ctx), KEY.agreementByConsumer, consumerOrgId));
  }

  @Transaction(false)
  @Returns('string')
  async ByProduct(ctx: Context, dataProductId: string): Promise<string> {
    return result(await listByIndex(new TxState(ctx), KEY.agreementByProduct, dataProductId));
  }

  /**
   * The active agreement admitting a request (consumer, data product, purpose, jurisdiction,
   * aggregation; time defaults to the transaction time), with usage so far counted from the
   * ledger's receipts. Returns evaluatePolicy's decision, plus the agreement when admitted.
   */
  @Transaction(false)
  @Returns('string')
  async FindActive(ctx: Context, requestJson: string): Promise<string> {
    const state = new TxState(ctx);
    const input = policyRequestValidator.parse(requestJson, 'request');
    if (input.dataProductId === undefined) throw invalid('request.dataProductId', 'is required');
    const time = input.time ?? state.now();
    const candidates = (await listByIndex(state, KEY.agreementByConsumer, input.consumer)).filter((a) => a.dataProductId === input.dataProductId);
    const decisions: Array<{ agreement: Agreement; decision: PolicyDecision }> = [];
    for (const agreement of candidates) {
      const periods = agreement.policy.permissions.flatMap((p) => p.constraints.flatMap((c) => (c.leftOperand === 'count' ? [c.period as PeriodLevel] : [])));
      const usage = await usageSoFar(state, agreement.id, time, periods);
      decisions.push({ agreement, decision: evaluatePolicy(agreement, { ...input, time, usage }) });
    }
    const admitted = decisions.find((d) => d.decision.admitted);
    if (admitted) return result({ ...admitted.decision, agreement: admitted.agreement });
    const refusal = mostTellingRefusal(decisions.map((d) => d.decision).filter((d): d is Refused => !d.admitted));
    return result(
      refusal ?? {
        admitted: false,
        code: 'NO_AGREEMENT',
        reason: `${input.consumer} has no agreement for data product ${input.dataProductId}; request one from its provider`,
      },
    );
  }

  private async propose(state: TxState, proposalJson: string, action: 'request' | 'offer'): Promise<string> {
    const proposal: AgreementProposal = agreementProposalValidator.parse(proposalJson, 'proposal');
    const caller = await callerOrg(state);
    const product = await getProduct(state, proposal.dataProductId);
    const existing = await state.getJson<Agreement>(KEY.agreement, [proposal.id]);
    const now = state.now();

    if (existing) {
      const party = partyOf(existing, caller);
      const to = requireTransition(existing, action, party);
      if (existing.dataProductId !== proposal.dataProductId) throw invalid('proposal.dataProductId', `must stay ${existing.dataProductId}`);
      if (proposal.consumer !== undefined && proposal.consumer !== existing.consumer) throw invalid('proposal.consumer', `must stay ${existing.consumer}`);
      checkTermsAgainstParties(proposal, existing.provider, existing.consumer, await getOrg(state, existing.provider), await getOrg(state, existing.consumer));
      const agreement: Agreement = {
        ...existing,
        state: to,
        policy: proposal.policy,
        crossBorder: proposal.crossBorder,
        ...(proposal.offerId !== undefined ? { offerId: proposal.offerId } : {}),
        updatedAt: now,
        revision: existing.revision + 1,
        lastAction: { action, by: party, at: now },
      };
      return this.save(state, agreement, action);
    }

    if (product.status !== 'published') throw conflict(`data product ${product.id} is ${product.status}; no new negotiations`);
    if (proposal.offerId !== undefined && !product.offers.some((o) => o.id === proposal.offerId)) {
      throw notFound(`offer ${proposal.offerId} of data product ${product.id}`);
    }
    let provider: Organization;
    let consumer: Organization;
    if (action === 'request') {
      if (caller.id === product.provider) throw forbidden(`only a consumer may request an agreement; ${caller.id} provides ${product.id}`);
      if (proposal.consumer !== undefined && proposal.consumer !== caller.id) throw forbidden(`${caller.id} cannot request an agreement for ${proposal.consumer}`);
      provider = await getOrg(state, product.provider);
      consumer = caller;
    } else {
      if (caller.id !== product.provider) throw forbidden(`only the provider ${product.provider} may offer ${product.id}; the caller is ${caller.id}`);
      if (proposal.consumer === undefined) throw invalid('proposal.consumer', 'is required when the provider makes the first offer');
      if (proposal.consumer === caller.id) throw invalid('proposal.consumer', 'must be another org than the provider');
      provider = caller;
      consumer = await getOrg(state, proposal.consumer);
    }
    const to = requireTransition(undefined, action, action === 'request' ? 'consumer' : 'provider');
    checkTermsAgainstParties(proposal, provider.id, consumer.id, provider, consumer);
    const agreement: Agreement = {
      id: proposal.id,
      dataProductId: product.id,
      ...(proposal.offerId !== undefined ? { offerId: proposal.offerId } : {}),
      provider: provider.id,
      consumer: consumer.id,
      providerMspId: provider.mspId,
      consumerMspId: consumer.mspId,
      state: to,
      policy: proposal.policy,
      crossBorder: proposal.crossBorder,
      createdAt: now,
      updatedAt: now,
      revision: 1,
      lastAction: { action, by: action === 'request' ? 'consumer' : 'provider', at: now },
    };
    await state.putIndex(KEY.agreementByProvider, [agreement.provider, agreement.id]);
    await state.putIndex(KEY.agreementByConsumer, [agreement.consumer, agreement.id]);
    await state.putIndex(KEY.agreementByProduct, [agreement.dataProductId, agreement.id]);
    const result = await this.save(state, agreement, action);
    // State-based endorsement: from now on, changes to this agreement need both parties' peers.
    const endorsement = new KeyEndorsementPolicy();
    endorsement.addOrgs('MEMBER', ...new Set([agreement.providerMspId, agreement.consumerMspId]));
    await state.ctx.stub.setStateValidationParameter(state.key(KEY.agreement, [agreement.id]), endorsement.getPolicy());
    return result;
  }

  private async step(state: TxState, agreementId: string, action: AgreementAction, reason?: string): Promise<string> {
    const caller = await callerOrg(state);
    const existing = await getAgreement(state, agreementId);
    const party = partyOf(existing, caller);
    const to = requireTransition(existing, action, party);
    const now = state.now();
    const expiry = policyExpiry(existing.policy);
    if (action === 'finalize' && expiry !== undefined && now >= expiry) {
      throw conflict(`agreement ${agreementId} cannot be finalized: its validity window ended at ${expiry}`);
    }
    if (action === 'expire') {
      if (expiry === undefined) throw conflict(`agreement ${agreementId} has no end date and cannot expire; terminate it instead`);
      if (now < expiry) throw conflict(`agreement ${agreementId} is valid until ${expiry}; it cannot be expired before then`);
    }
    const agreement: Agreement = { ...existing, state: to, updatedAt: now, revision: existing.revision + 1, lastAction: { action, by: party, at: now } };
    if (action === 'finalize') agreement.finalizedAt = now;
    if (action === 'terminate' || action === 'expire') {
      const kind = action === 'expire' ? 'expired' : existing.state !== 'FINALIZED' ? 'terminated' : party === 'provider' ? 'revoked' : 'renounced';
      agreement.termination = { by: party, kind, reason: reason ?? `validity window ended at ${expiry}`, at: now };
    }
    return this.save(state, agreement, action);
  }

  private async save(state: TxState, agreement: Agreement, action: AgreementAction): Promise<string> {
    await state.putJson(KEY.agreement, [agreement.id], agreement);
    state.emit(EVENT_OF_ACTION[action], {
      agreementId: agreement.id,
      state: agreement.state,
      action,
      by: agreement.lastAction.by,
      provider: agreement.provider,
      consumer: agreement.consumer,
      dataProductId: agreement.dataProductId,
      revision: agreement.revision,
      at: agreement.updatedAt,
      ...(agreement.termination ? { termination: agreement.termination } : {}),
    });
    return result(agreement);
  }
}

/** The proposal's terms must name the real parties and their real jurisdictions. */
function checkTermsAgainstParties(proposal: AgreementProposal, providerId: string, consumerId: string, provider: Organization, consumer: Organization): void {
  if (proposal.policy.assigner !== undefined && proposal.policy.assigner !== providerId) throw invalid('proposal.policy.assigner', `must be the provider ${providerId}`);
  if (proposal.policy.assignee !== undefined && proposal.policy.assignee !== consumerId) throw invalid('proposal.policy.assignee', `must be the consumer ${consumerId}`);
  if (proposal.crossBorder.providerJurisdiction !== provider.jurisdiction) {
    throw invalid('proposal.crossBorder.providerJurisdiction', `must be the provider's jurisdiction ${provider.jurisdiction}`);
  }
  if (proposal.crossBorder.consumerJurisdiction !== consumer.jurisdiction) {
    throw invalid('proposal.crossBorder.consumerJurisdiction', `must be the consumer's jurisdiction ${consumer.jurisdiction}`);
  }
}

async function listByIndex(state: TxState, index: string, value: string): Promise<Agreement[]> {
  const agreements: Agreement[] = [];
  for (const attributes of await state.listKeys(index, [value])) {
    const agreement = await state.getJson<Agreement>(KEY.agreement, [attributes[1]!]);
    if (agreement) agreements.push(agreement);
  }
  return agreements;
}
