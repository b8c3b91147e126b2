// Gridspace chaincode: the contract classes, loaded by fabric-chaincode-node (chaincode-as-a-
// service) and by the embedded ledger through fabric-contract-api's own dispatch.
import { AgreementsContract } from './contracts/agreements.js';
import { CatalogContract } from './contracts/catalog.js';
import { IdentifierAnchorsContract } from './contracts/identifier-anchors.js';
import { OrganizationsContract } from './contracts/organizations.js';
import { TraceabilityContract } from './contracts/traceability.js';
import { UsageContract } from './contracts/usage.js';

export { AgreementsContract, CatalogContract, IdentifierAnchorsContract, OrganizationsContract, TraceabilityContract, UsageContract };
export { ORG_PARTY_URI_PREFIX, type TracedObject, type TraceEventRecord, type PriceRecord } from './contracts/traceability.js';
export type { OrganizationRecord } from './contracts/organizations.js';

export const contracts = [OrganizationsContract, CatalogContract, AgreementsContract, UsageContract, TraceabilityContract, IdentifierAnchorsContract];
