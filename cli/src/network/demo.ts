// What the demo network contains: the transformer template, the catalog entry of the electricity
// economic indices, the agreements (in several states) and a transformer's first trace events.
import { devCrossBorderTerms } from '@gridspace/ledger';
export const INDICES_PRODUCT = 'electricity-economic-indices';
export const PURPOSE = 'macro-economic-monitoring';

/** The transformer maker's serials: TX2026-000001, ... */
export const demoSerial = (n: number) => `TX2026-${String(n).padStart(6, '0')}`;

/** The metadata template power transformers are registered under (J1). */
export const TRANSFORMER_TEMPLATE = {
  id: 'power-transformer',
  name: 'Power transformer',
  industry: { section: 'C', division: '38' },
  items: [
    { name: 'model', index: 10, type: 'string', required: true, description: "maker's model designation", constraints: { minLength: 1, maxLength: 64 } },
    { name: 'ratedKva', index: 11, type: 'integer', required: true, description: 'rated power, kVA', constraints: { minimum: 1, maximum: 2000000 } },
    { name: 'productionDate', index: 12, type: 'date', required: true, description: 'date of manufacture' },
    { name: 'testCertificateSha256', index: 13, type: 'sha256', required: true, description: 'SHA-256 of the routine test certificate' },
  ],
} as const;

const purpose = { leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: [PURPOSE] };
const atLeast = (region: string, industry: string, period: string) => ({ leftOperand: 'aggregationLevel', operator: 'gteq', rightOperand: { region, industry, period } });
const perMonth = (n: number) => ({ leftOperand: 'count', operator: 'lteq', rightOperand: n, period: 'month' });
const window = (from: Date, to: Date) => [
  { leftOperand: 'dateTime', operator: 'gteq', rightOperand: from.toISOString() },
  { leftOperand: 'dateTime', operator: 'lt', rightOperand: to.toISOString() },
];

export function catalogEntry() {
  return {
    id: INDICES_PRODUCT,
    version: '1.0.0',
    title: 'Electricity economic indices',
    description: 'Monthly and daily electricity consumption, growth, base-period, resumption-of-work and diffusion indices by region x industry, disclosure-controlled.',
    provider: 'gd-grid',
    keywords: ['electricity', 'economic indices', 'resumption of work'],
    themes: ['energy', 'economy'],
    accrualPeriodicity: 'daily',
    graphqlCoordinates: ['Query.electricityIndices'],
    distributions: [{ mediaType: 'application/graphql-response+json' }, { mediaType: 'text/csv' }],
    offers: [{ id: 'macro-economic-monitoring', title: 'Macro-economic monitoring, city x division x month', policy: { target: INDICES_PRODUCT, permissions: [{ action: 'use', constraints: [purpose, atLeast('city', 'division', 'month')] }] } }],
  };
}

export interface AgreementPlan {
  consumer: string;
  state: 'REQUESTED' | 'OFFERED' | 'FINALIZED' | 'TERMINATED';
  startsWith: 'request' | 'offer';
  terminationReason?: string;
  proposal: { id: string; dataProductId: string; offerId?: string; consumer?: string; policy: unknown; crossBorder: unknown };
}

/** The demo agreements; their validity window starts at `now` (the first start) and lasts a year. */
export function agreementPlans(now: Date): AgreementPlan[] {
  const from = new Date(now.getTime() - 60_000);
  const to = new Date(now.getTime() + 365 * 86_400_000);
  const policy = (constraints: unknown[], extra: Record<string, unknown> = {}) => ({ target: INDICES_PRODUCT, assigner: 'gd-grid', permissions: [{ action: 'use', constraints: [purpose, ...constraints] }], ...extra });
  return [
    {
      consumer: 'gd-drc',
      state: 'FINALIZED',
      startsWith: 'request',
      proposal: { id: 'agr-gd-drc-indices', dataProductId: INDICES_PRODUCT, offerId: 'macro-economic-monitoring', policy: policy([atLeast('city', 'division', 'month'), ...window(from, to), perMonth(1000)]), crossBorder: devCrossBorderTerms('gd-drc') },
    },
    {
      consumer: 'hk-partner',
      state: 'FINALIZED',
      startsWith: 'request',
      proposal: {
        id: 'agr-hk-partner-indices',
        dataProductId: INDICES_PRODUCT,
        // Cross-border: only province-wide, section-level, monthly aggregates; no onward transfer.
        policy: policy([atLeast('province', 'section', 'month'), ...window(from, to), perMonth(100), { leftOperand: 'deidentification', operator: 'gteq', rightOperand: 'aggregated' }], {
          prohibitions: [{ action: 'transfer' }],
        }),
        crossBorder: devCrossBorderTerms('hk-partner'),
      },
    },
    {
      consumer: 'gd-stats',
      state: 'REQUESTED',
      startsWith: 'request',
      proposal: { id: 'agr-gd-stats-indices', dataProductId: INDICES_PRODUCT, policy: policy([atLeast('city', 'division', 'month')]), crossBorder: devCrossBorderTerms('gd-stats') },
    },
    {
      consumer: 'mo-partner',
      state: 'OFFERED',
      startsWith: 'offer',
      proposal: {
        id: 'agr-mo-partner-indices',
        dataProductId: INDICES_PRODUCT,
        consumer: 'mo-partner',
        policy: policy([atLeast('gba', 'all', 'month'), ...window(from, to)]),
        crossBorder: devCrossBorderTerms('mo-partner'),
      },
    },
    {
      consumer: 'cable-maker',
      state: 'TERMINATED',
      startsWith: 'request',
      terminationReason: 'supplier programme ended',
      proposal: { id: 'agr-cable-maker-indices', dataProductId: INDICES_PRODUCT, policy: policy([atLeast('province', 'section', 'month'), ...window(from, to)]), crossBorder: devCrossBorderTerms('cable-maker') },
    },
  ];
}

const epc = (handle: string) => `info:hdl/${handle}`;

/** EPCIS time with the +08:00 offset partners in Guangdong use. */
function at(time: number) {
  return { eventTime: new Date(time + 8 * 3600_000).toISOString().replace('Z', '+08:00'), eventTimeZoneOffset: '+08:00' };
}

/** The first transformer is commissioned, shipped to the grid operator and received; two more are commissioned. */
export function traceEvents(now: Date): Array<{ identity: string; handle: string; event: Record<string, unknown> & { bizStep: string } }> {
  const base = now.getTime() - 3 * 86_400_000;
  const first = `88.188.1001/${demoSerial(1)}`;
  const object = (handle: string, minutes: number, bizStep: string, extra: Record<string, unknown> = {}) => ({
    type: 'ObjectEvent',
    action: bizStep === 'commissioning' ? 'ADD' : 'OBSERVE',
    ...at(base + minutes * 60_000),
    epcList: [epc(handle)],
    bizStep,
    ...extra,
  });
  return [
    { identity: 'supplier', handle: first, event: object(first, 0, 'commissioning', { disposition: 'active', bizLocation: { id: 'urn:gridspace:site:foshan-works' } }) },
    { identity: 'supplier', handle: first, event: object(first, 60, 'shipping', { disposition: 'in_transit', destinationList: [{ type: 'possessing_party', destination: 'urn:gridspace:org:gd-grid' }] }) },
    { identity: 'operator', handle: first, event: object(first, 24 * 60, 'receiving', { disposition: 'in_progress', bizLocation: { id: 'urn:gridspace:site:shenzhen-depot' } }) },
    ...[2, 3].map((n) => {
      const handle = `88.188.1001/${demoSerial(n)}`;
      return { identity: 'supplier', handle, event: object(handle, n, 'commissioning', { disposition: 'active', bizLocation: { id: 'urn:gridspace:site:foshan-works' } }) };
    }),
  ];
}
