// EPCIS 2.0 validation: GS1's JSON Schema (run by ajv, unchanged) decides what is valid EPCIS;
// our own checks run first so that the common mistakes come back as one clear
// `<field path>: <rule>`, and add the rules of EPCIS 2.0 that the schema does not encode.
//
// An event is valid here exactly when
//   1. GS1's schema accepts it as an event of a document (definition `EPCIS-Document-Event`,
//      which, unlike a standalone event, needs no `@context`), and
//   2. it is one of the five EPCIS 2.0 event types (extension event types are not ingested), and
//   3. the rules the schema leaves out hold: an AggregationEvent with action ADD or DELETE names
//      its parentID (EPCIS 2.0 §7.4.3); a quantity element with a uom also has a quantity
//      (§7.3.3.3); CBV-namespace URIs name real CBV 2.0 terms; no object list repeats an
//      identifier.
// So we never accept what GS1's schema rejects.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { GS1_EPCIS_JSON_SCHEMA } from './gs1-epcis-json-schema.js';
import type { AnyEpcisDocument, EpcisEvent, EpcisEventType } from './types.js';
import { classifyCbvTerm, type CbvVocabularyName } from './vocabulary.js';

/** One thing wrong with an event or document: the field (a path such as `event.epcList[2]`) and
 *  the rule it breaks. `message` is `<path>: <rule>`. */
export interface EpcisIssue {
  path: string;
  rule: string;
  message: string;
}

export const EPCIS_EVENT_TYPES: readonly EpcisEventType[] = [
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
];

const GS1_SCHEMA_ID = GS1_EPCIS_JSON_SCHEMA.$id as string;

interface Gs1Validators {
  /** The whole schema: documents, query documents and standalone events (with @context). */
  root: ValidateFunction;
  /** An event as it appears inside a document's eventList. */
  documentEvent: ValidateFunction;
  uri: ValidateFunction;
  time: ValidateFunction;
}

let validators: Gs1Validators | undefined;

/** Compiled once, on first use (compiling the schema takes a few hundred milliseconds). */
function gs1(): Gs1Validators {
  if (validators) return validators;
  // strictRequired off: the schema lists properties in `required` of anyOf branches that are
  // declared in sibling branches, which is valid draft-07 but trips ajv's strict check.
  const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: false });
  // ajv-formats resolves its own copy of ajv's types; the plugin only calls addFormat.
  (addFormatsPlugin.default as unknown as (instance: Ajv) => Ajv)(ajv);
  ajv.addSchema(GS1_EPCIS_JSON_SCHEMA);
  const definition = (name: string): ValidateFunction => {
    const validate = ajv.getSchema(`${GS1_SCHEMA_ID}#/definitions/${name}`);
    if (!validate) throw new Error(`GS1 EPCIS schema has no definition ${name}`);
    return validate;
  };
  validators = {
    root: ajv.getSchema(GS1_SCHEMA_ID) as ValidateFunction,
    documentEvent: definition('EPCIS-Document-Event'),
    uri: definition('uri'),
    time: definition('time'),
  };
  return validators;
}

/** Whether GS1's schema accepts `value` as a URI (RFC 3986, with a scheme). */
export function isEpcisUri(value: unknown): value is string {
  return gs1().uri(value) === true;
}

// ---------------------------------------------------------------------------------------------
// Our own checks, with field paths.

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class IssueList {
  readonly issues: EpcisIssue[] = [];
  add(path: string, rule: string): void {
    this.issues.push({ path, rule, message: `${path}: ${rule}` });
  }
}

const TIME_RULE = 'must be an RFC 3339 date-time with a time zone, e.g. 2026-03-01T08:00:00+08:00';
const TIME_ZONE_OFFSET = /^([+]|[-])((0[0-9]|1[0-3]):([0-5][0-9])|14:00)$/;

function checkTime(out: IssueList, event: Json, path: string, field: string, required: boolean): void {
  const value = event[field];
  if (value === undefined) {
    if (required) out.add(`${path}.${field}`, 'is required');
  } else if (!gs1().time(value)) out.add(`${path}.${field}`, TIME_RULE);
}

function checkUri(out: IssueList, value: unknown, path: string): void {
  if (!isEpcisUri(value)) out.add(path, 'must be a URI');
}

const CBV_NOUN: Record<CbvVocabularyName, string> = {
  bizStep: 'business step',
  disposition: 'disposition',
  bizTransactionType: 'business transaction type',
  sourceDestinationType: 'source/destination type',
};

/** A CBV term: a bare CBV 2.0 name, its https://ref.gs1.org/cbv/ URI, or any non-CBV URI. */
function checkCbvTerm(out: IssueList, vocabulary: CbvVocabularyName, value: unknown, path: string): void {
  const noun = CBV_NOUN[vocabulary];
  if (typeof value !== 'string') return out.add(path, `must be a CBV ${noun} or a URI`);
  const term = classifyCbvTerm(vocabulary, value);
  switch (term.form) {
    case 'bare':
    case 'web-uri':
      return;
    case 'legacy-urn':
      // GS1's schema refuses urn:epcglobal:cbv:... in EPCIS 2.0 JSON; say what to write instead.
      return out.add(path, term.name
        ? `must be the bare CBV name '${term.name}' (EPCIS 2.0 JSON does not allow CBV 1.x URNs)`
        : `must be a CBV ${noun} or a URI outside the CBV namespace`);
    case 'unknown-cbv-uri':
      return out.add(path, `is not a CBV 2.0 ${noun}`);
    case 'other':
      if (!isEpcisUri(value)) out.add(path, `must be a CBV ${noun} or a URI`);
  }
}

/** A list of object identifiers: URIs, none repeated. */
function checkEpcList(out: IssueList, value: unknown, path: string): void {
  if (!Array.isArray(value)) return out.add(path, 'must be a list of URIs');
  const seen = new Set<string>();
  value.forEach((item, index) => {
    if (!isEpcisUri(item)) out.add(`${path}[${index}]`, 'must be a URI');
    else if (seen.has(item)) out.add(`${path}[${index}]`, 'repeats an identifier listed earlier');
    else seen.add(item);
  });
}

function checkQuantityList(out: IssueList, value: unknown, path: string): void {
  if (!Array.isArray(value)) return out.add(path, 'must be a list of quantity elements');
  value.forEach((element, index) => {
    const at = `${path}[${index}]`;
    if (!isObject(element)) return out.add(at, 'must be an object with epcClass, quantity and uom');
    if (element.epcClass === undefined) out.add(`${at}.epcClass`, 'is required');
    else checkUri(out, element.epcClass, `${at}.epcClass`);
    if (element.quantity !== undefined && typeof element.quantity !== 'number') out.add(`${at}.quantity`, 'must be a number');
    if (element.uom !== undefined && element.quantity === undefined) out.add(`${at}.uom`, 'is only allowed together with quantity');
  });
}

/** A non-empty list present? (epcList may legally be empty; quantity lists may not.) */
function nonEmpty(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function checkLocation(out: IssueList, value: unknown, path: string): void {
  if (!isObject(value)) return out.add(path, 'must be an object with an id');
  if (value.id === undefined) out.add(`${path}.id`, 'is required');
  else checkUri(out, value.id, `${path}.id`);
}

function checkWhy(out: IssueList, event: Json, path: string): void {
  if (event.bizStep !== undefined) checkCbvTerm(out, 'bizStep', event.bizStep, `${path}.bizStep`);
  if (event.disposition !== undefined) checkCbvTerm(out, 'disposition', event.disposition, `${path}.disposition`);
  const persistent = event.persistentDisposition;
  if (isObject(persistent)) {
    for (const side of ['set', 'unset'] as const) {
      const list = persistent[side];
      if (Array.isArray(list)) list.forEach((item, i) => checkCbvTerm(out, 'disposition', item, `${path}.persistentDisposition.${side}[${i}]`));
    }
  }
  if (event.readPoint !== undefined) checkLocation(out, event.readPoint, `${path}.readPoint`);
  if (event.bizLocation !== undefined) checkLocation(out, event.bizLocation, `${path}.bizLocation`);
  const transactions = event.bizTransactionList;
  if (Array.isArray(transactions)) {
    transactions.forEach((transaction, i) => {
      const at = `${path}.bizTransactionList[${i}]`;
      if (!isObject(transaction)) return out.add(at, 'must be an object with bizTransaction');
      if (transaction.type !== undefined) checkCbvTerm(out, 'bizTransactionType', transaction.type, `${at}.type`);
      if (transaction.bizTransaction === undefined) out.add(`${at}.bizTransaction`, 'is required');
      else checkUri(out, transaction.bizTransaction, `${at}.bizTransaction`);
    });
  }
  for (const [list, member] of [['sourceList', 'source'], ['destinationList', 'destination']] as const) {
    const parties = event[list];
    if (!Array.isArray(parties)) continue;
    parties.forEach((party, i) => {
      const at = `${path}.${list}[${i}]`;
      if (!isObject(party)) return out.add(at, `must be an object with type and ${member}`);
      if (party.type === undefined) out.add(`${at}.type`, 'is required');
      else checkCbvTerm(out, 'sourceDestinationType', party.type, `${at}.type`);
      if (party[member] === undefined) out.add(`${at}.${member}`, 'is required');
      else checkUri(out, party[member], `${at}.${member}`);
    });
  }
}

function checkAction(out: IssueList, event: Json, path: string): void {
  if (event.action === undefined) out.add(`${path}.action`, 'is required');
  else if (!['OBSERVE', 'ADD', 'DELETE'].includes(event.action as string)) out.add(`${path}.action`, 'must be OBSERVE, ADD or DELETE');
}

/** parentID + children, shared by AggregationEvent and AssociationEvent. */
function checkParentAndChildren(out: IssueList, event: Json, path: string, parentRequired: boolean): void {
  if (event.parentID === undefined) {
    if (parentRequired) {
      out.add(`${path}.parentID`, event.type === 'AssociationEvent' ? 'is required' : 'is required when action is ADD or DELETE');
    }
  } else checkUri(out, event.parentID, `${path}.parentID`);
  if (event.childEPCs !== undefined) checkEpcList(out, event.childEPCs, `${path}.childEPCs`);
  if (event.childQuantityList !== undefined) checkQuantityList(out, event.childQuantityList, `${path}.childQuantityList`);
  if (event.action !== 'DELETE' && !nonEmpty(event.childEPCs) && !nonEmpty(event.childQuantityList)) {
    out.add(`${path}.childEPCs`, 'must name at least one child (or give childQuantityList) unless action is DELETE');
  }
}

const TYPE_CHECKS: Record<EpcisEventType, (out: IssueList, event: Json, path: string) => void> = {
  ObjectEvent(out, event, path) {
    checkAction(out, event, path);
    if (event.epcList !== undefined) checkEpcList(out, event.epcList, `${path}.epcList`);
    if (event.quantityList !== undefined) checkQuantityList(out, event.quantityList, `${path}.quantityList`);
    const sensorOnly = nonEmpty(event.sensorElementList) && event.readPoint !== undefined;
    if (event.epcList === undefined && !nonEmpty(event.quantityList) && !sensorOnly) {
      out.add(`${path}.epcList`, 'is required unless quantityList names objects or sensorElementList comes with a readPoint');
    }
    if (event.ilmd !== undefined && event.action !== 'ADD') out.add(`${path}.ilmd`, 'is only allowed when action is ADD');
  },
  AggregationEvent(out, event, path) {
    checkAction(out, event, path);
    checkParentAndChildren(out, event, path, event.action === 'ADD' || event.action === 'DELETE');
  },
  TransactionEvent(out, event, path) {
    checkAction(out, event, path);
    if (!nonEmpty(event.bizTransactionList)) out.add(`${path}.bizTransactionList`, 'must name at least one business transaction');
    if (event.parentID !== undefined) checkUri(out, event.parentID, `${path}.parentID`);
    if (event.epcList !== undefined) checkEpcList(out, event.epcList, `${path}.epcList`);
    if (event.quantityList !== undefined) checkQuantityList(out, event.quantityList, `${path}.quantityList`);
    if (event.action !== 'DELETE' && event.epcList === undefined && !nonEmpty(event.quantityList)) {
      out.add(`${path}.epcList`, 'is required unless quantityList names objects or action is DELETE');
    }
  },
  TransformationEvent(out, event, path) {
    if (event.action !== undefined) out.add(`${path}.action`, 'is not a member of a TransformationEvent');
    for (const list of ['inputEPCList', 'outputEPCList'] as const) {
      if (event[list] !== undefined) checkEpcList(out, event[list], `${path}.${list}`);
    }
    for (const list of ['inputQuantityList', 'outputQuantityList'] as const) {
      if (event[list] !== undefined) checkQuantityList(out, event[list], `${path}.${list}`);
    }
    if (event.transformationID !== undefined) checkUri(out, event.transformationID, `${path}.transformationID`);
    const inputs = nonEmpty(event.inputEPCList) || nonEmpty(event.inputQuantityList);
    const outputs = nonEmpty(event.outputEPCList) || nonEmpty(event.outputQuantityList);
    if (!inputs && !outputs) {
      out.add(`${path}.inputEPCList`, 'a TransformationEvent must name inputs (inputEPCList / inputQuantityList) or outputs (outputEPCList / outputQuantityList)');
    } else if ((!inputs || !outputs) && event.transformationID === undefined) {
      out.add(`${path}.transformationID`, `is required when the event names only ${inputs ? 'inputs' : 'outputs'}`);
    }
  },
  AssociationEvent(out, event, path) {
    checkAction(out, event, path);
    checkParentAndChildren(out, event, path, true);
  },
};

function checkEvent(out: IssueList, event: unknown, path: string): void {
  if (!isObject(event)) return out.add(path, 'must be an object');
  if (event.type === undefined) return out.add(`${path}.type`, 'is required');
  if (!EPCIS_EVENT_TYPES.includes(event.type as EpcisEventType)) {
    return out.add(`${path}.type`, `must be one of ${EPCIS_EVENT_TYPES.join(', ')}`);
  }
  checkTime(out, event, path, 'eventTime', true);
  if (event.eventTimeZoneOffset === undefined) out.add(`${path}.eventTimeZoneOffset`, 'is required');
  else if (typeof event.eventTimeZoneOffset !== 'string' || !TIME_ZONE_OFFSET.test(event.eventTimeZoneOffset)) {
    out.add(`${path}.eventTimeZoneOffset`, 'must be a time zone offset from -14:00 to +14:00, e.g. +08:00');
  }
  checkTime(out, event, path, 'recordTime', false);
  if (event.eventID !== undefined) checkUri(out, event.eventID, `${path}.eventID`);
  TYPE_CHECKS[event.type as EpcisEventType](out, event, path);
  checkWhy(out, event, path);
}

// ---------------------------------------------------------------------------------------------
// What GS1's schema says, turned into `<path>: <rule>`.

/** `/epcisBody/eventList/0/epcList/1` under `document` -> `document.epcisBody.eventList[0].epcList[1]`. */
function pathOf(root: string, pointer: string): string {
  if (pointer === '') return root;
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : `${path}.${segment}`), root);
}

/** Rules a person can act on, for the patterns of GS1's schema. */
const PATTERN_RULES: Record<string, string> = {
  '^[A-Z0-9]{2,3}$': 'must be a UN/ECE Recommendation 20 unit code, e.g. KGM',
  '^\\d+(\\.\\d+)*$': 'must be a version number such as 2.0',
  '^([+]|[-])((0[0-9]|1[0-3]):([0-5][0-9])|14:00)$': 'must be a time zone offset from -14:00 to +14:00, e.g. +08:00',
};

const WRAPPER_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf', 'if', 'not', '$ref']);

function ruleOf(error: ErrorObject): { suffix?: string; rule: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { suffix: String(params.missingProperty), rule: 'is required' };
    case 'additionalProperties':
      return { suffix: String(params.additionalProperty), rule: 'is not allowed here' };
    case 'propertyNames':
      return {
        suffix: String(params.propertyName),
        rule: 'is not a member of this object (extension members need a URI or prefixed name such as example:field)',
      };
    case 'format':
      if (params.format === 'uri') return { rule: 'must be a URI' };
      if (params.format === 'date-time') return { rule: TIME_RULE };
      return { rule: `must be a ${String(params.format)}` };
    case 'type':
      return { rule: `must be ${/^[aeiou]/.test(String(params.type)) ? 'an' : 'a'} ${String(params.type)}` };
    case 'enum':
      return { rule: `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}` };
    case 'uniqueItems':
      return { rule: 'must not list the same item twice' };
    case 'minItems':
      return { rule: `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}` };
    case 'pattern':
      return { rule: PATTERN_RULES[String(params.pattern)] ?? `must match ${String(params.pattern)}` };
    default:
      return { rule: error.message ?? `breaks the ${error.keyword} rule` };
  }
}

/** The single most telling error: a member name that is not allowed, else the deepest error that
 *  is not a combinator wrapper. (The errors inside propertyNames are about the name, and ajv does
 *  not mark all of them as such, so the propertyNames error speaks for them.) */
function gs1Issue(errors: readonly ErrorObject[], root: string): EpcisIssue {
  const names = errors.filter((e) => e.keyword === 'propertyNames');
  const values = errors.filter((e) => !WRAPPER_KEYWORDS.has(e.keyword));
  const pool = names.length > 0 ? names : values.length > 0 ? values : errors;
  let best = pool[0];
  for (const error of pool) if (error.instancePath.length > best.instancePath.length) best = error;
  const { suffix, rule } = ruleOf(best);
  const base = pathOf(root, best.instancePath);
  const path = suffix === undefined ? base : `${base}.${suffix}`;
  return { path, rule, message: `${path}: ${rule}` };
}

// ---------------------------------------------------------------------------------------------
// Public API.

/** Everything wrong with one event (empty when valid). Paths start with `event`; `root` changes
 *  that, e.g. to `events[3]`. The event is validated as it appears in a document (no @context). */
export function validateEpcisEvent(event: unknown, root = 'event'): EpcisIssue[] {
  const out = new IssueList();
  checkEvent(out, event, root);
  if (out.issues.length > 0) return out.issues;
  const { documentEvent } = gs1();
  if (!documentEvent(event)) return [gs1Issue(documentEvent.errors ?? [], root)];
  return [];
}

function invalid(issues: readonly EpcisIssue[]): Error {
  return new Error(`INVALID_ARGUMENT: ${issues[0].message}`);
}

/** Throws `INVALID_ARGUMENT: <field path>: <rule>` (the first issue) unless `event` is valid. */
export function assertEpcisEvent(event: unknown, root = 'event'): asserts event is EpcisEvent {
  const issues = validateEpcisEvent(event, root);
  if (issues.length > 0) throw invalid(issues);
}

/** The eventList of a document and the path it lives at, or an issue saying what is missing. */
function locateEvents(doc: Json, root: string): { events: unknown; path: string } {
  if (doc.type === 'EPCISQueryDocument') {
    const body = doc.epcisBody;
    const results = isObject(body) && isObject(body.queryResults) ? body.queryResults.resultsBody : undefined;
    return { events: isObject(results) ? results.eventList : undefined, path: `${root}.epcisBody.queryResults.resultsBody.eventList` };
  }
  const body = doc.epcisBody;
  return { events: isObject(body) ? body.eventList : undefined, path: `${root}.epcisBody.eventList` };
}

/** Everything wrong with an EPCISDocument or EPCISQueryDocument (empty when valid): GS1's schema
 *  on the whole document, and every event checked as validateEpcisEvent does. */
export function validateEpcisDocument(doc: unknown, root = 'document'): EpcisIssue[] {
  const out = new IssueList();
  if (!isObject(doc)) {
    out.add(root, 'must be an object');
    return out.issues;
  }
  if (doc.type !== 'EPCISDocument' && doc.type !== 'EPCISQueryDocument') {
    out.add(`${root}.type`, 'must be EPCISDocument or EPCISQueryDocument');
    return out.issues;
  }
  const { events, path } = locateEvents(doc, root);
  if (Array.isArray(events)) events.forEach((event, i) => checkEvent(out, event, `${path}[${i}]`));
  if (out.issues.length > 0) return out.issues;
  const { root: validateRoot } = gs1();
  if (!validateRoot(doc)) return [gs1Issue(validateRoot.errors ?? [], root)];
  return [];
}

/** Throws `INVALID_ARGUMENT: <field path>: <rule>` unless `doc` is a valid EPCIS document. */
export function assertEpcisDocument(doc: unknown, root = 'document'): asserts doc is AnyEpcisDocument {
  const issues = validateEpcisDocument(doc, root);
  if (issues.length > 0) throw invalid(issues);
}

/** The events a document carries (EPCISDocument: epcisBody.eventList; EPCISQueryDocument:
 *  epcisBody.queryResults.resultsBody.eventList). Does not validate them; throws
 *  `INVALID_ARGUMENT` when the document has no event list where its type puts one. */
export function documentEvents(doc: AnyEpcisDocument): EpcisEvent[] {
  if (!isObject(doc)) throw new Error('INVALID_ARGUMENT: document: must be an object');
  if (doc.type !== 'EPCISDocument' && doc.type !== 'EPCISQueryDocument') {
    throw new Error('INVALID_ARGUMENT: document.type: must be EPCISDocument or EPCISQueryDocument');
  }
  const { events, path } = locateEvents(doc, 'document');
  if (!Array.isArray(events)) throw new Error(`INVALID_ARGUMENT: ${path}: is required`);
  return events as EpcisEvent[];
}
