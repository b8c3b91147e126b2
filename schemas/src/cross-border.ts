// Cross-border terms of an agreement: where each side is, whether personal information is involved,
// and the legal mechanism (with its filing reference) the transfer relies on.
import { JURISDICTION_SCHEMA, type Jurisdiction } from './common.js';
import { createValidator, InvalidArgumentError } from './validation.js';

export const TRANSFER_MECHANISMS = [
  'exempt',
  'gba-standard-contract-hk',
  'gba-standard-contract-mo',
  'national-standard-contract',
  'certification',
  'security-assessment',
] as const;
export type TransferMechanism = (typeof TRANSFER_MECHANISMS)[number];

/** How far the consumer may pass the data on: nowhere, within its own jurisdiction, within the GBA, anywhere. */
export const ONWARD_TRANSFER_SCOPES = ['none', 'consumer-jurisdiction', 'gba', 'unrestricted'] as const;
export type OnwardTransferScope = (typeof ONWARD_TRANSFER_SCOPES)[number];

export interface CrossBorderTerms {
  providerJurisdiction: Jurisdiction;
  consumerJurisdiction: Jurisdiction;
  /** Whether the data released includes personal information. */
  personalInformation: boolean;
  transferMechanism: TransferMechanism;
  /** Filing / approval / certificate reference; required for every mechanism but `exempt`. */
  filingReference?: string;
  onwardTransferScope: OnwardTransferScope;
}

export const CROSS_BORDER_SCHEMA = {
  $id: 'https://gridspace.example/schemas/cross-border.json',
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Cross-border terms',
  type: 'object',
  required: ['providerJurisdiction', 'consumerJurisdiction', 'personalInformation', 'transferMechanism', 'onwardTransferScope'],
  additionalProperties: false,
  properties: {
    providerJurisdiction: JURISDICTION_SCHEMA,
    consumerJurisdiction: JURISDICTION_SCHEMA,
    personalInformation: { type: 'boolean' },
    transferMechanism: { enum: [...TRANSFER_MECHANISMS] },
    filingReference: { type: 'string', minLength: 1, maxLength: 200 },
    onwardTransferScope: { enum: [...ONWARD_TRANSFER_SCOPES] },
  },
} as const;

/**
 * The usual terms of an agreement releasing aggregates: no personal information, no onward transfer,
 * and for a consumer in Hong Kong or Macao the GBA standard contract (with its filing reference);
 * exempt otherwise.
 */
export function standardCrossBorderTerms(parties: { providerJurisdiction: Jurisdiction; consumerJurisdiction: Jurisdiction; filingReference?: string }): CrossBorderTerms {
  const { providerJurisdiction, consumerJurisdiction, filingReference } = parties;
  const transferMechanism: TransferMechanism =
    consumerJurisdiction === 'HK' ? 'gba-standard-contract-hk' : consumerJurisdiction === 'MO' ? 'gba-standard-contract-mo' : 'exempt';
  return {
    providerJurisdiction,
    consumerJurisdiction,
    personalInformation: false,
    transferMechanism,
    ...(transferMechanism !== 'exempt' && filingReference !== undefined ? { filingReference } : {}),
    onwardTransferScope: 'none',
  };
}

/** True when provider and consumer sit in different jurisdictions (e.g. CN-GD -> HK). */
export function isCrossBorder(terms: Pick<CrossBorderTerms, 'providerJurisdiction' | 'consumerJurisdiction'>): boolean {
  return terms.providerJurisdiction !== terms.consumerJurisdiction;
}

export function checkCrossBorderSemantics(terms: CrossBorderTerms, root: string): InvalidArgumentError | undefined {
  if (terms.transferMechanism !== 'exempt' && terms.filingReference === undefined) {
    return new InvalidArgumentError(`${root}.filingReference`, `is required for the transfer mechanism ${terms.transferMechanism}`);
  }
  const pair = new Set([terms.providerJurisdiction, terms.consumerJurisdiction]);
  if (terms.transferMechanism === 'gba-standard-contract-hk' && !(pair.has('CN-GD') && pair.has('HK'))) {
    return new InvalidArgumentError(`${root}.transferMechanism`, 'the GBA standard contract (Hong Kong) covers only transfers between CN-GD and HK');
  }
  if (terms.transferMechanism === 'gba-standard-contract-mo' && !(pair.has('CN-GD') && pair.has('MO'))) {
    return new InvalidArgumentError(`${root}.transferMechanism`, 'the GBA standard contract (Macao) covers only transfers between CN-GD and MO');
  }
  if (isCrossBorder(terms) && terms.personalInformation && terms.transferMechanism === 'exempt') {
    return new InvalidArgumentError(`${root}.transferMechanism`, 'a cross-border transfer of personal information needs a mechanism other than exempt');
  }
  return undefined;
}

export const crossBorderValidator = createValidator<CrossBorderTerms>(CROSS_BORDER_SCHEMA, 'crossBorder', checkCrossBorderSemantics);
export const validateCrossBorderTerms = crossBorderValidator.validate;
