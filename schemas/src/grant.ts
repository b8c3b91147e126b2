// The grant: what the gateway hands a subgraph with each admitted request, so the subgraph can
// filter rows and refuse calls that bypass the gateway.
//
// Wire form: a compact JWS (JWT), alg ES256 (pinned), header `typ: "gridspace-grant+jwt"` and `kid`
// of the gateway key; the gateway publishes its public keys as a JWKS. Lifetime is short (60 s).
import { AGGREGATION_LEVEL_SCHEMA, DEIDENTIFICATION_LEVELS, ID_SCHEMA, ORG_ID_SCHEMA, REGION_CODE_SCHEMA, type AggregationLevel, type DeidentificationLevel } from './common.js';
import { createValidator, InvalidArgumentError } from './validation.js';

export const GRANT_JWT_TYPE = 'gridspace-grant+jwt';
export const GRANT_ALGORITHM = 'ES256';
export const GRANT_DEFAULT_ISSUER = 'gridspace-gateway';
export const GRANT_LIFETIME_SECONDS = 60;

export interface GrantScope {
  /** GB/T 2260 region codes the consumer may see; absent = all. */
  regions?: string[];
  /** The finest aggregation the consumer may receive. */
  minAggregation: AggregationLevel;
  deidentification: DeidentificationLevel;
  crossBorder: boolean;
}

export interface GrantHeader {
  alg: typeof GRANT_ALGORITHM;
  typ: typeof GRANT_JWT_TYPE;
  kid: string;
}

export interface GrantClaims {
  /** `gridspace-gateway` unless configured otherwise. */
  iss: string;
  /** The data product id, e.g. `electricity-economic-indices`. */
  aud: string;
  /** The consumer org id. */
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  agreement: string;
  /** Provider org id. */
  provider: string;
  purpose: string;
  scope: GrantScope;
}

export const GRANT_SCOPE_SCHEMA = {
  type: 'object',
  required: ['minAggregation', 'deidentification', 'crossBorder'],
  additionalProperties: false,
  properties: {
    regions: { type: 'array', uniqueItems: true, items: REGION_CODE_SCHEMA },
    minAggregation: AGGREGATION_LEVEL_SCHEMA,
    deidentification: { enum: [...DEIDENTIFICATION_LEVELS] },
    crossBorder: { type: 'boolean' },
  },
} as const;

export const GRANT_CLAIMS_SCHEMA = {
  $id: 'https://gridspace.example/schemas/grant-claims.json',
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Grant claims (payload of a gridspace-grant+jwt)',
  type: 'object',
  required: ['iss', 'aud', 'sub', 'iat', 'exp', 'jti', 'agreement', 'provider', 'purpose', 'scope'],
  additionalProperties: false,
  properties: {
    iss: { type: 'string', minLength: 1 },
    aud: ID_SCHEMA,
    sub: ORG_ID_SCHEMA,
    iat: { type: 'integer', minimum: 0 },
    exp: { type: 'integer', minimum: 0 },
    jti: { type: 'string', minLength: 1, maxLength: 128 },
    agreement: ID_SCHEMA,
    provider: ORG_ID_SCHEMA,
    purpose: { type: 'string', minLength: 1, maxLength: 128 },
    scope: GRANT_SCOPE_SCHEMA,
  },
} as const;

export const GRANT_HEADER_SCHEMA = {
  $id: 'https://gridspace.example/schemas/grant-header.json',
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['alg', 'typ', 'kid'],
  properties: {
    alg: { const: GRANT_ALGORITHM },
    typ: { const: GRANT_JWT_TYPE },
    kid: { type: 'string', minLength: 1 },
  },
} as const;

export const grantClaimsValidator = createValidator<GrantClaims>(GRANT_CLAIMS_SCHEMA, 'grant', (claims, root) =>
  claims.exp <= claims.iat ? new InvalidArgumentError(`${root}.exp`, 'must be later than iat') : undefined,
);
export const validateGrantClaims = grantClaimsValidator.validate;
export const assertGrantClaims = grantClaimsValidator.assert;

export const grantHeaderValidator = createValidator<GrantHeader>(GRANT_HEADER_SCHEMA, 'grantHeader');
export const validateGrantHeader = grantHeaderValidator.validate;
