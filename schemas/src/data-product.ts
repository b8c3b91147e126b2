// Data products in the catalog (DCAT-style description) and the offers (policies) they come with.
import { ID_SCHEMA, ORG_ID_SCHEMA } from './common.js';
// policy.js and cross-border.js register the schemas the $refs below point to.
import { checkPolicySemantics, type Policy } from './policy.js';
import { checkCrossBorderSemantics, type CrossBorderTerms } from './cross-border.js';
import { createValidator, InvalidArgumentError } from './validation.js';

/** A policy the provider offers for a data product; an agreement request may start from it. */
export interface Offer {
  id: string;
  title?: string;
  policy: Policy;
  /** Cross-border terms the offer is made under (when it is meant for a partner abroad). */
  crossBorder?: CrossBorderTerms;
}

export interface Distribution {
  /** Media type, e.g. `application/graphql-response+json` or `text/csv`. */
  mediaType: string;
  title?: string;
}

/** What a provider publishes; the ledger adds `status` and times. */
export interface DataProductDescription {
  id: string;
  /** Semantic version of the description, e.g. `1.0.0`. */
  version: string;
  title: string;
  description?: string;
  /** Provider org id. */
  provider: string;
  keywords?: string[];
  /** DCAT theme, e.g. `energy`, `economy`. */
  themes?: string[];
  /** Update frequency, e.g. `monthly`. */
  accrualPeriodicity?: string;
  /** GraphQL schema coordinates the product covers, e.g. `Query.electricityIndices`. */
  graphqlCoordinates: string[];
  distributions?: Distribution[];
  offers: Offer[];
}

export type DataProductStatus = 'published' | 'withdrawn';
export interface DataProduct extends DataProductDescription {
  status: DataProductStatus;
  publishedAt: string;
  updatedAt: string;
  withdrawnAt?: string;
  withdrawalReason?: string;
}

const OFFER_SCHEMA = {
  type: 'object',
  required: ['id', 'policy'],
  additionalProperties: false,
  properties: {
    id: ID_SCHEMA,
    title: { type: 'string', maxLength: 200 },
    policy: { $ref: 'https://gridspace.example/schemas/policy.json' },
    crossBorder: { $ref: 'https://gridspace.example/schemas/cross-border.json' },
  },
} as const;

export const DATA_PRODUCT_SCHEMA = {
  $id: 'https://gridspace.example/schemas/data-product.json',
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'DataProduct (as published)',
  type: 'object',
  required: ['id', 'version', 'title', 'provider', 'graphqlCoordinates', 'offers'],
  additionalProperties: false,
  properties: {
    id: ID_SCHEMA,
    version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$', errorRule: 'must be a semantic version such as 1.0.0' },
    title: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 4000 },
    provider: ORG_ID_SCHEMA,
    keywords: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 } },
    themes: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 } },
    accrualPeriodicity: { type: 'string', maxLength: 64 },
    graphqlCoordinates: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: {
        type: 'string',
        pattern: '^[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*$',
        errorRule: 'must be a GraphQL schema coordinate Type.field (e.g. Query.electricityIndices)',
      },
    },
    distributions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['mediaType'],
        additionalProperties: false,
        properties: {
          mediaType: { type: 'string', pattern: '^[a-z]+/[A-Za-z0-9.+-]+$', errorRule: 'must be a media type such as text/csv' },
          title: { type: 'string', maxLength: 200 },
        },
      },
    },
    offers: { type: 'array', items: OFFER_SCHEMA },
  },
} as const;

export const OFFER_JSON_SCHEMA = { $id: 'https://gridspace.example/schemas/offer.json', ...OFFER_SCHEMA } as const;

function checkOffer(offer: Offer, productId: string | undefined, root: string): InvalidArgumentError | undefined {
  if (productId !== undefined && offer.policy.target !== productId) {
    return new InvalidArgumentError(`${root}.policy.target`, `must be the data product's id (${productId})`);
  }
  return checkPolicySemantics(offer.policy, `${root}.policy`) ?? (offer.crossBorder && checkCrossBorderSemantics(offer.crossBorder, `${root}.crossBorder`));
}

export function checkDataProductSemantics(product: DataProductDescription, root: string): InvalidArgumentError | undefined {
  const ids = new Set<string>();
  for (const [i, offer] of product.offers.entries()) {
    if (ids.has(offer.id)) return new InvalidArgumentError(`${root}.offers[${i}].id`, 'must be unique within the data product');
    ids.add(offer.id);
    const error = checkOffer(offer, product.id, `${root}.offers[${i}]`);
    if (error) return error;
  }
  return undefined;
}

export const dataProductValidator = createValidator<DataProductDescription>(DATA_PRODUCT_SCHEMA, 'dataProduct', checkDataProductSemantics);
export const validateDataProduct = dataProductValidator.validate;
export const assertDataProduct = dataProductValidator.assert;

export const offerValidator = createValidator<Offer>(OFFER_JSON_SCHEMA, 'offer', (offer, root) => checkOffer(offer, undefined, root));
export const validateOffer = offerValidator.validate;
