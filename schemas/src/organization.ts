// Organizations of the network: who they are, which MSP signs for them, where they are.
import { JURISDICTION_SCHEMA, MSP_ID_SCHEMA, ORG_ID_SCHEMA, PREFIX_SCHEMA, type Jurisdiction } from './common.js';
import { createValidator } from './validation.js';

export const ORG_TYPES = ['grid-operator', 'government', 'supplier', 'hk-partner', 'macau-partner'] as const;
export type OrgType = (typeof ORG_TYPES)[number];

export interface Organization {
  /** Org id, e.g. `gd-grid`. */
  id: string;
  name: string;
  /** The Fabric MSP ID whose identities act for this org. */
  mspId: string;
  type: OrgType;
  /** ISO 3166: `CN-GD`, `HK`, `MO`. */
  jurisdiction: Jurisdiction;
}

export const ORGANIZATION_SCHEMA = {
  $id: 'https://gridspace.example/schemas/organization.json',
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Organization',
  type: 'object',
  required: ['id', 'name', 'mspId', 'type', 'jurisdiction'],
  additionalProperties: false,
  properties: {
    id: ORG_ID_SCHEMA,
    name: { type: 'string', minLength: 1, maxLength: 200 },
    mspId: MSP_ID_SCHEMA,
    type: { enum: [...ORG_TYPES] },
    jurisdiction: JURISDICTION_SCHEMA,
  },
} as const;

export const organizationValidator = createValidator<Organization>(ORGANIZATION_SCHEMA, 'organization');
export const validateOrganization = organizationValidator.validate;
export const assertOrganization = organizationValidator.assert;

/** An enterprise prefix and the org that owns it. */
export interface PrefixAssignment {
  prefix: string;
  orgId: string;
}

export const PREFIX_ASSIGNMENT_SCHEMA = {
  $id: 'https://gridspace.example/schemas/prefix-assignment.json',
  type: 'object',
  required: ['prefix', 'orgId'],
  additionalProperties: false,
  properties: { prefix: PREFIX_SCHEMA, orgId: ORG_ID_SCHEMA },
} as const;

export const prefixAssignmentValidator = createValidator<PrefixAssignment>(PREFIX_ASSIGNMENT_SCHEMA, 'assignment');
