// evaluatePolicy: does an agreement admit this request, and if not, why not. Pure: the caller
// supplies the time and the usage so far, so chaincode (tx timestamp) and gateway (clock) agree.
import {
  AGGREGATION_LEVEL_SCHEMA,
  DATE_TIME_SCHEMA,
  ID_SCHEMA,
  JURISDICTION_SCHEMA,
  ORG_ID_SCHEMA,
  PERIOD_LEVELS,
  DEIDENTIFICATION_LEVELS,
  FINEST_AGGREGATION,
  finerDimensions,
  type AggregationLevel,
  type DeidentificationLevel,
  type Jurisdiction,
  type PeriodLevel,
} from './common.js';
import type { Agreement } from './agreement.js';
import { isCrossBorder } from './cross-border.js';
import type { GrantScope } from './grant.js';
import { periodBounds, periodKey } from './period.js';
import { createValidator } from './validation.js';
import { validityWindow, type Constraint, type Duty, type Permission, type Prohibition } from './policy.js';

export const REFUSAL_CODES = [
  'NO_AGREEMENT',
  'AGREEMENT_EXPIRED',
  'PURPOSE_NOT_ALLOWED',
  'JURISDICTION_NOT_ALLOWED',
  'AGGREGATION_TOO_FINE',
  'QUOTA_EXCEEDED',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface PolicyRequest {
  /** Consumer org id making the request. */
  consumer: string;
  /** Data product asked for; checked against the agreement when given. */
  dataProductId?: string;
  purpose: string;
  /** When the request is made (ISO date-time). */
  time: string;
  /** Jurisdiction where the consumer receives and uses the data (ISO 3166). */
  jurisdiction: Jurisdiction;
  /** The finest aggregation the request asks for. */
  aggregation: AggregationLevel;
  /** De-identification the request accepts (default: whatever the agreement requires). */
  deidentification?: DeidentificationLevel;
  /** Releases so far in the current period (day / month / quarter / year containing `time`). */
  usage?: Partial<Record<PeriodLevel, number>>;
}

export interface QuotaStatus {
  period: PeriodLevel;
  periodKey: string;
  limit: number;
  /** Releases before this one. */
  used: number;
  /** Releases left after this one. */
  remaining: number;
  resetsAt: string;
}

export interface Admitted {
  admitted: true;
  agreementId: string;
  provider: string;
  consumer: string;
  dataProductId: string;
  purpose: string;
  /** Exactly the `scope` claim of a grant. */
  scope: GrantScope;
  /** End of the validity window, if any. */
  expiresAt?: string;
  quotas: QuotaStatus[];
  duties: Duty[];
  prohibitions: Prohibition[];
}

export interface Refused {
  admitted: false;
  code: RefusalCode;
  /** What went wrong and what to do about it, for a person. */
  reason: string;
  agreementId?: string;
}

export type PolicyDecision = Admitted | Refused;

type AgreementLike = Pick<Agreement, 'id' | 'state' | 'provider' | 'consumer' | 'dataProductId' | 'policy' | 'crossBorder'>;

const USE_ACTIONS = new Set(['use', 'query', 'read']);

function refuse(agreement: AgreementLike, code: RefusalCode, reason: string): Refused {
  return { admitted: false, code, reason, agreementId: agreement.id };
}

/** Whether one constraint holds for the request (used for prohibitions). */
function constraintHolds(constraint: Constraint, request: PolicyRequest, time: number): boolean {
  switch (constraint.leftOperand) {
    case 'purpose':
      return constraint.rightOperand.includes(request.purpose);
    case 'spatial':
      return constraint.operator === 'isAnyOf'
        ? constraint.rightOperand.includes(request.jurisdiction)
        : !constraint.rightOperand.includes(request.jurisdiction);
    case 'dateTime': {
      const bound = Date.parse(constraint.rightOperand);
      return { gteq: time >= bound, gt: time > bound, lteq: time <= bound, lt: time < bound }[constraint.operator];
    }
    case 'aggregationLevel':
      return finerDimensions(request.aggregation, constraint.rightOperand).length === 0;
    case 'deidentification':
      return DEIDENTIFICATION_LEVELS.indexOf(request.deidentification ?? 'none') >= DEIDENTIFICATION_LEVELS.indexOf(constraint.rightOperand);
    case 'count':
      return (request.usage?.[constraint.period] ?? 0) < constraint.rightOperand;
    case 'region':
      return true;
  }
}

/** Stages in check order; a refusal at a later stage says more about what to change. */
const STAGES: RefusalCode[] = ['NO_AGREEMENT', 'AGREEMENT_EXPIRED', 'PURPOSE_NOT_ALLOWED', 'JURISDICTION_NOT_ALLOWED', 'AGGREGATION_TOO_FINE', 'QUOTA_EXCEEDED'];

function evaluatePermission(agreement: AgreementLike, permission: Permission, request: PolicyRequest, time: number): PolicyDecision {
  const window = validityWindow(permission);
  if (window.start && (window.start.inclusive ? time < window.start.at : time <= window.start.at)) {
    return refuse(agreement, 'NO_AGREEMENT', `agreement ${agreement.id} is not in force before ${new Date(window.start.at).toISOString()}; retry from then`);
  }
  if (window.end && (window.end.inclusive ? time > window.end.at : time >= window.end.at)) {
    return refuse(
      agreement,
      'AGREEMENT_EXPIRED',
      `agreement ${agreement.id} expired at ${new Date(window.end.at).toISOString()}; negotiate a new agreement with ${agreement.provider}`,
    );
  }

  const purpose = permission.constraints.find((c) => c.leftOperand === 'purpose');
  if (purpose && !purpose.rightOperand.includes(request.purpose)) {
    return refuse(
      agreement,
      'PURPOSE_NOT_ALLOWED',
      `purpose "${request.purpose}" is not allowed under agreement ${agreement.id}; allowed: ${purpose.rightOperand.join(', ')}`,
    );
  }

  if (request.jurisdiction !== agreement.crossBorder.consumerJurisdiction) {
    return refuse(
      agreement,
      'JURISDICTION_NOT_ALLOWED',
      `agreement ${agreement.id} covers release to ${agreement.crossBorder.consumerJurisdiction}, not ${request.jurisdiction}`,
    );
  }
  const spatial = permission.constraints.find((c) => c.leftOperand === 'spatial');
  if (spatial && !constraintHolds(spatial, request, time)) {
    const list = spatial.rightOperand.join(', ');
    return refuse(
      agreement,
      'JURISDICTION_NOT_ALLOWED',
      spatial.operator === 'isAnyOf'
        ? `use in ${request.jurisdiction} is not allowed under agreement ${agreement.id}; allowed: ${list}`
        : `use in ${request.jurisdiction} is excluded by agreement ${agreement.id} (excluded: ${list})`,
    );
  }
  for (const prohibition of agreement.policy.prohibitions ?? []) {
    if (!USE_ACTIONS.has(prohibition.action)) continue;
    if ((prohibition.constraints ?? []).every((c) => constraintHolds(c, request, time))) {
      return refuse(agreement, 'JURISDICTION_NOT_ALLOWED', `agreement ${agreement.id} prohibits this use (${prohibition.action} by ${request.consumer} in ${request.jurisdiction})`);
    }
  }

  const aggregation = permission.constraints.find((c) => c.leftOperand === 'aggregationLevel');
  if (aggregation) {
    const finer = finerDimensions(request.aggregation, aggregation.rightOperand);
    if (finer.length > 0) {
      const details = finer.map((d) => `${d} "${request.aggregation[d]}" (at least "${aggregation.rightOperand[d]}")`).join(', ');
      return refuse(agreement, 'AGGREGATION_TOO_FINE', `agreement ${agreement.id} allows no finer aggregation than region ${aggregation.rightOperand.region} x industry ${aggregation.rightOperand.industry} x period ${aggregation.rightOperand.period}; too fine: ${details}`);
    }
  }
  const deidentification = permission.constraints.find((c) => c.leftOperand === 'deidentification');
  if (deidentification && request.deidentification && !constraintHolds(deidentification, request, time)) {
    return refuse(agreement, 'AGGREGATION_TOO_FINE', `agreement ${agreement.id} requires de-identification "${deidentification.rightOperand}", the request asks for "${request.deidentification}"`);
  }

  const quotas: QuotaStatus[] = [];
  for (const c of permission.constraints) {
    if (c.leftOperand !== 'count') continue;
    const used = request.usage?.[c.period] ?? 0;
    const { end } = periodBounds(time, c.period);
    if (used >= c.rightOperand) {
      return refuse(agreement, 'QUOTA_EXCEEDED', `agreement ${agreement.id} allows ${c.rightOperand} releases per ${c.period}; ${used} used in ${periodKey(time, c.period)}; the quota resets at ${end}`);
    }
    quotas.push({ period: c.period, periodKey: periodKey(time, c.period), limit: c.rightOperand, used, remaining: c.rightOperand - used - 1, resetsAt: end });
  }

  const regions = permission.constraints.find((c) => c.leftOperand === 'region');
  const scope: GrantScope = {
    ...(regions ? { regions: [...regions.rightOperand] } : {}),
    minAggregation: aggregation ? { ...aggregation.rightOperand } : { ...FINEST_AGGREGATION },
    deidentification: deidentification ? deidentification.rightOperand : 'none',
    crossBorder: isCrossBorder(agreement.crossBorder),
  };
  return {
    admitted: true,
    agreementId: agreement.id,
    provider: agreement.provider,
    consumer: agreement.consumer,
    dataProductId: agreement.dataProductId,
    purpose: request.purpose,
    scope,
    ...(window.end ? { expiresAt: new Date(window.end.at).toISOString() } : {}),
    quotas,
    duties: [...(permission.duties ?? []), ...(agreement.policy.obligations ?? [])],
    prohibitions: [...(agreement.policy.prohibitions ?? [])],
  };
}

/** Decides whether `agreement` admits `request`. Never throws for a well-formed agreement. */
export function evaluatePolicy(agreement: AgreementLike, request: PolicyRequest): PolicyDecision {
  if (agreement.consumer !== request.consumer) {
    return refuse(agreement, 'NO_AGREEMENT', `agreement ${agreement.id} is between ${agreement.provider} and ${agreement.consumer}, not ${request.consumer}`);
  }
  if (request.dataProductId !== undefined && request.dataProductId !== agreement.dataProductId) {
    return refuse(agreement, 'NO_AGREEMENT', `agreement ${agreement.id} covers data product ${agreement.dataProductId}, not ${request.dataProductId}`);
  }
  if (agreement.state !== 'FINALIZED') {
    const why = agreement.state === 'TERMINATED' ? 'was terminated' : `is still being negotiated (state ${agreement.state})`;
    return refuse(agreement, 'NO_AGREEMENT', `agreement ${agreement.id} ${why}; only a FINALIZED agreement releases data`);
  }
  const time = Date.parse(request.time);
  if (Number.isNaN(time)) throw new RangeError(`request.time is not a date-time: ${request.time}`);

  const permissions = agreement.policy.permissions.filter((p) => USE_ACTIONS.has(p.action));
  if (permissions.length === 0) return refuse(agreement, 'NO_AGREEMENT', `agreement ${agreement.id} grants no use of ${agreement.dataProductId}`);
  let best: Refused | undefined;
  for (const permission of permissions) {
    const decision = evaluatePermission(agreement, permission, request, time);
    if (decision.admitted) return decision;
    if (!best || STAGES.indexOf(decision.code) > STAGES.indexOf(best.code)) best = decision;
  }
  return best!;
}

/** Of several agreements, the first one admitting the request, or the most telling refusal. */
export function evaluateAgreements(agreements: readonly AgreementLike[], request: PolicyRequest): PolicyDecision {
  let best: Refused | undefined;
  for (const agreement of agreements) {
    const decision = evaluatePolicy(agreement, request);
    if (decision.admitted) return decision;
    if (!best || STAGES.indexOf(decision.code) > STAGES.indexOf(best.code)) best = decision;
  }
  return best ?? { admitted: false, code: 'NO_AGREEMENT', reason: `no agreement with ${request.consumer}${request.dataProductId ? ` for ${request.dataProductId}` : ''}; request one in the catalog` };
}

/** A request as it arrives from outside (e.g. Agreements:FindActive): `time` and `usage` may be left to the ledger. */
export type PolicyRequestInput = Omit<PolicyRequest, 'time'> & { time?: string };

export const POLICY_REQUEST_SCHEMA = {
  $id: 'https://gridspace.example/schemas/policy-request.json',
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Policy request (what evaluatePolicy decides on)',
  type: 'object',
  required: ['consumer', 'purpose', 'jurisdiction', 'aggregation'],
  additionalProperties: false,
  properties: {
    consumer: ORG_ID_SCHEMA,
    dataProductId: ID_SCHEMA,
    purpose: { type: 'string', minLength: 1, maxLength: 128 },
    time: DATE_TIME_SCHEMA,
    jurisdiction: JURISDICTION_SCHEMA,
    aggregation: AGGREGATION_LEVEL_SCHEMA,
    deidentification: { enum: [...DEIDENTIFICATION_LEVELS] },
    usage: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(PERIOD_LEVELS.map((p) => [p, { type: 'integer', minimum: 0 }])),
    },
  },
} as const;

export const policyRequestValidator = createValidator<PolicyRequestInput>(POLICY_REQUEST_SCHEMA, 'request');
export const validatePolicyRequest = policyRequestValidator.validate;

/** Of several refusals, the one that got furthest through the checks (it says most about what to change). */
export function mostTellingRefusal(refusals: readonly Refused[]): Refused | undefined {
  let best: Refused | undefined;
  for (const r of refusals) if (!best || STAGES.indexOf(r.code) > STAGES.indexOf(best.code)) best = r;
  return best;
}
