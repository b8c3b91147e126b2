// GS1's 47 EPCIS 2.0 examples: our validation agrees with GS1's schema on every document and
// every event, also on broken variants of each event, and the events survive being rewritten to
// Gridspace identifiers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  documentEvents,
  eventObjects,
  eventTime,
  handleFromEpcUri,
  rewriteEventObjects,
  toEpcUri,
  validateEpcisDocument,
  validateEpcisEvent,
  type AnyEpcisDocument,
  type EpcisEvent,
} from '../src/epcis/index.js';
import { gs1Oracle, referenceExamples } from './epcis-reference.js';

const examples = referenceExamples();
const oracle = gs1Oracle();
const allEvents = examples.flatMap(({ file, document }) =>
  documentEvents(document as unknown as AnyEpcisDocument).map((event, index) => ({ where: `${file} event ${index}`, event })),
);

test('the reference holds the 47 GS1 examples and GS1 schema accepts every one', () => {
  assert.equal(examples.length, 47);
  for (const { file, document } of examples) assert.equal(oracle.document(document), true, file);
});

test('every GS1 example document validates, with no issue', () => {
  for (const { file, document } of examples) assert.deepEqual(validateEpcisDocument(document), [], file);
});

test('every event of every example validates on its own, as GS1 schema says', () => {
  assert.ok(allEvents.length >= 50, `only ${allEvents.length} events`);
  const types = new Set(allEvents.map(({ event }) => event.type));
  assert.deepEqual([...types].sort(), ['AggregationEvent', 'AssociationEvent', 'ObjectEvent', 'TransactionEvent', 'TransformationEvent']);
  for (const { where, event } of allEvents) {
    assert.equal(oracle.documentEvent(event), true, where);
    assert.deepEqual(validateEpcisEvent(event), [], where);
  }
});

test('documentEvents reads EPCISDocument and EPCISQueryDocument bodies', () => {
  const query = examples.find(({ document }) => document.type === 'EPCISQueryDocument');
  assert.ok(query);
  const body = (query.document.epcisBody as { queryResults: { resultsBody: { eventList: unknown[] } } }).queryResults.resultsBody;
  assert.equal(documentEvents(query.document as unknown as AnyEpcisDocument), body.eventList);
  assert.ok(body.eventList.length > 0);
});

// Broken variants of every example event. Where GS1's schema rejects, we must reject too; where we
// reject and GS1 accepts, it must be one of the EPCIS 2.0 rules the schema does not encode.
const OUR_EXTRA_RULES = [/is required when action is ADD or DELETE$/, /repeats an identifier listed earlier$/, /is not a CBV 2\.0 /, /is only allowed together with quantity$/];

type Mutation = [name: string, change: (event: Record<string, unknown>) => void];
const OBJECT_LISTS = ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'];
const mutations: Mutation[] = [
  ['no eventTime', (e) => delete e.eventTime],
  ['eventTime without zone', (e) => (e.eventTime = '2020-01-01T00:00:00')],
  ['eventTimeZoneOffset out of range', (e) => (e.eventTimeZoneOffset = '+15:00')],
  ['CBV 1.x URN bizStep', (e) => (e.bizStep = 'urn:epcglobal:cbv:bizstep:shipping')],
  ['bizStep neither CBV nor URI', (e) => (e.bizStep = 'shipped')],
  ['custom bizStep URI', (e) => (e.bizStep = 'https://gridspace.example/bizstep/energizing')],
  ['CBV web URI bizStep', (e) => (e.bizStep = 'https://ref.gs1.org/cbv/BizStep-installing')],
  ['unknown CBV web URI disposition', (e) => (e.disposition = 'https://ref.gs1.org/cbv/Disp-energized')],
  ['disposition neither CBV nor URI', (e) => (e.disposition = 'energized')],
  ['undeclared member', (e) => (e.colour = 'red')],
  ['extension member', (e) => (e['gridspace:feeder'] = 'F-12')],
  ['no action', (e) => delete e.action],
  ['unknown action', (e) => (e.action = 'MOVE')],
  ['action OBSERVE', (e) => (e.action = 'OBSERVE')],
  ['action ADD', (e) => (e.action = 'ADD')],
  ['action DELETE', (e) => (e.action = 'DELETE')],
  ['no parentID', (e) => delete e.parentID],
  ['readPoint without id', (e) => (e.readPoint = {})],
  ['misspelt type', (e) => (e.type = 'ObjectEvnt')],
  ['object that is not a URI', (e) => {
    for (const list of OBJECT_LISTS) if (Array.isArray(e[list]) && e[list].length > 0) return void ((e[list] as unknown[])[0] = 'TX2026 000001');
    e.epcList = ['TX2026 000001'];
  }],
  ['object listed twice', (e) => {
    for (const list of OBJECT_LISTS) if (Array.isArray(e[list]) && e[list].length > 0) return void (e[list] as unknown[]).push((e[list] as unknown[])[0]);
  }],
  ['no objects', (e) => { for (const list of [...OBJECT_LISTS, 'quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList']) delete e[list]; }],
  ['uom without quantity', (e) => {
    for (const list of ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList']) {
      if (Array.isArray(e[list]) && e[list].length > 0) return void delete ((e[list] as Array<Record<string, unknown>>)[0].quantity);
    }
  }],
];

test('on broken variants of every event, we reject whatever GS1 schema rejects, and more only by rules it lacks', () => {
  let gs1Rejected = 0;
  let bothAccepted = 0;
  let onlyWeRejected = 0;
  for (const { where, event } of allEvents) {
    for (const [name, change] of mutations) {
      const variant = structuredClone(event) as Record<string, unknown>;
      change(variant);
      const gs1Accepts = oracle.documentEvent(variant) === true;
      const issues = validateEpcisEvent(variant);
      const label = `${where}, ${name}: ${JSON.stringify(issues)}`;
      if (!gs1Accepts) {
        gs1Rejected++;
        assert.ok(issues.length > 0, label);
      } else if (issues.length === 0) {
        bothAccepted++;
      } else {
        onlyWeRejected++;
        assert.ok(issues.every((issue) => OUR_EXTRA_RULES.some((rule) => rule.test(issue.message))), label);
      }
      for (const issue of issues) assert.match(issue.message, /^event(\.|\[|:)/, label);
    }
  }
  // The variants exercise all three outcomes, so the agreement above is not vacuous.
  assert.ok(gs1Rejected > allEvents.length * 10, `GS1 rejected only ${gs1Rejected}`);
  assert.ok(bothAccepted > allEvents.length * 3, `both accepted only ${bothAccepted}`);
  assert.ok(onlyWeRejected > 0);
});

test('every example event, rewritten to Gridspace identifiers, still validates and names only our identifiers', () => {
  const numbering = new Map<string, string>();
  const toOurs = (id: string, where: { kind: 'instance' | 'class' }): string => {
    let handle = numbering.get(id);
    if (handle === undefined) {
      handle = `88.188.1001/${where.kind === 'class' ? 'MODEL' : 'TX2026'}-${String(numbering.size + 1).padStart(6, '0')}`;
      numbering.set(id, handle);
    }
    return toEpcUri(handle);
  };
  for (const { where, event } of allEvents) {
    const before = structuredClone(event);
    const ours = rewriteEventObjects(event as EpcisEvent, toOurs);
    assert.deepEqual(event, before, `${where}: the original must not change`);
    assert.deepEqual(validateEpcisEvent(ours), [], where);
    assert.equal(oracle.documentEvent(ours), true, where);
    const original = eventObjects(event);
    const rewritten = eventObjects(ours);
    assert.deepEqual(rewritten.map(({ role, kind }) => [role, kind]), original.map(({ role, kind }) => [role, kind]), where);
    rewritten.forEach((ref, i) => {
      assert.equal(ref.id, toEpcUri(numbering.get(original[i].id)!), where);
      assert.equal(handleFromEpcUri(ref.id), numbering.get(original[i].id), where);
    });
    assert.equal(eventTime(ours), eventTime(event));
  }
  assert.ok(numbering.size > 50, `only ${numbering.size} distinct objects`);
});

test('every example document with its events rewritten to Gridspace identifiers still validates', () => {
  const toOurs = (id: string): string => toEpcUri(`88.188.1001/${Buffer.from(id).toString('base64url')}`);
  for (const { file, document } of examples) {
    const copy = structuredClone(document) as unknown as AnyEpcisDocument;
    const events = documentEvents(copy);
    events.forEach((event, i) => (events[i] = rewriteEventObjects(event, toOurs)));
    assert.deepEqual(validateEpcisDocument(copy), [], file);
    assert.equal(oracle.document(copy), true, file);
  }
});
