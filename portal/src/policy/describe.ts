// An ODRL-shaped policy (and cross-border terms) as plain sentences: each line is a message key of
// the `policy` namespace with its values, so it reads in the selected language.
export interface PolicyLine {
  key: string;
  values?: Record<string, string | number>;
}

interface Constraint {
  leftOperand: string;
  operator: string;
  rightOperand: unknown;
  period?: string;
}
interface Rule {
  action: string;
  constraints?: Constraint[];
  note?: string;
}
export interface PolicyJson {
  target?: string;
  assigner?: string;
  assignee?: string;
  permissions?: Rule[];
  prohibitions?: Rule[];
  obligations?: Rule[];
}
export interface CrossBorderJson {
  providerJurisdiction: string;
  consumerJurisdiction: string;
  personalInformation: boolean;
  transferMechanism: string;
  filingReference?: string;
  onwardTransferScope: string;
}
export interface Aggregation {
  region: string;
  industry: string;
  period: string;
}

/** Message-key values are resolved by the view (`level.region.city`, `period.month`, ...). */
export function describePolicy(policy: PolicyJson | null | undefined): PolicyLine[] {
  const lines: PolicyLine[] = [];
  const dates: { from?: string; to?: string } = {};
  for (const permission of policy?.permissions ?? []) {
    for (const c of permission.constraints ?? []) {
      const list = Array.isArray(c.rightOperand) ? (c.rightOperand as string[]).join(', ') : String(c.rightOperand);
      switch (c.leftOperand) {
        case 'purpose':
          lines.push({ key: 'purpose', values: { purposes: list } });
          break;
        case 'dateTime':
          if (c.operator === 'gteq' || c.operator === 'gt') dates.from = String(c.rightOperand);
          else dates.to = String(c.rightOperand);
          break;
        case 'aggregationLevel': {
          const level = c.rightOperand as Aggregation;
          lines.push({ key: 'minAggregation', values: { region: `level.region.${level.region}`, industry: `level.industry.${level.industry}`, period: `level.period.${level.period}` } });
          break;
        }
        case 'count':
          lines.push({ key: 'count', values: { count: Number(c.rightOperand), period: `level.per.${c.period ?? 'month'}` } });
          break;
        case 'spatial':
          lines.push({ key: c.operator === 'isNoneOf' ? 'spatialNone' : 'spatialAny', values: { places: list } });
          break;
        case 'region':
          lines.push({ key: 'regions', values: { regions: list } });
          break;
        case 'deidentification':
          lines.push({ key: 'deidentification', values: { level: `deid.${String(c.rightOperand)}` } });
          break;
        default:
          lines.push({ key: 'otherConstraint', values: { name: c.leftOperand, value: list } });
      }
    }
  }
  if (dates.from || dates.to) lines.push({ key: dates.from && dates.to ? 'validity' : dates.from ? 'validFrom' : 'validUntil', values: { from: dates.from ?? '', to: dates.to ?? '' } });
  else lines.push({ key: 'noValidity' });
  for (const p of policy?.prohibitions ?? []) lines.push({ key: `prohibited.${p.action}` });
  for (const o of policy?.obligations ?? []) lines.push({ key: 'duty', values: { action: `dutyAction.${o.action}`, note: o.note ?? '' } });
  for (const p of policy?.permissions ?? []) for (const d of (p as { duties?: Rule[] }).duties ?? []) lines.push({ key: 'duty', values: { action: `dutyAction.${d.action}`, note: d.note ?? '' } });
  return lines;
}

export function describeCrossBorder(terms: CrossBorderJson | null | undefined): PolicyLine[] {
  if (!terms) return [];
  const lines: PolicyLine[] = [];
  if (terms.providerJurisdiction === terms.consumerJurisdiction) lines.push({ key: 'domestic', values: { place: terms.providerJurisdiction } });
  else lines.push({ key: 'crossBorder', values: { from: terms.providerJurisdiction, to: terms.consumerJurisdiction, mechanism: `mechanism.${terms.transferMechanism}` } });
  if (terms.filingReference) lines.push({ key: 'filing', values: { reference: terms.filingReference } });
  lines.push({ key: terms.personalInformation ? 'personalInformation' : 'noPersonalInformation' });
  lines.push({ key: `onward.${terms.onwardTransferScope}` });
  return lines;
}

/** The minimum aggregation an agreement's policy demands, if it states one. */
export function minAggregationOf(policy: PolicyJson | null | undefined): Aggregation | undefined {
  for (const p of policy?.permissions ?? []) for (const c of p.constraints ?? []) if (c.leftOperand === 'aggregationLevel') return c.rightOperand as Aggregation;
  return undefined;
}

export function purposesOf(policy: PolicyJson | null | undefined): string[] {
  for (const p of policy?.permissions ?? []) for (const c of p.constraints ?? []) if (c.leftOperand === 'purpose') return c.rightOperand as string[];
  return [];
}
