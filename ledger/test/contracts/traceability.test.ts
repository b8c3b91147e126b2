// Traceability: EPCIS validation errors, commissioning by the prefix owner, custody (shipping,
// receiving, who may record what), installation (aggregation), transformation, recall,
// provenance, and TransactionEvent prices in implicit private data collections.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Ledger } from '../../src/index.js';
import { assignFreshPrefix, eventOf, evaluate, openLedgerWithOrganizations, org, rejects, submit, unique } from './support.js';

interface TracedObject {
  id: string;
  owner: string;
  custodian: string;
  inTransitTo?: string;
  disposition?: string;
  bizLocation?: string;
  recalled: boolean;
  parent?: string;
  children: string[];
  inputs: string[];
  outputs: string[];
}

const epc = (handle: string) => `info:hdl/${handle}`;
const party = (identity: string) => `urn:gridspace:org:${org(identity).orgId}`;
let clock = Date.parse('2026-03-01T08:00:00+08:00');
/** Event times move forward one minute per event, written with the +08:00 offset partners use. */
function nextTime(): { eventTime: string; eventTimeZoneOffset: string } {
  clock += 60_000;
  const local = new Date(clock + 8 * 3600_000).toISOString().replace('Z', '+08:00');
  return { eventTime: local, eventTimeZoneOffset: '+08:00' };
}

function objectEvent(epcs: string[], bizStep: string, extra: Record<string, unknown> = {}) {
  return { type: 'ObjectEvent', action: bizStep === 'commissioning' ? 'ADD' : 'OBSERVE', ...nextTime(), eventID: `urn:uuid:${crypto.randomUUID()}`, epcList: epcs, bizStep, ...extra };
}

describe('Traceability contract', () => {
  let ledger: Ledger;
  let txPrefix: string; // the transformer maker's enterprise prefix
  let gridPrefix: string; // the grid operator's (substation bays)

  before(async () => {
    ledger = await openLedgerWithOrganizations();
    txPrefix = await assignFreshPrefix(ledger, 'supplier');
    gridPrefix = await assignFreshPrefix(ledger, 'operator');
  });
  after(async () => ledger.close());

  const record = (identity: string, event: unknown, transient?: Record<string, string>) =>
    submit<{ eventId: string; hasPrivatePrice: boolean }>(ledger, { identity, fn: 'Traceability:RecordEvent', args: [event], transient });
  const stateOf = (handle: string) => evaluate<TracedObject>(ledger, { identity: 'stats', fn: 'Traceability:StateOf', args: [handle] });

  async function commissioned(identity = 'supplier', prefix = txPrefix): Promise<string> {
    const handle = `${prefix}/${unique('TX2026')}`;
    await record(identity, objectEvent([epc(handle)], 'commissioning', { disposition: 'active', bizLocation: { id: 'urn:gridspace:site:foshan-works' } }));
    return handle;
  }

  it('rejects invalid EPCIS events with the field and the rule', async () => {
    const handle = `${txPrefix}/${unique('TX2026')}`;
    await rejects(record('supplier', { ...objectEvent([epc(handle)], 'commissioning'), eventTime: 'yesterday' }), 'INVALID_ARGUMENT', /event\.eventTime/);
    const { type: _type, ...untyped } = objectEvent([epc(handle)], 'commissioning');
    await rejects(record('supplier', untyped), 'INVALID_ARGUMENT', /event\.type/);
    await rejects(record('supplier', objectEvent([epc(handle)], 'teleporting')), 'INVALID_ARGUMENT', /event\.bizStep/);
    await rejects(record('supplier', { ...objectEvent([epc(handle)], 'commissioning'), action: 'MOVE' }), 'INVALID_ARGUMENT', /event\.action/);
    await rejects(
      record('supplier', objectEvent(['urn:epc:id:sgtin:0614141.107346.2017'], 'commissioning')),
      'INVALID_ARGUMENT',
      /event\.epcList\[0\]: must be a Gridspace identifier as an info:hdl\/<prefix>\/<suffix> URI/,
    );
    await rejects(submit(ledger, { identity: 'supplier', fn: 'Traceability:RecordEvent', args: ['not json'] }), 'INVALID_ARGUMENT', /event: must be valid JSON/);
  });

  it('lets only the prefix owner commission, once', async () => {
    const handle = `${txPrefix}/${unique('TX2026')}`;
    await rejects(record('supplier2', objectEvent([epc(handle)], 'commissioning')), 'FORBIDDEN', /only tx-maker, owner of prefix .* may commission/);
    await rejects(record('supplier', objectEvent([epc(`88.77.${Date.now()}/X1`)], 'commissioning')), 'NOT_FOUND', /owner of prefix 88\.77/);
    const commission = await record('supplier', objectEvent([epc(handle)], 'commissioning', { disposition: 'active' }));
    const event = await eventOf(ledger, commission.tx);
    assert.equal(event.name, 'TraceEventRecorded');
    await rejects(record('supplier', objectEvent([epc(handle)], 'commissioning')), 'CONFLICT', /already commissioned/);
    const state = await stateOf(handle);
    assert.deepEqual([state.owner, state.custodian, state.disposition], ['tx-maker', 'tx-maker', 'active']);
    const again = objectEvent([epc(handle)], 'inspecting');
    await record('supplier', again);
    await rejects(record('supplier', again), 'CONFLICT', /already recorded/);
  });

  it('moves custody by shipping and receiving, and refuses events by anyone else', async () => {
    const handle = await commissioned();
    await rejects(record('operator', objectEvent([epc(handle)], 'inspecting')), 'FORBIDDEN', /in the custody of tx-maker/);
    await record('supplier', objectEvent([epc(handle)], 'shipping', { disposition: 'in_transit', destinationList: [{ type: 'possessing_party', destination: party('operator') }] }));
    let state = await stateOf(handle);
    assert.deepEqual([state.custodian, state.inTransitTo, state.disposition], ['tx-maker', 'gd-grid', 'in_transit']);
    await rejects(record('supplier2', objectEvent([epc(handle)], 'receiving')), 'FORBIDDEN', /in transit to gd-grid/);
    await record('operator', objectEvent([epc(handle)], 'receiving', { disposition: 'in_progress', bizLocation: { id: 'urn:gridspace:site:shenzhen-depot' } }));
    state = await stateOf(handle);
    assert.deepEqual([state.custodian, state.inTransitTo, state.bizLocation], ['gd-grid', undefined, 'urn:gridspace:site:shenzhen-depot']);
    // The new custodian and the owner may record; a third party may not.
    await record('operator', objectEvent([epc(handle)], 'inspecting'));
    await record('supplier', objectEvent([epc(handle)], 'repairing'));
    await rejects(record('supplier2', objectEvent([epc(handle)], 'inspecting')), 'FORBIDDEN', /in the custody of gd-grid/);

    const events = await evaluate<Array<{ bizStep: string; eventTime: string }>>(ledger, { identity: 'agency', fn: 'Traceability:EventsOf', args: [epc(handle)] });
    assert.deepEqual(events.map((e) => e.bizStep), ['commissioning', 'shipping', 'receiving', 'inspecting', 'repairing']);
    assert.deepEqual([...events.map((e) => e.eventTime)].sort(), events.map((e) => e.eventTime));
  });

  it('installs a transformer into a substation bay (aggregation) and walks provenance up and down', async () => {
    const transformer = await commissioned();
    const core = await commissioned();
    // Transformation: the maker builds the transformer's tap changer from a core (input -> output).
    const tapChanger = `${txPrefix}/${unique('TAP')}`;
    await record('supplier', {
      type: 'TransformationEvent',
      ...nextTime(),
      eventID: `urn:uuid:${crypto.randomUUID()}`,
      inputEPCList: [epc(core)],
      outputEPCList: [epc(tapChanger)],
      bizStep: 'assembling',
    });
    await record('supplier', {
      type: 'AggregationEvent',
      action: 'ADD',
      ...nextTime(),
      eventID: `urn:uuid:${crypto.randomUUID()}`,
      parentID: epc(transformer),
      childEPCs: [epc(tapChanger)],
      bizStep: 'assembling',
    });
    await record('supplier', objectEvent([epc(transformer)], 'shipping', { destinationList: [{ type: 'possessing_party', destination: party('operator') }] }));
    await record('operator', objectEvent([epc(transformer)], 'receiving'));
    const bay = await commissioned('operator', gridPrefix);
    await rejects(
      record('supplier2', { type: 'AggregationEvent', action: 'ADD', ...nextTime(), parentID: epc(bay), childEPCs: [epc(transformer)], bizStep: 'installing' }),
      'FORBIDDEN',
    );
    await record('operator', { type: 'AggregationEvent', action: 'ADD', ...nextTime(), parentID: epc(bay), childEPCs: [epc(transformer)], bizStep: 'installing', disposition: 'active' });
    assert.equal((await stateOf(transformer)).parent, bay);
    assert.deepEqual((await stateOf(bay)).children, [transformer]);

    const up = await evaluate<{ objects: Record<string, TracedObject>; links: Array<{ from: string; to: string; relation: string; direction: string; depth: number }> }>(ledger, {
      identity: 'agency',
      fn: 'Traceability:Provenance',
      args: [core, '3'],
    });
    const edges = up.links.map((l) => `${l.direction}:${l.relation}:${l.depth}:${l.to}`);
    assert.ok(edges.includes(`down:output:1:${tapChanger}`));
    assert.ok(edges.includes(`up:parent:1:${transformer}`) === false);
    const fromTap = await evaluate<{ links: Array<{ to: string; relation: string; direction: string; depth: number }> }>(ledger, {
      identity: 'agency',
      fn: 'Traceability:Provenance',
      args: [tapChanger, '2'],
    });
    const tapEdges = fromTap.links.map((l) => `${l.direction}:${l.relation}:${l.depth}:${l.to}`).sort();
    assert.deepEqual(tapEdges, [`up:input:1:${core}`, `up:parent:1:${transformer}`, `up:parent:2:${bay}`].sort());
    const depthOne = await evaluate<{ links: unknown[] }>(ledger, { identity: 'agency', fn: 'Traceability:Provenance', args: [tapChanger, '1'] });
    assert.equal(depthOne.links.length, 2);
    const fromBay = await evaluate<{ links: Array<{ to: string; relation: string; direction: string; depth: number }> }>(ledger, {
      identity: 'agency',
      fn: 'Traceability:Provenance',
      args: [bay, '3'],
    });
    assert.deepEqual(fromBay.links.map((l) => `${l.direction}:${l.relation}:${l.depth}:${l.to}`), [`down:child:1:${transformer}`, `down:child:2:${tapChanger}`]);
    await rejects(evaluate(ledger, { identity: 'agency', fn: 'Traceability:Provenance', args: [bay, '99'] }), 'INVALID_ARGUMENT', /depth: must be an integer from 1 to 10/);
  });

  it('lets only the manufacturer recall, and lists its recalled objects', async () => {
    const handle = await commissioned();
    await record('supplier', objectEvent([epc(handle)], 'shipping', { destinationList: [{ type: 'possessing_party', destination: party('operator') }] }));
    await record('operator', objectEvent([epc(handle)], 'receiving'));
    await rejects(record('operator', objectEvent([epc(handle)], 'holding', { disposition: 'recalled' })), 'FORBIDDEN', /only the manufacturer tx-maker may recall/);
    const recall = await record('supplier', objectEvent([epc(handle)], 'holding', { disposition: 'recalled' }));
    const event = await eventOf(ledger, recall.tx);
    assert.deepEqual(event.payload.recalled, [handle]);
    const state = await stateOf(handle);
    assert.equal(state.recalled, true);
    assert.equal(state.custodian, 'gd-grid');
    const recalled = await evaluate<TracedObject[]>(ledger, { identity: 'operator', fn: 'Traceability:Recalled', args: ['tx-maker'] });
    assert.ok(recalled.some((o) => o.id === handle));
  });

  it('keeps a TransactionEvent price in the two parties\' implicit collections only', async () => {
    const handle = await commissioned();
    const purchase = {
      type: 'TransactionEvent',
      action: 'ADD',
      ...nextTime(),
      eventID: `urn:uuid:${crypto.randomUUID()}`,
      epcList: [epc(handle)],
      bizStep: 'shipping',
      bizTransactionList: [{ type: 'po', bizTransaction: `urn:gridspace:po:${unique('PO')}` }],
      destinationList: [{ type: 'owning_party', destination: party('operator') }],
    };
    const price = JSON.stringify({ amount: '1250000.00', currency: 'CNY', counterparty: 'gd-grid' });
    await rejects(record('supplier', purchase, { price: JSON.stringify({ amount: 12, currency: 'CNY', counterparty: 'gd-grid' }) }), 'INVALID_ARGUMENT', /transient\.price\.amount/);
    await rejects(record('supplier', objectEvent([epc(handle)], 'inspecting'), { price }), 'INVALID_ARGUMENT', /only a TransactionEvent carries a price/);
    const recorded = await record('supplier', purchase, { price });
    assert.equal(recorded.value.hasPrivatePrice, true);

    const publicRecord = await ledger.evaluate({ identity: 'agency', fn: 'Traceability:GetEvent', args: [recorded.value.eventId] });
    assert.equal(publicRecord.includes('1250000'), false, 'the price never reaches public state');
    const event = await eventOf(ledger, recorded.tx);
    assert.equal(JSON.stringify(event.payload).includes('1250000'), false, 'nor the chaincode event');
    for (const identity of ['supplier', 'operator']) {
      const seen = await evaluate<{ amount: string; currency: string; parties: string[] }>(ledger, { identity, fn: 'Traceability:GetPrice', args: [recorded.value.eventId] });
      assert.deepEqual([seen.amount, seen.currency, seen.parties], ['1250000.00', 'CNY', ['gd-grid', 'tx-maker']]);
    }
    await rejects(evaluate(ledger, { identity: 'agency', fn: 'Traceability:GetPrice', args: [recorded.value.eventId] }), 'NOT_FOUND', /visible to ProvincialDrcMSP/);
  });

  it('records a batch of events all or nothing', async () => {
    const a = `${txPrefix}/${unique('TX2026')}`;
    const b = `${txPrefix}/${unique('TX2026')}`;
    const batch = [objectEvent([epc(a)], 'commissioning'), objectEvent([epc(a)], 'inspecting'), objectEvent([epc(b)], 'commissioning')];
    await rejects(
      submit(ledger, { identity: 'supplier', fn: 'Traceability:RecordEvents', args: [[...batch, objectEvent([epc(a)], 'commissioning')]] }),
      'CONFLICT',
      /already commissioned/,
    );
    await rejects(stateOf(a), 'NOT_FOUND');
    const recorded = await submit<Array<{ eventId: string }>>(ledger, { identity: 'supplier', fn: 'Traceability:RecordEvents', args: [batch] });
    assert.equal(recorded.value.length, 3);
    assert.equal((await stateOf(a)).disposition, undefined);
    const events = await evaluate<unknown[]>(ledger, { identity: 'agency', fn: 'Traceability:EventsOf', args: [a] });
    assert.equal(events.length, 2);
  });
});
