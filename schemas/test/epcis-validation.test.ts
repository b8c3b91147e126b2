// Broken events and documents, each refused with the precise field and rule; the vocabularies
// and helpers the traceability contract relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CBV_BUSINESS_STEPS,
  CBV_DISPOSITIONS,
  CBV_BUSINESS_TRANSACTION_TYPES,
  CBV_SOURCE_DESTINATION_TYPES,
  GS1_EPCIS_JSON_SCHEMA,
  assertEpcisDocument,
  assertEpcisEvent,
  documentEvents,
  eventObjects,
  eventTime,
  normalizeBizStep,
  normalizeDisposition,
  normalizeEventVocabulary,
  toEpcUri,
  validateEpcisDocument,
  validateEpcisEvent,
  type AggregationEvent,
  type AssociationEvent,
  type EpcisDocument,
  type EpcisEvent,
  type ObjectEvent,
  type TransactionEvent,
  type TransformationEvent,
} from '../src/epcis/index.js';
import { EPCIS_REFERENCE_DIR, gs1Oracle, referenceSchema } from './epcis-reference.js';

const TRANSFORMER = toEpcUri('88.188.1001/TX2026-000001');
const CORE = toEpcUri('88.188.1001/CORE-000001');
const COIL = toEpcUri('88.188.1001/COIL-000001');
const BAY = toEpcUri('88.188.2001/BAY-SZ-110KV-03');
const SENSOR = toEpcUri('88.188.1002/SENSOR-7781');
const FACTORY = toEpcUri('88.188.1001/SITE-FOSHAN');
const MAKER = 'https://gridspace.example/org/SupplierMSP';
const OPERATOR = 'https://gridspace.example/org/GridOperatorMSP';
const WHEN = { eventTime: '2026-03-01T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00' };

const commissioning: ObjectEvent = {
  type: 'ObjectEvent', ...WHEN, action: 'ADD', epcList: [TRANSFORMER], bizStep: 'commissioning', disposition: 'active',
  readPoint: { id: FACTORY }, ilmd: { 'gridspace:ratedKVA': 630 },
};
const shipping: ObjectEvent = {
  type: 'ObjectEvent', ...WHEN, action: 'OBSERVE', epcList: [TRANSFORMER], bizStep: 'shipping', disposition: 'in_transit',
  sourceList: [{ type: 'possessing_party', source: MAKER }], destinationList: [{ type: 'possessing_party', destination: OPERATOR }],
};
const bulk: ObjectEvent = {
  type: 'ObjectEvent', ...WHEN, action: 'OBSERVE', quantityList: [{ epcClass: toEpcUri('88.188.1001/OIL-LOT-7'), quantity: 200, uom: 'KGM' }],
};
const installing: AggregationEvent = {
  type: 'AggregationEvent', ...WHEN, action: 'ADD', parentID: BAY, childEPCs: [TRANSFORMER], bizStep: 'installing', disposition: 'in_progress',
};
const purchase: TransactionEvent = {
  type: 'TransactionEvent', ...WHEN, action: 'ADD', bizTransactionList: [{ type: 'po', bizTransaction: 'https://gridspace.example/po/2026-001' }],
  epcList: [TRANSFORMER],
};
const assembling: TransformationEvent = {
  type: 'TransformationEvent', ...WHEN, inputEPCList: [CORE, COIL], outputEPCList: [TRANSFORMER], bizStep: 'assembling',
};
const monitoring: AssociationEvent = {
  type: 'AssociationEvent', ...WHEN, action: 'ADD', parentID: TRANSFORMER, childEPCs: [SENSOR], bizStep: 'assembling',
};
const journey: EpcisEvent[] = [commissioning, shipping, bulk, installing, purchase, assembling, monitoring];

test('a transformer journey of all five event types validates (ours and GS1 schema)', () => {
  for (const event of journey) {
    assert.deepEqual(validateEpcisEvent(event), [], event.type);
    assert.equal(gs1Oracle().documentEvent(event), true, event.type);
    assertEpcisEvent(event);
  }
});

interface Broken {
  name: string;
  event: unknown;
  message: string;
  /** Whether GS1's schema refuses it too (false: one of the EPCIS 2.0 rules the schema lacks). */
  gs1Refuses: boolean;
}

function change<E extends EpcisEvent>(base: E, edit: (event: Record<string, unknown>) => void): unknown {
  const copy = structuredClone(base) as unknown as Record<string, unknown>;
  edit(copy);
  return copy;
}

const TIME_RULE = 'must be an RFC 3339 date-time with a time zone, e.g. 2026-03-01T08:00:00+08:00';
const broken: Broken[] = [
  { name: 'not an object', event: 'ObjectEvent', message: 'event: must be an object', gs1Refuses: true },
  { name: 'no type', event: change(shipping, (e) => delete e.type), message: 'event.type: is required', gs1Refuses: true },
  { name: 'unknown type', event: change(shipping, (e) => (e.type = 'SensorEvent')),
    message: 'event.type: must be one of ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent', gs1Refuses: true },
  { name: 'no action', event: change(shipping, (e) => delete e.action), message: 'event.action: is required', gs1Refuses: true },
  { name: 'unknown action', event: change(shipping, (e) => (e.action = 'MOVE')), message: 'event.action: must be OBSERVE, ADD or DELETE', gs1Refuses: true },
  { name: 'no eventTime', event: change(shipping, (e) => delete e.eventTime), message: 'event.eventTime: is required', gs1Refuses: true },
  { name: 'eventTime without zone', event: change(shipping, (e) => (e.eventTime = '2026-03-01T08:00:00')), message: `event.eventTime: ${TIME_RULE}`, gs1Refuses: true },
  { name: 'impossible date', event: change(shipping, (e) => (e.eventTime = '2026-02-30T08:00:00Z')), message: `event.eventTime: ${TIME_RULE}`, gs1Refuses: true },
  { name: 'recordTime not a time', event: change(shipping, (e) => (e.recordTime = 'yesterday')), message: `event.recordTime: ${TIME_RULE}`, gs1Refuses: true },
  { name: 'no eventTimeZoneOffset', event: change(shipping, (e) => delete e.eventTimeZoneOffset), message: 'event.eventTimeZoneOffset: is required', gs1Refuses: true },
  { name: 'bad eventTimeZoneOffset', event: change(shipping, (e) => (e.eventTimeZoneOffset = '+8:00')),
    message: 'event.eventTimeZoneOffset: must be a time zone offset from -14:00 to +14:00, e.g. +08:00', gs1Refuses: true },
  { name: 'eventID not a URI', event: change(shipping, (e) => (e.eventID = 'event 42')), message: 'event.eventID: must be a URI', gs1Refuses: true },
  { name: 'bizStep neither CBV nor URI', event: change(shipping, (e) => (e.bizStep = 'energizing')),
    message: 'event.bizStep: must be a CBV business step or a URI', gs1Refuses: true },
  { name: 'bizStep as CBV 1.x URN', event: change(shipping, (e) => (e.bizStep = 'urn:epcglobal:cbv:bizstep:shipping')),
    message: "event.bizStep: must be the bare CBV name 'shipping' (EPCIS 2.0 JSON does not allow CBV 1.x URNs)", gs1Refuses: true },
  { name: 'bizStep as unknown CBV web URI', event: change(shipping, (e) => (e.bizStep = 'https://ref.gs1.org/cbv/BizStep-energizing')),
    message: 'event.bizStep: is not a CBV 2.0 business step', gs1Refuses: false },
  { name: 'disposition neither CBV nor URI', event: change(shipping, (e) => (e.disposition = 'in transit')),
    message: 'event.disposition: must be a CBV disposition or a URI', gs1Refuses: true },
  { name: 'persistent disposition not CBV', event: change(commissioning, (e) => (e.persistentDisposition = { set: ['hot'] })),
    message: 'event.persistentDisposition.set[0]: must be a CBV disposition or a URI', gs1Refuses: true },
  { name: 'epc not a URI', event: change(shipping, (e) => (e.epcList = ['88.188.1001/TX2026-000001'])),
    message: 'event.epcList[0]: must be a URI', gs1Refuses: true },
  { name: 'epc listed twice', event: change(shipping, (e) => (e.epcList = [TRANSFORMER, TRANSFORMER])),
    message: 'event.epcList[1]: repeats an identifier listed earlier', gs1Refuses: true },
  { name: 'ObjectEvent names no objects', event: change(shipping, (e) => delete e.epcList),
    message: 'event.epcList: is required unless quantityList names objects or sensorElementList comes with a readPoint', gs1Refuses: true },
  { name: 'ilmd on an OBSERVE', event: change(commissioning, (e) => (e.action = 'OBSERVE')),
    message: 'event.ilmd: is only allowed when action is ADD', gs1Refuses: true },
  { name: 'quantity element without epcClass', event: change(bulk, (e) => (e.quantityList = [{ quantity: 2 }])),
    message: 'event.quantityList[0].epcClass: is required', gs1Refuses: true },
  { name: 'uom without quantity', event: change(bulk, (e) => delete (e.quantityList as Array<Record<string, unknown>>)[0].quantity),
    message: 'event.quantityList[0].uom: is only allowed together with quantity', gs1Refuses: false },
  { name: 'uom not a Rec 20 code', event: change(bulk, (e) => ((e.quantityList as Array<Record<string, unknown>>)[0].uom = 'kg')),
    message: 'event.quantityList[0].uom: must be a UN/ECE Recommendation 20 unit code, e.g. KGM', gs1Refuses: true },
  { name: 'readPoint without id', event: change(commissioning, (e) => (e.readPoint = {})), message: 'event.readPoint.id: is required', gs1Refuses: true },
  { name: 'bizLocation id not a URI', event: change(commissioning, (e) => (e.bizLocation = { id: 'bay 3' })), message: 'event.bizLocation.id: must be a URI', gs1Refuses: true },
  { name: 'source type not CBV', event: change(shipping, (e) => (e.sourceList = [{ type: 'owner', source: MAKER }])),
    message: 'event.sourceList[0].type: must be a CBV source/destination type or a URI', gs1Refuses: true },
  { name: 'destination without party', event: change(shipping, (e) => (e.destinationList = [{ type: 'possessing_party' }])),
    message: 'event.destinationList[0].destination: is required', gs1Refuses: true },
  { name: 'undeclared member', event: change(shipping, (e) => (e.colour = 'red')),
    message: 'event.colour: is not a member of this object (extension members need a URI or prefixed name such as example:field)', gs1Refuses: true },
  { name: 'error declaration without time', event: change(shipping, (e) => (e.errorDeclaration = { reason: 'incorrect_data' })),
    message: 'event.errorDeclaration.declarationTime: is required', gs1Refuses: true },
  { name: 'AggregationEvent ADD without parentID', event: change(installing, (e) => delete e.parentID),
    message: 'event.parentID: is required when action is ADD or DELETE', gs1Refuses: false },
  { name: 'AggregationEvent DELETE without parentID', event: change(installing, (e) => { delete e.parentID; e.action = 'DELETE'; }),
    message: 'event.parentID: is required when action is ADD or DELETE', gs1Refuses: false },
  { name: 'AggregationEvent ADD without children', event: change(installing, (e) => (e.childEPCs = [])),
    message: 'event.childEPCs: must name at least one child (or give childQuantityList) unless action is DELETE', gs1Refuses: true },
  { name: 'AggregationEvent parentID not a URI', event: change(installing, (e) => (e.parentID = 'bay 3')),
    message: 'event.parentID: must be a URI', gs1Refuses: true },
  { name: 'TransactionEvent without business transaction', event: change(purchase, (e) => (e.bizTransactionList = [])),
    message: 'event.bizTransactionList: must name at least one business transaction', gs1Refuses: true },
  { name: 'TransactionEvent with unknown transaction type', event: change(purchase, (e) => ((e.bizTransactionList as Array<Record<string, unknown>>)[0].type = 'order')),
    message: 'event.bizTransactionList[0].type: must be a CBV business transaction type or a URI', gs1Refuses: true },
  { name: 'TransactionEvent names no objects', event: change(purchase, (e) => delete e.epcList),
    message: 'event.epcList: is required unless quantityList names objects or action is DELETE', gs1Refuses: true },
  { name: 'TransformationEvent without inputs or outputs', event: change(assembling, (e) => { delete e.inputEPCList; delete e.outputEPCList; }),
    message: 'event.inputEPCList: a TransformationEvent must name inputs (inputEPCList / inputQuantityList) or outputs (outputEPCList / outputQuantityList)', gs1Refuses: true },
  { name: 'TransformationEvent with only inputs and no transformationID', event: change(assembling, (e) => delete e.outputEPCList),
    message: 'event.transformationID: is required when the event names only inputs', gs1Refuses: true },
  { name: 'TransformationEvent with an action', event: change(assembling, (e) => (e.action = 'ADD')),
    message: 'event.action: is not a member of a TransformationEvent', gs1Refuses: true },
  { name: 'AssociationEvent without parentID', event: change(monitoring, (e) => delete e.parentID), message: 'event.parentID: is required', gs1Refuses: true },
  { name: 'AssociationEvent child not a URI', event: change(monitoring, (e) => (e.childEPCs = ['sensor 7781'])),
    message: 'event.childEPCs[0]: must be a URI', gs1Refuses: true },
];

for (const { name, event, message, gs1Refuses } of broken) {
  test(`refused: ${name}`, () => {
    assert.throws(() => assertEpcisEvent(event), (error: Error) => {
      assert.equal(error.message, `INVALID_ARGUMENT: ${message}`);
      return true;
    });
    const [first] = validateEpcisEvent(event);
    assert.equal(first.message, message);
    assert.equal(`${first.path}: ${first.rule}`, message);
    assert.equal(gs1Oracle().documentEvent(event), !gs1Refuses, 'GS1 schema verdict');
  });
}

test('issues name every broken field of an event, not just the first', () => {
  const issues = validateEpcisEvent(change(shipping, (e) => { e.bizStep = 'energizing'; e.disposition = 'hot'; delete e.eventTime; }));
  assert.deepEqual(issues.map((issue) => issue.path).sort(), ['event.bizStep', 'event.disposition', 'event.eventTime']);
});

test('paths start where the caller says', () => {
  assert.throws(() => assertEpcisEvent(change(shipping, (e) => delete e.action), 'events[3]'), {
    message: 'INVALID_ARGUMENT: events[3].action: is required',
  });
});

function document(events: unknown[]): EpcisDocument {
  return {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-03-01T09:00:00+08:00',
    epcisBody: { eventList: events as EpcisEvent[] },
  };
}

test('documents: valid, and refused with the path of the broken field', () => {
  const valid = document(journey);
  assert.deepEqual(validateEpcisDocument(valid), []);
  assertEpcisDocument(valid);
  assert.equal(gs1Oracle().document(valid), true);
  assert.equal(documentEvents(valid), valid.epcisBody.eventList);

  // [document, first issue, whether GS1's schema refuses it too]
  const cases: Array<[unknown, string, boolean?]> = [
    [[], 'document: must be an object'],
    [{ ...valid, type: 'EPCISDoc' }, 'document.type: must be EPCISDocument or EPCISQueryDocument'],
    [(({ '@context': _context, ...rest }) => rest)(valid), 'document.@context: is required'],
    [{ ...valid, schemaVersion: 'two' }, 'document.schemaVersion: must be a version number such as 2.0'],
    [document([shipping, change(installing, (e) => delete e.parentID)]), 'document.epcisBody.eventList[1].parentID: is required when action is ADD or DELETE', false],
    [document([shipping, change(shipping, (e) => (e.bizStep = 'energizing'))]), 'document.epcisBody.eventList[1].bizStep: must be a CBV business step or a URI'],
    [{ ...valid, epcisBody: {} }, 'document.epcisBody.eventList: is required'],
    [{ '@context': valid['@context'], type: 'EPCISQueryDocument', epcisBody: { queryResults: { resultsBody: { eventList: [shipping] } } } },
      'document.epcisBody.queryResults.queryName: is required'],
    [{ '@context': valid['@context'], type: 'EPCISQueryDocument', epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: [{}] } } } },
      'document.epcisBody.queryResults.resultsBody.eventList[0].type: is required'],
  ];
  for (const [doc, message, gs1Refuses = true] of cases) {
    assert.equal(validateEpcisDocument(doc)[0]?.message, message);
    assert.throws(() => assertEpcisDocument(doc), { message: `INVALID_ARGUMENT: ${message}` });
    assert.equal(gs1Oracle().document(doc), !gs1Refuses, message);
  }
  assert.throws(() => documentEvents({ ...valid, epcisBody: {} } as unknown as EpcisDocument), {
    message: 'INVALID_ARGUMENT: document.epcisBody.eventList: is required',
  });
});

test('the embedded GS1 schema is the reference file, unchanged', () => {
  assert.deepEqual(GS1_EPCIS_JSON_SCHEMA, referenceSchema());
  assert.ok(readFileSync(join(EPCIS_REFERENCE_DIR, 'README.md'), 'utf8').includes('2b888befbc07'));
});

test('the CBV vocabularies are exactly the GS1 schema enums', () => {
  const definitions = referenceSchema().definitions as Record<string, { anyOf: Array<{ enum?: string[] }> }>;
  const enumOf = (name: string) => definitions[name].anyOf.find((branch) => branch.enum)!.enum!;
  assert.deepEqual([...CBV_BUSINESS_STEPS].sort(), [...enumOf('bizStep')].sort());
  assert.deepEqual([...CBV_DISPOSITIONS].sort(), [...enumOf('disposition')].sort());
  assert.deepEqual([...CBV_BUSINESS_TRANSACTION_TYPES].sort(), [...enumOf('bizTransaction-type')].sort());
  assert.deepEqual([...CBV_SOURCE_DESTINATION_TYPES].sort(), [...enumOf('source-dest-type')].sort());
  for (const name of ['commissioning', 'shipping', 'receiving', 'installing', 'decommissioning']) assert.ok((CBV_BUSINESS_STEPS as readonly string[]).includes(name));
  for (const name of ['in_progress', 'recalled', 'active', 'in_transit']) assert.ok((CBV_DISPOSITIONS as readonly string[]).includes(name));
});

test('CBV terms normalize from all three spellings to the bare name', () => {
  for (const value of ['shipping', 'https://ref.gs1.org/cbv/BizStep-shipping', 'urn:epcglobal:cbv:bizstep:shipping']) {
    assert.equal(normalizeBizStep(value), 'shipping');
  }
  for (const value of ['recalled', 'https://ref.gs1.org/cbv/Disp-recalled', 'urn:epcglobal:cbv:disp:recalled']) {
    assert.equal(normalizeDisposition(value), 'recalled');
  }
  assert.equal(normalizeBizStep('https://gridspace.example/bizstep/energizing'), undefined);
  assert.equal(normalizeBizStep('https://ref.gs1.org/cbv/Disp-recalled'), undefined);
  assert.equal(normalizeBizStep('urn:epcglobal:cbv:bizstep:energizing'), undefined);
  assert.equal(normalizeDisposition('shipping'), undefined);
});

test('normalizeEventVocabulary turns CBV 1.x spellings into EPCIS 2.0 bare names, which then validate', () => {
  const legacy = change(shipping, (e) => {
    e.bizStep = 'urn:epcglobal:cbv:bizstep:shipping';
    e.disposition = 'https://ref.gs1.org/cbv/Disp-in_transit';
    e.sourceList = [{ type: 'urn:epcglobal:cbv:sdt:possessing_party', source: MAKER }];
    e.bizTransactionList = [{ type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'https://gridspace.example/po/1' }];
  }) as ObjectEvent;
  assert.equal(validateEpcisEvent(legacy)[0].path, 'event.bizStep');
  const modern = normalizeEventVocabulary(legacy);
  assert.equal(modern.bizStep, 'shipping');
  assert.equal(modern.disposition, 'in_transit');
  assert.equal(modern.sourceList?.[0].type, 'possessing_party');
  assert.equal(modern.bizTransactionList?.[0].type, 'po');
  assert.equal(legacy.bizStep, 'urn:epcglobal:cbv:bizstep:shipping', 'the input is not modified');
  assert.deepEqual(validateEpcisEvent(modern), []);
  const custom = normalizeEventVocabulary(change(shipping, (e) => (e.bizStep = 'https://gridspace.example/bizstep/energizing')) as ObjectEvent);
  assert.equal(custom.bizStep, 'https://gridspace.example/bizstep/energizing');
});

test('eventObjects lists every object with its role', () => {
  assert.deepEqual(eventObjects(commissioning), [{ id: TRANSFORMER, role: 'epc', kind: 'instance' }]);
  assert.deepEqual(eventObjects(bulk), [{ id: toEpcUri('88.188.1001/OIL-LOT-7'), role: 'epc', kind: 'class', quantity: 200, uom: 'KGM' }]);
  assert.deepEqual(eventObjects(installing), [
    { id: BAY, role: 'parent', kind: 'instance' },
    { id: TRANSFORMER, role: 'child', kind: 'instance' },
  ]);
  assert.deepEqual(eventObjects({ ...purchase, parentID: BAY }), [
    { id: BAY, role: 'parent', kind: 'instance' },
    { id: TRANSFORMER, role: 'epc', kind: 'instance' },
  ]);
  assert.deepEqual(eventObjects({ ...assembling, outputQuantityList: [{ epcClass: toEpcUri('88.188.1001/SCRAP') }] }), [
    { id: CORE, role: 'input', kind: 'instance' },
    { id: COIL, role: 'input', kind: 'instance' },
    { id: TRANSFORMER, role: 'output', kind: 'instance' },
    { id: toEpcUri('88.188.1001/SCRAP'), role: 'output', kind: 'class' },
  ]);
  assert.deepEqual(eventObjects(monitoring).map(({ role }) => role), ['parent', 'child']);
});

test('eventTime is the instant in epoch milliseconds, whatever the offset', () => {
  assert.equal(eventTime(commissioning), Date.UTC(2026, 2, 1, 0, 0, 0));
  assert.equal(eventTime({ eventTime: '2026-03-01T00:00:00.123456Z' }), Date.UTC(2026, 2, 1) + 123);
  assert.equal(eventTime({ eventTime: '2026-02-28T19:00:00-05:00' }), Date.UTC(2026, 2, 1, 0));
  assert.throws(() => eventTime({ eventTime: '2026-03-01T08:00:00' }), /^Error: INVALID_ARGUMENT: event\.eventTime: /);
  assert.throws(() => eventTime({ eventTime: 'soon+08:00' }), /^Error: INVALID_ARGUMENT: event\.eventTime: /);
});
