// @gridspace/ledger: the Ledger port and its adapters.
export * from './port.js';
export { DEV_ORGS, type DevOrg, type OrgType } from './identity/dev-orgs.js';
export { loadDevIdentities, type EnrolledIdentity } from './identity/dev-identities.js';
export { organizationRecord, registerDevOrganizations } from './identity/register-orgs.js';
export { agreementFunction, devCrossBorderTerms, negotiateAgreement, NEGOTIATION_PATH, type NegotiationOptions } from './negotiation.js';
export { EmbeddedLedger, type EmbeddedLedgerOptions } from './embedded/embedded-ledger.js';
export { ledgerKindFromEnv, openLedgerFromEnv, type LedgerKind } from './open.js';
