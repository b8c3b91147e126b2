// Policies, ODRL-shaped: permissions with constraints, prohibitions, duties.
import {
  AGGREGATION_LEVEL_SCHEMA,
  DATE_TIME_SCHEMA,
  DEIDENTIFICATION_LEVELS,
  ID_SCHEMA,
  JURISDICTION_SCHEMA,
  ORG_ID_SCHEMA,
  PERIOD_LEVELS,
  REGION_CODE_SCHEMA,
  type AggregationLevel,
  type DeidentificationLevel,
  type Jurisdiction,
  type PeriodLevel,
} from './common.js';
import { createValidator, InvalidArgumentError } from './validation.js';

/** Purpose of use, e.g. `macro-economic-monitoring`. */
export type Purpose = string;

/** The purpose is one of the listed ones. */
export interface PurposeConstraint {
  leftOperand: 'purpose';
  operator: 'isAnyOf';
  rightOperand: Purpose[];
}
/** A bound of the validity window: two of them (gteq start, lt end) make the window. */
export interface DateTimeConstraint {
  leftOperand: 'dateTime';
  operator: 'gteq' | 'gt' | 'lteq' | 'lt';
  rightOperand: string;
}
/** Where the consumer uses the data: its jurisdiction is (not) one of the listed ISO 3166 codes. */
export interface SpatialConstraint {
  leftOperand: 'spatial';
  operator: 'isAnyOf' | 'isNoneOf';
  rightOperand: Jurisdiction[];
}
/** Which regions' data the consumer may see (GB/T 2260 codes); absent = all. */
export interface RegionConstraint {
  leftOperand: 'region';
  operator: 'isAnyOf';
  rightOperand: string[];
}
/** At most `rightOperand` releases per `period` (periods are calendar periods in UTC+08:00). */
export interface CountConstraint {
  leftOperand: 'count';
  operator: 'lteq';
  rightOperand: number;
  period: PeriodLevel;
}
/** Released data is at least this coarse in every dimension. */
export interface AggregationConstraint {
  leftOperand: 'aggregationLevel';
  operator: 'gteq';
  rightOperand: AggregationLevel;
}
/** Released data is de-identified at least this strongly. */
export interface DeidentificationConstraint {
  leftOperand: 'deidentification';
  operator: 'gteq';
  rightOperand: DeidentificationLevel;
}
export type Constraint =
  | PurposeConstraint
  | DateTimeConstraint
  | SpatialConstraint
  | RegionConstraint
  | CountConstraint
  | AggregationConstraint
  | DeidentificationConstraint;
export type ConstraintKind = Constraint['leftOperand'];
export const CONSTRAINT_KINDS: readonly ConstraintKind[] = ['purpose', 'dateTime', 'spatial', 'region', 'count', 'aggregationLevel', 'deidentification'];

export const DUTY_ACTIONS = ['attribute', 'inform', 'report', 'delete', 'notify-breach'] as const;
export interface Duty {
  action: (typeof DUTY_ACTIONS)[number];
  /** What exactly is owed, in words (e.g. "cite Guangdong Power Grid as the source"). */
  note?: string;
  constraints?: Constraint[];
}

export const PERMISSION_ACTIONS = ['use', 'query', 'read'] as const;
export interface Permission {
  action: (typeof PERMISSION_ACTIONS)[number];
  constraints: Constraint[];
  duties?: Duty[];
}

export const PROHIBITION_ACTIONS = ['transfer', 'distribute', 'reidentify', 'use'] as const;
/** Prohibited when all its constraints hold (none: always prohibited). */
export interface Prohibition {
  action: (typeof PROHIBITION_ACTIONS)[number];
  constraints?: Constraint[];
}

export interface Policy {
  /** Id of this policy (e.g. the offer id it comes from). */
  uid?: string;
  /** The data product it governs. */
  target: string;
  /** Provider org id. */
  assigner?: string;
  /** Consumer org id (absent in a catalog offer open to anyone). */
  assignee?: string;
  permissions: Permission[];
  prohibitions?: Prohibition[];
  obligations?: Duty[];
}

const stringList = (items: object) => ({ type: 'array', minItems: 1, uniqueItems: true, items });

const constraintSchema = {
  type: 'object',
  required: ['leftOperand'],
  properties: { leftOperand: { type: 'string' } },
  discriminator: { propertyName: 'leftOperand' },
  oneOf: [
    {
      required: ['leftOperand', 'operator', 'rightOperand'],
      additionalProperties: false,
      properties: {
        leftOperand: { const: 'purpose' },
        operator: { enum: ['isAnyOf'] },
        rightOperand: stringList({ type: 'string', minLength: 1, maxLength: 128 }),
      },
    },
    {
      required: ['leftOperand', 'operator', 'rightOperand'],
      additionalProperties: false,
      properties: {
        leftOperand: { const: 'dateTime' },
        operator: { enum: ['gteq', 'gt', 'lteq', 'lt'] },
        rightOperand: DATE_TIME_SCHEMA,
      },
    },
    {
      required: ['leftOperand', 'operator', 'rightOperand'],
      additionalProperties: false,
      properties: {
        leftOperand: { const: 'spatial' },
        operator: { enum: ['isAnyOf', 'isNoneOf'] },
        rightOperand: stringList(JURISDICTION_SCHEMA),
      },
    },
    {
      required: ['leftOperand', 'operator', 'rightOperand'],
      additionalProperties: false,
      properties: {
        leftOperand: { const: 'region' },
        operator: { enum: ['isAnyOf'] },
        rightOperand: stringList(REGION_CODE_SCHEMA),
      },
    },
    {
      required: ['leftOperand', 'operator', 'rightOperand', 'period'],
      additionalProperties: false,
      properties: {
        leftOperand: { const: 'count' },
        operator: { enum: ['lteq'] },
        rightOperand: { type: 'integer', minimum: 1 },
        period: { enum: [...PERIOD_LEVELS] },
      },
    },
    {
      required: ['leftOperand', 'operator', 'rightOperand'],
      additionalProperties: false,
      properties: {
        leftOperand: { const: 'aggregationLevel' },
        operator: { enum: ['gteq'] },
        rightOperand: AGGREGATION_LEVEL_SCHEMA,
      },
    },
    {
      required: ['leftOperand', 'operator', 'rightOperand'],
      additionalProperties: false,
      properties: {
        leftOperand: { const: 'deidentification' },
        operator: { enum: ['gteq'] },
        rightOperand: { enum: [...DEIDENTIFICATION_LEVELS] },
      },
    },
  ],
} as const;

const dutySchema = {
  type: 'object',
  required: ['action'],
  additionalProperties: false,
  properties: {
    action: { enum: [...DUTY_ACTIONS] },
    note: { type: 'string', maxLength: 1000 },
    constraints: { type: 'array', items: { $ref: '#/$defs/constraint' } },
  },
} as const;

export const POLICY_SCHEMA = {
  $id: 'https://gridspace.example/schemas/policy.json',
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Policy (ODRL-shaped)',
  type: 'object',
  required: ['target', 'permissions'],
  additionalProperties: false,
  properties: {
    uid: ID_SCHEMA,
    target: ID_SCHEMA,
    assigner: ORG_ID_SCHEMA,
    assignee: ORG_ID_SCHEMA,
    permissions: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['action', 'constraints'],
        additionalProperties: false,
        properties: {
          action: { enum: [...PERMISSION_ACTIONS] },
          constraints: { type: 'array', items: { $ref: '#/$defs/constraint' } },
          duties: { type: 'array', items: { $ref: '#/$defs/duty' } },
        },
      },
    },
    prohibitions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['action'],
        additionalProperties: false,
        properties: {
          action: { enum: [...PROHIBITION_ACTIONS] },
          constraints: { type: 'array', items: { $ref: '#/$defs/constraint' } },
        },
      },
    },
    obligations: { type: 'array', items: { $ref: '#/$defs/duty' } },
  },
  $defs: { constraint: constraintSchema, duty: dutySchema },
} as const;

/** Rules JSON Schema cannot say: one window per permission, start before end, one count per period. */
export function checkPolicySemantics(policy: Policy, root: string): InvalidArgumentError | undefined {
  for (const [p, permission] of policy.permissions.entries()) {
    let start: { index: number; time: number } | undefined;
    let end: { index: number; time: number } | undefined;
    const countPeriods = new Set<string>();
    const seen = new Map<string, number>();
    for (const [c, constraint] of permission.constraints.entries()) {
      const at = `${root}.permissions[${p}].constraints[${c}]`;
      if (constraint.leftOperand === 'dateTime') {
        const time = Date.parse(constraint.rightOperand);
        const isStart = constraint.operator === 'gteq' || constraint.operator === 'gt';
        if (isStart ? start : end) {
          return new InvalidArgumentError(`${at}.operator`, `a permission may have only one ${isStart ? 'start (gteq/gt)' : 'end (lteq/lt)'} dateTime bound`);
        }
        if (isStart) start = { index: c, time };
        else end = { index: c, time };
      } else if (constraint.leftOperand === 'count') {
        if (countPeriods.has(constraint.period)) return new InvalidArgumentError(`${at}.period`, `a permission may have only one count per ${constraint.period}`);
        countPeriods.add(constraint.period);
      } else {
        const first = seen.get(constraint.leftOperand);
        if (first !== undefined) {
          return new InvalidArgumentError(`${at}.leftOperand`, `duplicates constraints[${first}] (one ${constraint.leftOperand} constraint per permission)`);
        }
        seen.set(constraint.leftOperand, c);
      }
    }
    if (start && end && end.time <= start.time) {
      return new InvalidArgumentError(`${root}.permissions[${p}].constraints[${end.index}].rightOperand`, 'must be later than the start of the validity window');
    }
  }
  return undefined;
}

export const policyValidator = createValidator<Policy>(POLICY_SCHEMA, 'policy', checkPolicySemantics);
export const validatePolicy = policyValidator.validate;
export const assertPolicy = policyValidator.assert;

/** The validity window of a permission (epoch ms; undefined = open). `end` is exclusive-ish per operator. */
export function validityWindow(permission: Permission): { start?: { at: number; inclusive: boolean }; end?: { at: number; inclusive: boolean } } {
  const window: ReturnType<typeof validityWindow> = {};
  for (const c of permission.constraints) {
    if (c.leftOperand !== 'dateTime') continue;
    const at = Date.parse(c.rightOperand);
    if (c.operator === 'gteq' || c.operator === 'gt') window.start = { at, inclusive: c.operator === 'gteq' };
    else window.end = { at, inclusive: c.operator === 'lteq' };
  }
  return window;
}

/** The latest end of any permission's validity window, as ISO text; undefined if some permission never ends. */
export function policyExpiry(policy: Policy): string | undefined {
  let latest = -Infinity;
  for (const permission of policy.permissions) {
    const end = validityWindow(permission).end;
    if (!end) return undefined;
    latest = Math.max(latest, end.at);
  }
  return new Date(latest).toISOString();
}
