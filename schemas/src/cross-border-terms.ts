// Cross-border terms as plain data: the mechanisms, onward-transfer scopes and the usual terms of
// an agreement. No dependencies, so the portal bundles it (the validator is in cross-border.ts).
import type { Jurisdiction } from './common.js';

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
