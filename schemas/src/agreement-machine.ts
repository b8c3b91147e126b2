// The agreement negotiation's state machine as data: states, actions, who may take each step.
// No dependencies, so the portal bundles it as the chaincode and the gateway use it.
export const AGREEMENT_STATES = ['REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED', 'FINALIZED', 'TERMINATED'] as const;
export type AgreementState = (typeof AGREEMENT_STATES)[number];

export type Party = 'provider' | 'consumer';
export const AGREEMENT_ACTIONS = ['request', 'offer', 'accept', 'agree', 'verify', 'finalize', 'terminate', 'expire'] as const;
export type AgreementAction = (typeof AGREEMENT_ACTIONS)[number];

export interface Transition {
  /** `null`: the action starts a new negotiation. */
  from: AgreementState | null;
  action: AgreementAction;
  to: AgreementState;
  /** Who may take the action. */
  by: readonly Party[];
}

const NEGOTIATING: readonly AgreementState[] = ['REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED'];

/**
 * The negotiation, after the Dataspace Protocol's contract negotiation state machine, plus
 * Gridspace's termination of a FINALIZED agreement (revoke by the provider, renounce by the
 * consumer) and its expiry by its own dateTime terms. Chaincode and gateway share this table.
 */
export const AGREEMENT_TRANSITIONS: readonly Transition[] = [
  { from: null, action: 'request', to: 'REQUESTED', by: ['consumer'] },
  { from: null, action: 'offer', to: 'OFFERED', by: ['provider'] },
  { from: 'REQUESTED', action: 'offer', to: 'OFFERED', by: ['provider'] },
  { from: 'REQUESTED', action: 'agree', to: 'AGREED', by: ['provider'] },
  { from: 'OFFERED', action: 'request', to: 'REQUESTED', by: ['consumer'] },
  { from: 'OFFERED', action: 'accept', to: 'ACCEPTED', by: ['consumer'] },
  { from: 'ACCEPTED', action: 'agree', to: 'AGREED', by: ['provider'] },
  { from: 'AGREED', action: 'verify', to: 'VERIFIED', by: ['consumer'] },
  { from: 'VERIFIED', action: 'finalize', to: 'FINALIZED', by: ['provider'] },
  ...NEGOTIATING.map((from) => ({ from, action: 'terminate' as const, to: 'TERMINATED' as const, by: ['provider', 'consumer'] as const })),
  { from: 'FINALIZED', action: 'terminate', to: 'TERMINATED', by: ['provider', 'consumer'] },
  { from: 'FINALIZED', action: 'expire', to: 'TERMINATED', by: ['provider', 'consumer'] },
];

export type TransitionCheck = { allowed: true; transition: Transition } | { allowed: false; code: 'CONFLICT' | 'FORBIDDEN'; reason: string };

/** May `party` take `action` on an agreement in state `from`? */
export function checkTransition(from: AgreementState | null, action: AgreementAction, party: Party): TransitionCheck {
  const transition = AGREEMENT_TRANSITIONS.find((t) => t.from === from && t.action === action);
  if (!transition) {
    const possible = AGREEMENT_TRANSITIONS.filter((t) => t.from === from).map((t) => t.action);
    const state = from ?? 'no agreement yet';
    return {
      allowed: false,
      code: 'CONFLICT',
      reason: `cannot ${action} an agreement in state ${state}${possible.length ? ` (possible: ${[...new Set(possible)].join(', ')})` : ''}`,
    };
  }
  if (!transition.by.includes(party)) {
    return { allowed: false, code: 'FORBIDDEN', reason: `only the ${transition.by.join(' or ')} may ${action} an agreement in state ${from ?? 'new'}` };
  }
  return { allowed: true, transition };
}
