// CBV 2.0 (GS1 Core Business Vocabulary) terms used by EPCIS events. In EPCIS 2.0 JSON a CBV term
// is written by its bare name (`shipping`); the CBV also defines Web URIs
// (`https://ref.gs1.org/cbv/BizStep-shipping`) and CBV 1.x used URNs
// (`urn:epcglobal:cbv:bizstep:shipping`). The normalizers accept all three forms.

/** CBV 2.0 business steps (§7.1), the same list as the GS1 JSON Schema's `bizStep` enum. */
export const CBV_BUSINESS_STEPS = [
  'accepting', 'arriving', 'assembling', 'collecting', 'commissioning', 'consigning',
  'creating_class_instance', 'cycle_counting', 'decommissioning', 'departing', 'destroying',
  'disassembling', 'dispensing', 'encoding', 'entering_exiting', 'holding', 'inspecting',
  'installing', 'killing', 'loading', 'other', 'packing', 'picking', 'receiving', 'removing',
  'repackaging', 'repairing', 'replacing', 'reserving', 'retail_selling', 'shipping',
  'staging_outbound', 'stock_taking', 'stocking', 'storing', 'transporting', 'unloading',
  'unpacking', 'void_shipping', 'sensor_reporting', 'sampling',
] as const;
export type CbvBusinessStep = (typeof CBV_BUSINESS_STEPS)[number];

/** CBV 2.0 dispositions (§7.2), the same list as the GS1 JSON Schema's `disposition` enum. */
export const CBV_DISPOSITIONS = [
  'active', 'container_closed', 'damaged', 'destroyed', 'dispensed', 'disposed', 'encoded',
  'expired', 'in_progress', 'in_transit', 'inactive', 'no_pedigree_match', 'non_sellable_other',
  'partially_dispensed', 'recalled', 'reserved', 'retail_sold', 'returned', 'sellable_accessible',
  'sellable_not_accessible', 'stolen', 'unknown', 'available', 'completeness_verified',
  'completeness_inferred', 'conformant', 'container_open', 'mismatch_instance', 'mismatch_class',
  'mismatch_quantity', 'needs_replacement', 'non_conformant', 'unavailable',
] as const;
export type CbvDisposition = (typeof CBV_DISPOSITIONS)[number];

/** CBV 2.0 business transaction types (§7.3). */
export const CBV_BUSINESS_TRANSACTION_TYPES = [
  'bol', 'cert', 'desadv', 'inv', 'pedigree', 'po', 'poc', 'prodorder', 'recadv', 'rma',
  'testprd', 'testres', 'upevt',
] as const;
export type CbvBusinessTransactionType = (typeof CBV_BUSINESS_TRANSACTION_TYPES)[number];

/** CBV 2.0 source / destination types (§7.4): who owns, who holds, where. */
export const CBV_SOURCE_DESTINATION_TYPES = ['owning_party', 'possessing_party', 'location'] as const;
export type CbvSourceDestinationType = (typeof CBV_SOURCE_DESTINATION_TYPES)[number];

const BUSINESS_STEPS: ReadonlySet<string> = new Set(CBV_BUSINESS_STEPS);
const DISPOSITIONS: ReadonlySet<string> = new Set(CBV_DISPOSITIONS);
const TRANSACTION_TYPES: ReadonlySet<string> = new Set(CBV_BUSINESS_TRANSACTION_TYPES);
const SOURCE_DESTINATION_TYPES: ReadonlySet<string> = new Set(CBV_SOURCE_DESTINATION_TYPES);

/** The three spellings of one CBV vocabulary: Web URI stem, CBV 1.x URN stem, known bare names. */
interface CbvVocabulary {
  webPrefix: string;
  urnPrefix: string;
  names: ReadonlySet<string>;
}

export const CBV_WEB_URI_BASE = 'https://ref.gs1.org/cbv/';

const VOCABULARIES = {
  bizStep: { webPrefix: `${CBV_WEB_URI_BASE}BizStep-`, urnPrefix: 'urn:epcglobal:cbv:bizstep:', names: BUSINESS_STEPS },
  disposition: { webPrefix: `${CBV_WEB_URI_BASE}Disp-`, urnPrefix: 'urn:epcglobal:cbv:disp:', names: DISPOSITIONS },
  bizTransactionType: { webPrefix: `${CBV_WEB_URI_BASE}BTT-`, urnPrefix: 'urn:epcglobal:cbv:btt:', names: TRANSACTION_TYPES },
  sourceDestinationType: { webPrefix: `${CBV_WEB_URI_BASE}SDT-`, urnPrefix: 'urn:epcglobal:cbv:sdt:', names: SOURCE_DESTINATION_TYPES },
} satisfies Record<string, CbvVocabulary>;

export type CbvVocabularyName = keyof typeof VOCABULARIES;

/** The bare name a CBV term is written with, or undefined when `value` is not a term of that
 *  vocabulary in any of its three forms (a bare name, a Web URI, a CBV 1.x URN). */
function bareName(vocabulary: CbvVocabulary, value: string): string | undefined {
  let name = value;
  if (value.startsWith(vocabulary.webPrefix)) name = value.slice(vocabulary.webPrefix.length);
  else if (value.startsWith(vocabulary.urnPrefix)) name = value.slice(vocabulary.urnPrefix.length);
  return vocabulary.names.has(name) ? name : undefined;
}

/** `shipping`, `https://ref.gs1.org/cbv/BizStep-shipping`, `urn:epcglobal:cbv:bizstep:shipping`
 *  -> `shipping`; anything else (a custom URI, an unknown name) -> undefined. */
export function normalizeBizStep(value: string): CbvBusinessStep | undefined {
  return bareName(VOCABULARIES.bizStep, value) as CbvBusinessStep | undefined;
}

/** `in_transit`, `https://ref.gs1.org/cbv/Disp-in_transit`, `urn:epcglobal:cbv:disp:in_transit`
 *  -> `in_transit`; anything else -> undefined. */
export function normalizeDisposition(value: string): CbvDisposition | undefined {
  return bareName(VOCABULARIES.disposition, value) as CbvDisposition | undefined;
}

export function normalizeBizTransactionType(value: string): CbvBusinessTransactionType | undefined {
  return bareName(VOCABULARIES.bizTransactionType, value) as CbvBusinessTransactionType | undefined;
}

export function normalizeSourceDestinationType(value: string): CbvSourceDestinationType | undefined {
  return bareName(VOCABULARIES.sourceDestinationType, value) as CbvSourceDestinationType | undefined;
}

/** How a value relates to a CBV vocabulary, for validation messages. */
export type CbvTermForm =
  | { form: 'bare'; name: string }
  | { form: 'web-uri'; name: string }
  | { form: 'legacy-urn'; name: string | undefined }
  | { form: 'unknown-cbv-uri' }
  | { form: 'other' };

/** Classify a value against one vocabulary: a known bare name, a known Web URI, a CBV 1.x URN
 *  (which EPCIS 2.0 JSON does not allow), a CBV-namespace URI with an unknown term, or other. */
export function classifyCbvTerm(vocabularyName: CbvVocabularyName, value: string): CbvTermForm {
  const vocabulary: CbvVocabulary = VOCABULARIES[vocabularyName];
  if (vocabulary.names.has(value)) return { form: 'bare', name: value };
  if (/^urn:epcglobal:cbv:/i.test(value) || /^https?:\/\/ns\.gs1\.org\/cbv\//i.test(value)) {
    return { form: 'legacy-urn', name: bareName(vocabulary, value) };
  }
  if (/^https?:\/\/ref\.gs1\.org\/cbv\//i.test(value)) {
    const name = bareName(vocabulary, value);
    return name === undefined ? { form: 'unknown-cbv-uri' } : { form: 'web-uri', name };
  }
  return { form: 'other' };
}

/** A copy of an event with every CBV term (bizStep, disposition, persistentDisposition, business
 *  transaction and source/destination types) written by its bare name, e.g. a CBV 1.x
 *  `urn:epcglobal:cbv:bizstep:shipping` becomes `shipping`. Custom URIs stay as they are. Use it
 *  to accept older spellings before validation, which follows EPCIS 2.0 JSON and refuses URNs. */
export function normalizeEventVocabulary<E extends object>(event: E): E {
  const copy = structuredClone(event) as Record<string, unknown>;
  const bare = (value: unknown, normalize: (v: string) => string | undefined): unknown =>
    typeof value === 'string' ? normalize(value) ?? value : value;
  if ('bizStep' in copy) copy.bizStep = bare(copy.bizStep, normalizeBizStep);
  if ('disposition' in copy) copy.disposition = bare(copy.disposition, normalizeDisposition);
  const persistent = copy.persistentDisposition as Record<string, unknown> | undefined;
  for (const side of ['set', 'unset']) {
    const list = persistent?.[side];
    if (Array.isArray(list)) persistent![side] = list.map((v) => bare(v, normalizeDisposition));
  }
  for (const [list, normalize] of [
    ['bizTransactionList', normalizeBizTransactionType],
    ['sourceList', normalizeSourceDestinationType],
    ['destinationList', normalizeSourceDestinationType],
  ] as const) {
    const entries = copy[list];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries as Array<Record<string, unknown>>) {
      if (entry !== null && typeof entry === 'object' && 'type' in entry) entry.type = bare(entry.type, normalize);
    }
  }
  return copy as E;
}
