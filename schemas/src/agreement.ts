// Agreements after the Dataspace Protocol negotiation, and the negotiation's state machine as data.
import { DATE_TIME_SCHEMA, ID_SCHEMA, MSP_ID_SCHEMA, ORG_ID_SCHEMA } from './common.js';
import { checkCrossBorderSemantics, type CrossBorderTerms } from './cross-border.js';
import { checkPolicySemantics, type Policy } from './policy.js';
import { createValidator, InvalidArgumentError } from './validation.js';

export * from './agreement-machine.js';
import { AGREEMENT_ACTIONS, AGREEMENT_STATES, type AgreementAction, type AgreementState, type Party } from './agreement-machine.js';

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
