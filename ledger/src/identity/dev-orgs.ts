// The demo organizations of a local network. The embedded ledger issues each a dev CA and an
// identity; the local Fabric network (network/) generates crypto material for the same MSP IDs.

export type OrgType = 'grid-operator' | 'government' | 'supplier' | 'hk-partner' | 'macau-partner';

export interface DevOrg {
  /** Identity name used in TransactionRequest.identity. */
  identity: string;
  /** Organization id in the partner registry and on the ledger. */
  orgId: string;
  mspId: string;
  type: OrgType;
  /** ISO 3166 code: `CN-GD` (Guangdong), `HK`, `MO`. */
  jurisdiction: string;
  name: string;
}

export const DEV_ORGS: readonly DevOrg[] = [
  { identity: 'operator', orgId: 'gd-grid', mspId: 'GridOperatorMSP', type: 'grid-operator', jurisdiction: 'CN-GD', name: 'Guangdong Power Grid' },
  { identity: 'agency', orgId: 'gd-drc', mspId: 'ProvincialDrcMSP', type: 'government', jurisdiction: 'CN-GD', name: 'Guangdong Provincial Development and Reform Commission' },
  { identity: 'stats', orgId: 'gd-stats', mspId: 'StatsBureauMSP', type: 'government', jurisdiction: 'CN-GD', name: 'Guangdong Provincial Bureau of Statistics' },
  { identity: 'supplier', orgId: 'tx-maker', mspId: 'TransformerMakerMSP', type: 'supplier', jurisdiction: 'CN-GD', name: 'Pearl River Transformer Works' },
  { identity: 'supplier2', orgId: 'cable-maker', mspId: 'CableMakerMSP', type: 'supplier', jurisdiction: 'CN-GD', name: 'Lingnan Cable Co.' },
  { identity: 'hk', orgId: 'hk-partner', mspId: 'HkPartnerMSP', type: 'hk-partner', jurisdiction: 'HK', name: 'Hong Kong Grid Interconnect Ltd.' },
  { identity: 'macau', orgId: 'mo-partner', mspId: 'MacauPartnerMSP', type: 'macau-partner', jurisdiction: 'MO', name: 'Macau Power Exchange' },
];
