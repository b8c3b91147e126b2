// Agreements after the Dataspace Protocol negotiation, and the negotiation's state machine as data.
import { DATE_TIME_SCHEMA, ID_SCHEMA, MSP_ID_SCHEMA, ORG_ID_SCHEMA } from './common.js';
import { checkCrossBorderSemantics, type CrossBorderTerms } from './cross-border.js';
import { checkPolicySemantics, type Policy } from './policy.js';
import { createValidator, InvalidArgumentError } from './validation.js';

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

/** What a party submits to start or counter a negotiation. */
export interface AgreementProposal {
  id: string;
  dataProductId: string;
  /** The catalog offer the proposal starts from, if any. */
  offerId?: string;
  /** Consumer org id; required when the provider makes the first offer. */
  consumer?: string;
  policy: Policy;
  crossBorder: CrossBorderTerms;
}

export type TerminationKind = 'terminated' | 'revoked' | 'renounced' | 'expired';

export interface Agreement {
  id: string;
  dataProductId: string;
  offerId?: string;
  provider: string;
  consumer: string;
  providerMspId: string;
  consumerMspId: string;
  state: AgreementState;
  policy: Policy;
  crossBorder: CrossBorderTerms;
  createdAt: string;
  updatedAt: string;
  /** 1 on creation, +1 on every change: orders the agreement's history. */
  revision: number;
  /** The latest action and who took it. */
  lastAction: { action: AgreementAction; by: Party; at: string };
  finalizedAt?: string;
  termination?: { by: Party; kind: TerminationKind; reason: string; at: string };
}

export const AGREEMENT_PROPOSAL_SCHEMA = {
  $id: 'https://gridspace.example/schemas/agreement-proposal.json',
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Agreement proposal (request or offer)',
  type: 'object',
  required: ['id', 'dataProductId', 'policy', 'crossBorder'],
  additionalProperties: false,
  properties: {
    id: ID_SCHEMA,
    dataProductId: ID_SCHEMA,
    offerId: ID_SCHEMA,
    consumer: ORG_ID_SCHEMA,
    policy: { $ref: 'https://gridspace.example/schemas/policy.json' },
    crossBorder: { $ref: 'https://gridspace.example/schemas/cross-border.json' },
  },
} as const;

const PARTY_SCHEMA = { enum: ['provider', 'consumer'] } as const;

export const AGREEMENT_SCHEMA = {
  $id: 'https://gridspace.example/schemas/agreement.json',
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Agreement (as recorded on the ledger)',
  type: 'object',
  required: ['id', 'dataProductId', 'provider', 'consumer', 'providerMspId', 'consumerMspId', 'state', 'policy', 'crossBorder', 'createdAt', 'updatedAt', 'revision', 'lastAction'],
  additionalProperties: false,
  properties: {
    id: ID_SCHEMA,
    dataProductId: ID_SCHEMA,
    offerId: ID_SCHEMA,
    provider: ORG_ID_SCHEMA,
    consumer: ORG_ID_SCHEMA,
    providerMspId: MSP_ID_SCHEMA,
    consumerMspId: MSP_ID_SCHEMA,
    state: { enum: [...AGREEMENT_STATES] },
    policy: { $ref: 'https://gridspace.example/schemas/policy.json' },
    crossBorder: { $ref: 'https://gridspace.example/schemas/cross-border.json' },
    createdAt: DATE_TIME_SCHEMA,
    updatedAt: DATE_TIME_SCHEMA,
    revision: { type: 'integer', minimum: 1 },
    lastAction: {
      type: 'object',
      required: ['action', 'by', 'at'],
      additionalProperties: false,
      properties: { action: { enum: [...AGREEMENT_ACTIONS] }, by: PARTY_SCHEMA, at: DATE_TIME_SCHEMA },
    },
    finalizedAt: DATE_TIME_SCHEMA,
    termination: {
      type: 'object',
      required: ['by', 'kind', 'reason', 'at'],
      additionalProperties: false,
      properties: {
        by: PARTY_SCHEMA,
        kind: { enum: ['terminated', 'revoked', 'renounced', 'expired'] },
        reason: { type: 'string', minLength: 1, maxLength: 1000 },
        at: DATE_TIME_SCHEMA,
      },
    },
  },
} as const;

function checkProposal(proposal: AgreementProposal, root: string): InvalidArgumentError | undefined {
  if (proposal.policy.target !== proposal.dataProductId) {
    return new InvalidArgumentError(`${root}.policy.target`, `must be the data product of the agreement (${proposal.dataProductId})`);
  }
  return checkPolicySemantics(proposal.policy, `${root}.policy`) ?? checkCrossBorderSemantics(proposal.crossBorder, `${root}.crossBorder`);
}

export const agreementProposalValidator = createValidator<AgreementProposal>(AGREEMENT_PROPOSAL_SCHEMA, 'proposal', checkProposal);
export const validateAgreementProposal = agreementProposalValidator.validate;

export const agreementValidator = createValidator<Agreement>(AGREEMENT_SCHEMA, 'agreement', (a, root) =>
  checkPolicySemantics(a.policy, `${root}.policy`) ?? checkCrossBorderSemantics(a.crossBorder, `${root}.crossBorder`),
);
export const validateAgreement = agreementValidator.validate;
export const assertAgreement = agreementValidator.assert;
