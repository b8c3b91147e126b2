// The usual negotiation of an agreement, driven through the Ledger port: request, offer, accept,
// agree, verify, finalize — each step by the party the state machine of @gridspace/schemas names,
// every step after the first endorsed by both parties (agreement keys carry both MSPs).
import { AGREEMENT_TRANSITIONS, standardCrossBorderTerms, type AgreementAction, type AgreementState, type CrossBorderTerms, type Transition } from '@gridspace/schemas';
import { DEV_ORGS, type DevOrg } from './identity/dev-orgs.js';
import { LedgerError, type Ledger } from './port.js';

const USUAL_ACTIONS: readonly AgreementAction[] = ['request', 'offer', 'accept', 'agree', 'verify', 'finalize'];

/** The usual path as transitions of the state machine, from no agreement to FINALIZED. */
export const NEGOTIATION_PATH: readonly Transition[] = USUAL_ACTIONS.reduce<Transition[]>((path, action) => {
  const from = path.at(-1)?.to ?? null;
  const transition = AGREEMENT_TRANSITIONS.find((t) => t.from === from && t.action === action);
  if (!transition) throw new Error(`the agreement state machine has no ${action} from ${from ?? 'no agreement'}`);
  return [...path, transition];
}, []);

/** The Agreements contract's transaction function for an action, e.g. `Agreements:Finalize`. */
export const agreementFunction = (action: AgreementAction) => `Agreements:${action[0]!.toUpperCase()}${action.slice(1)}`;

/** Filing references of the demo network's GBA standard contracts (Guangdong to Hong Kong, to Macao). */
const DEV_FILING_REFERENCES: Readonly<Record<string, string>> = { HK: 'GBA-HK-2026-0042', MO: 'GBA-MO-2026-0007' };

/** The cross-border terms a demo agreement of gd-grid (CN-GD) with the dev org `consumerOrgId` proposes. */
export function devCrossBorderTerms(consumerOrgId: string): CrossBorderTerms {
  const consumer = DEV_ORGS.find((o) => o.orgId === consumerOrgId);
  if (!consumer) throw new Error(`no dev org ${consumerOrgId}`);
  return standardCrossBorderTerms({ providerJurisdiction: 'CN-GD', consumerJurisdiction: consumer.jurisdiction, filingReference: DEV_FILING_REFERENCES[consumer.jurisdiction] });
}

export interface NegotiationOptions {
  provider: DevOrg;
  consumer: DevOrg;
  /** The proposal (an AgreementProposal: id, dataProductId, policy, crossBorder, ...). */
  proposal: { id: string } & Record<string, unknown>;
  /** Where to stop. Default FINALIZED. */
  upTo?: AgreementState;
  /** Who opens: the consumer's request (default) or the provider's offer. */
  opensWith?: 'request' | 'offer';
}

/**
 * Takes the agreement from wherever it is now (nothing yet, or a state an earlier run reached) to
 * `upTo`, so a run cut short can be resumed. Returns the state it is in afterwards.
 */
export async function negotiateAgreement(ledger: Ledger, options: NegotiationOptions): Promise<AgreementState> {
  const { provider, consumer, proposal } = options;
  const upTo = options.upTo ?? 'FINALIZED';
  const endorsingOrgs = [provider.mspId, consumer.mspId];
  let state: AgreementState | undefined;
  try {
    const found = JSON.parse(await ledger.evaluate({ identity: provider.identity, fn: 'Agreements:Get', args: [proposal.id] })) as { agreement: { state: AgreementState } };
    state = found.agreement.state;
  } catch (error) {
    if (!(error instanceof LedgerError && error.code === 'NOT_FOUND')) throw error;
  }
  const reached = (s: AgreementState | undefined) => (s === undefined ? -1 : NEGOTIATION_PATH.findIndex((t) => t.to === s));
  const path = options.opensWith === 'offer' ? NEGOTIATION_PATH.slice(1) : NEGOTIATION_PATH;
  for (const step of path) {
    if (state === upTo || state === 'TERMINATED' || reached(upTo) < reached(step.to)) break;
    if (reached(step.to) <= reached(state)) continue;
    const opening = step.action === 'request' || step.action === 'offer';
    await ledger.submit({
      identity: step.by.includes('provider') ? provider.identity : consumer.identity,
      fn: agreementFunction(step.action),
      args: [opening ? JSON.stringify(proposal) : proposal.id],
      // The creating transaction has no agreement key yet, so no key-level policy to satisfy.
      endorsingOrgs: state === undefined ? undefined : endorsingOrgs,
    });
    state = step.to;
  }
  return state ?? upTo;
}
