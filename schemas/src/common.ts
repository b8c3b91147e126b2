// Shared building blocks: identifier patterns, jurisdictions, and the aggregation vocabulary that
// policies, evaluatePolicy and grants all use.

/** Ids of data products, agreements, receipts, batches: safe inside Fabric composite keys. */
export const ID_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$',
  errorRule: 'must be an id of letters, digits and . _ : - (starting with a letter or digit)',
} as const;

/** Organization ids, e.g. `gd-grid`. */
export const ORG_ID_SCHEMA = {
  type: 'string',
  minLength: 2,
  maxLength: 64,
  pattern: '^[a-z0-9][a-z0-9-]*$',
  errorRule: 'must be an org id of lower-case letters, digits and - (e.g. gd-grid)',
} as const;

/** Fabric MSP IDs, e.g. `GridOperatorMSP`. */
export const MSP_ID_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z][A-Za-z0-9.-]*$',
  errorRule: 'must be an MSP ID of letters, digits, . and - (e.g. GridOperatorMSP)',
} as const;

/** ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision: `CN-GD`, `HK`, `MO`. */
export const JURISDICTION_SCHEMA = {
  type: 'string',
  pattern: '^[A-Z]{2}(-[A-Z0-9]{1,3})?$',
  errorRule: 'must be an ISO 3166 code such as CN-GD, HK or MO',
} as const;
export type Jurisdiction = string;

/** Jurisdictions of the Greater Bay Area (the nine Guangdong cities lie in CN-GD). */
export const GBA_JURISDICTIONS: readonly Jurisdiction[] = ['CN-GD', 'HK', 'MO'];

/** GB/T 2260 administrative region code, e.g. `440300` (Shenzhen), `810000` (Hong Kong SAR). */
export const REGION_CODE_SCHEMA = {
  type: 'string',
  pattern: '^[1-9][0-9]{5}$',
  errorRule: 'must be a six-digit GB/T 2260 region code (e.g. 440300)',
} as const;

/** Enterprise prefix of the Handle/IDIS family, e.g. `88.188.1001`. */
export const PREFIX_SCHEMA = {
  type: 'string',
  maxLength: 128,
  pattern: '^[0-9]+(\\.[0-9A-Za-z-]+)*$',
  errorRule: 'must be a dot-separated identifier prefix (e.g. 88.188.1001)',
} as const;

/** Industrial-internet identifier `prefix/suffix`, e.g. `88.188.1001/TX2026-000001`. */
export const IDENTIFIER_SCHEMA = {
  type: 'string',
  maxLength: 256,
  pattern: '^[0-9]+(\\.[0-9A-Za-z-]+)*/[!-~]+$',
  errorRule: 'must be an identifier prefix/suffix (e.g. 88.188.1001/TX2026-000001)',
} as const;

const IDENTIFIER_PATTERN = /^([0-9]+(?:\.[0-9A-Za-z-]+)*)\/([!-~]+)$/;

/** Splits `88.188.1001/TX2026-000001` into prefix and suffix; undefined when it is not an identifier. */
export function parseIdentifier(identifier: string): { prefix: string; suffix: string } | undefined {
  const match = IDENTIFIER_PATTERN.exec(identifier);
  return match ? { prefix: match[1]!, suffix: match[2]! } : undefined;
}

/** Prefix and its parents, most specific first: `88.188.1001` -> [`88.188.1001`, `88.188`, `88`]. */
export function prefixAncestry(prefix: string): string[] {
  const parts = prefix.split('.');
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('.'));
}

export const DATE_TIME_SCHEMA = { type: 'string', format: 'date-time' } as const;

/** SHA-256 as 64 lower-case hex digits. */
export const SHA256_HEX_SCHEMA = {
  type: 'string',
  pattern: '^[0-9a-f]{64}$',
  errorRule: 'must be a SHA-256 hash as 64 lower-case hex digits',
} as const;

// ---- Aggregation levels: three ordered dimensions, fine -> coarse. ----

export const REGION_LEVELS = ['customer', 'district', 'city', 'province', 'gba'] as const;
export const INDUSTRY_LEVELS = ['customer', 'division', 'section', 'all'] as const;
export const PERIOD_LEVELS = ['day', 'month', 'quarter', 'year'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];
export type IndustryLevel = (typeof INDUSTRY_LEVELS)[number];
export type PeriodLevel = (typeof PERIOD_LEVELS)[number];

/** How finely data is broken down: by region, by industry, by period. */
export interface AggregationLevel {
  region: RegionLevel;
  industry: IndustryLevel;
  period: PeriodLevel;
}

export const AGGREGATION_LEVEL_SCHEMA = {
  type: 'object',
  required: ['region', 'industry', 'period'],
  additionalProperties: false,
  properties: {
    region: { enum: [...REGION_LEVELS] },
    industry: { enum: [...INDUSTRY_LEVELS] },
    period: { enum: [...PERIOD_LEVELS] },
  },
} as const;

/** De-identification levels, weakest -> strongest. */
export const DEIDENTIFICATION_LEVELS = ['none', 'pseudonymized', 'aggregated'] as const;
export type DeidentificationLevel = (typeof DEIDENTIFICATION_LEVELS)[number];

/**
 * The dimensions of `requested` that are finer than `minimum` allows (empty: coarse enough).
 * E.g. requested region `customer` against minimum `district` -> ['region'].
 */
export function finerDimensions(requested: AggregationLevel, minimum: AggregationLevel): Array<keyof AggregationLevel> {
  const finer: Array<keyof AggregationLevel> = [];
  if (REGION_LEVELS.indexOf(requested.region) < REGION_LEVELS.indexOf(minimum.region)) finer.push('region');
  if (INDUSTRY_LEVELS.indexOf(requested.industry) < INDUSTRY_LEVELS.indexOf(minimum.industry)) finer.push('industry');
  if (PERIOD_LEVELS.indexOf(requested.period) < PERIOD_LEVELS.indexOf(minimum.period)) finer.push('period');
  return finer;
}

/** The coarser of two aggregation levels in every dimension (how two minimums combine). */
export function coarsestOf(a: AggregationLevel, b: AggregationLevel): AggregationLevel {
  const pick = <L extends string>(levels: readonly L[], x: L, y: L): L => (levels.indexOf(x) >= levels.indexOf(y) ? x : y);
  return {
    region: pick(REGION_LEVELS, a.region, b.region),
    industry: pick(INDUSTRY_LEVELS, a.industry, b.industry),
    period: pick(PERIOD_LEVELS, a.period, b.period),
  };
}

/** The finest level of all: no aggregation constraint. */
export const FINEST_AGGREGATION: AggregationLevel = { region: 'customer', industry: 'customer', period: 'day' };
