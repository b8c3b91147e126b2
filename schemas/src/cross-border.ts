// Cross-border terms of an agreement: where each side is, whether personal information is involved,
// and the legal mechanism (with its filing reference) the transfer relies on.
import { JURISDICTION_SCHEMA } from './common.js';
import { createValidator, InvalidArgumentError } from './validation.js';

export * from './cross-border-terms.js';
import { isCrossBorder, ONWARD_TRANSFER_SCOPES, TRANSFER_MECHANISMS, type CrossBorderTerms } from './cross-border-terms.js';

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
