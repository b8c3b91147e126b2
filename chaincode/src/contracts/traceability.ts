// Traceability: EPCIS 2.0 events about objects named by Gridspace identifiers (info:hdl/<prefix>/<suffix>),
// custody rules (who may record what), recalls, provenance along aggregation / transformation links,
// and TransactionEvent prices in the two parties' implicit private data collections.
import {
  assertEpcisEvent,
  canonicalJson,
  eventObjects,
  eventTime,
  handleFromEpcUri,
  normalizeBizStep,
  normalizeDisposition,
  normalizeSourceDestinationType,
  parseIdentifier,
  toEpcUri,
  ORG_ID_SCHEMA,
  type EpcisEvent,
  type Organization,
} from '@gridspace/schemas';
import { Context, Contract, Info, Returns, Transaction } from '../lib/fabric.js';
import { callerOrg, getOrg, prefixOwner } from '../lib/access.js';
import { conflict, forbidden, invalid, notFound } from '../lib/errors.js';
import { KEY, result, TxState } from '../lib/state.js';

/** How an org is named as a source / destination party in an EPCIS event. */
export const ORG_PARTY_URI_PREFIX = 'urn:gridspace:org:';
export const MAX_EVENTS_PER_BATCH = 100;
const MAX_PROVENANCE_DEPTH = 10;
const PRICE_KEY = 'gs.trace.price';

/** The current state of one traced object. */
export interface TracedObject {
  id: string;
  epc: string;
  /** Org owning the identifier's enterprise prefix: the manufacturer. */
  owner: string;
  /** Org currently possessing the object. */
  custodian: string;
  /** Org the object was shipped to and that may receive it. */
  inTransitTo?: string;
  commissioned: boolean;
  bizStep?: string;
  disposition?: string;
  bizLocation?: string;
  readPoint?: string;
  firstEventTime: string;
  lastEventTime: string;
  lastEventId: string;
  recalled: boolean;
  recalledAt?: string;
  recallEventId?: string;
  /** Aggregation / association parent (e.g. the substation bay a transformer is installed in). */
  parent?: string;
  children: string[];
  /** Transformation links. */
  inputs: string[];
  outputs: string[];
}

export interface TraceEventRecord {
  eventId: string;
  type: EpcisEvent['type'];
  eventTime: string;
  bizStep?: string;
  disposition?: string;
  objects: string[];
  recordedBy: string;
  recordedAt: string;
  txId: string;
  hasPrivatePrice: boolean;
  event: EpcisEvent;
}

export interface PriceRecord {
  eventId: string;
  amount: string;
  currency: string;
  parties: string[];
  recordedAt: string;
}

const RECEIVING_STEPS = new Set(['receiving', 'arriving', 'accepting']);
const OBJECT_FIELDS = ['epcList', 'parentID', 'childEPCs', 'inputEPCList', 'outputEPCList'] as const;
const ORG_PATTERN = new RegExp(ORG_ID_SCHEMA.pattern);

function orgOfPartyUri(uri: string): string | undefined {
  if (!uri.startsWith(ORG_PARTY_URI_PREFIX)) return undefined;
  const orgId = uri.slice(ORG_PARTY_URI_PREFIX.length);
  return ORG_PATTERN.test(orgId) ? orgId : undefined;
}

/** Where in the event an object URI sits, for error messages: `event.childEPCs[2]`. */
function locate(event: EpcisEvent, uri: string, root: string): string {
  const record = event as Record<string, unknown>;
  for (const field of OBJECT_FIELDS) {
    const value = record[field];
    if (value === uri) return `${root}.${field}`;
    if (Array.isArray(value) && value.includes(uri)) return `${root}.${field}[${value.indexOf(uri)}]`;
  }
  return root;
}

/** An identifier argument: `88.188.1001/TX2026-000001` or its EPC URI `info:hdl/88.188.1001/TX2026-000001`. */
function identifierArgument(value: string, field = 'identifier'): string {
  const handle = value.startsWith('info:hdl/') ? handleFromEpcUri(value) : value;
  if (handle === undefined || !parseIdentifier(handle)) throw invalid(field, 'must be an identifier prefix/suffix or its info:hdl/ URI');
  return handle;
}

const addUnique = (list: string[], item: string) => (list.includes(item) ? list : [...list, item].sort());

class TraceRecorder {
  private readonly objects = new Map<string, TracedObject>();
  private readonly recordedIds = new Set<string>();
  readonly recalled: string[] = [];

  constructor(
    private readonly state: TxState,
    private readonly caller: Organization,
  ) {}

  private async object(handle: string): Promise<TracedObject | undefined> {
    return this.objects.get(handle) ?? (await this.state.getJson<TracedObject>(KEY.traceObject, [handle]));
  }

  /** Validates, authorizes and applies one event; returns its record. */
  async record(raw: unknown, root: string, index: number): Promise<TraceEventRecord> {
    assertEpcisEvent(raw, root);
    const event = raw as EpcisEvent;
    const time = new Date(eventTime(event)).toISOString();
    // An error declaration (EPCIS 2.0 §7.4.1.2) repeats the eventID of the event it retracts; it is
    // stored beside it and changes no object state.
    const declaresError = event.errorDeclaration !== undefined;
    const baseId = event.eventID ?? `urn:gridspace:trace:${this.state.txId()}:${index}`;
    const eventId = declaresError ? `${baseId}#error-declaration` : baseId;
    if (this.recordedIds.has(eventId) || (await this.state.exists(KEY.traceEvent, [eventId]))) {
      throw conflict(`trace event ${eventId} is already recorded`);
    }
    this.recordedIds.add(eventId);
    const bizStep = event.bizStep === undefined ? undefined : normalizeBizStep(event.bizStep);
    const disposition = event.disposition === undefined ? undefined : normalizeDisposition(event.disposition);

    // Every serialized object must be one of ours; class-level references (quantities) are indexed when ours.
    const refs = eventObjects(event);
    const instances: Array<{ handle: string; role: string; uri: string }> = [];
    const indexed = new Set<string>();
    for (const ref of refs) {
      const handle = handleFromEpcUri(ref.id);
      if (ref.kind === 'instance') {
        if (handle === undefined) throw invalid(locate(event, ref.id, root), `must be a Gridspace identifier as an info:hdl/<prefix>/<suffix> URI (got ${ref.id})`);
        instances.push({ handle, role: ref.role, uri: ref.id });
      }
      if (handle !== undefined) indexed.add(handle);
    }
    // An event about no object at all (e.g. a sensor reading at a read point) is kept as it is;
    // one naming only foreign classes is not ours to record.
    if (refs.length > 0 && indexed.size === 0) throw invalid(root, 'must name at least one object or class by a Gridspace identifier (info:hdl/<prefix>/<suffix>)');

    const isRecall = disposition === 'recalled';
    const creating = (role: string) => bizStep === 'commissioning' || (event.type === 'TransformationEvent' && role === 'output');
    const updated = new Map<string, TracedObject>();
    for (const { handle, role } of instances) {
      const existing = updated.get(handle) ?? (await this.object(handle));
      let object: TracedObject;
      if (!existing) {
        const prefix = parseIdentifier(handle)!.prefix;
        const owner = await prefixOwner(this.state, prefix);
        if (!owner) throw notFound(`an owner of prefix ${prefix} (ask the operator to assign it before recording events about ${handle})`);
        if (owner.orgId !== this.caller.id) {
          throw forbidden(
            creating(role)
              ? `only ${owner.orgId}, owner of prefix ${owner.prefix}, may commission ${handle}; the caller is ${this.caller.id}`
              : `${handle} has no trace yet; only ${owner.orgId}, owner of prefix ${owner.prefix}, may record its first event`,
          );
        }
        object = {
          id: handle,
          epc: toEpcUri(handle),
          owner: owner.orgId,
          custodian: this.caller.id,
          commissioned: bizStep === 'commissioning',
          firstEventTime: time,
          lastEventTime: time,
          lastEventId: eventId,
          recalled: false,
          children: [],
          inputs: [],
          outputs: [],
        };
      } else {
        if (bizStep === 'commissioning' && !declaresError) throw conflict(`${handle} is already commissioned (owner ${existing.owner})`);
        if (isRecall) {
          if (this.caller.id !== existing.owner) throw forbidden(`only the manufacturer ${existing.owner} may recall ${handle}; the caller is ${this.caller.id}`);
        } else {
          const mayReceive = bizStep !== undefined && RECEIVING_STEPS.has(bizStep) && existing.inTransitTo === this.caller.id;
          if (!mayReceive && this.caller.id !== existing.custodian && this.caller.id !== existing.owner) {
            throw forbidden(
              `${handle} is in the custody of ${existing.custodian}${existing.inTransitTo ? ` (in transit to ${existing.inTransitTo})` : ''}; only the custodian or the owner ${existing.owner} may record events about it, the caller is ${this.caller.id}`,
            );
          }
        }
        object = { ...existing };
      }
      updated.set(handle, object);
    }

    if (declaresError) {
      for (const handle of [...indexed].sort()) await this.state.putJson(KEY.traceEventByObject, [handle, time, eventId], { eventId });
      return this.recordOf(event, eventId, time, bizStep, disposition, indexed);
    }

    // Effects on each object's state.
    const destination = (event.destinationList ?? []).map((d) => ({ type: normalizeSourceDestinationType(d.type), org: orgOfPartyUri(d.destination) }));
    const shippedTo = destination.find((d) => d.type === 'possessing_party' && d.org)?.org ?? destination.find((d) => d.type === 'owning_party' && d.org)?.org;
    for (const object of updated.values()) {
      if (time >= object.lastEventTime || object.lastEventId === eventId) {
        object.lastEventTime = time;
        object.lastEventId = eventId;
        if (bizStep !== undefined) object.bizStep = bizStep;
        if (disposition !== undefined) object.disposition = disposition;
        if (event.bizLocation?.id !== undefined) object.bizLocation = event.bizLocation.id;
        if (event.readPoint?.id !== undefined) object.readPoint = event.readPoint.id;
      }
      if (bizStep === 'commissioning') object.commissioned = true;
      if (bizStep === 'shipping' && shippedTo !== undefined && shippedTo !== object.custodian) object.inTransitTo = shippedTo;
      if (bizStep !== undefined && RECEIVING_STEPS.has(bizStep)) {
        object.custodian = this.caller.id;
        delete object.inTransitTo;
      }
      if (isRecall && !object.recalled) {
        object.recalled = true;
        object.recalledAt = time;
        object.recallEventId = eventId;
        this.recalled.push(object.id);
        await this.state.putIndex(KEY.traceRecall, [object.owner, object.id]);
      }
    }
    this.link(event, instances, updated);

    for (const object of updated.values()) {
      this.objects.set(object.id, object);
      await this.state.putJson(KEY.traceObject, [object.id], object);
    }
    for (const handle of [...indexed].sort()) await this.state.putJson(KEY.traceEventByObject, [handle, time, eventId], { eventId });

    return this.recordOf(event, eventId, time, bizStep, disposition, indexed);
  }

  private recordOf(event: EpcisEvent, eventId: string, time: string, bizStep: string | undefined, disposition: string | undefined, indexed: Set<string>): TraceEventRecord {
    const record: TraceEventRecord = {
      eventId,
      type: event.type,
      eventTime: time,
      ...(bizStep !== undefined ? { bizStep } : {}),
      ...(disposition !== undefined ? { disposition } : {}),
      objects: [...indexed].sort(),
      recordedBy: this.caller.id,
      recordedAt: this.state.now(),
      txId: this.state.txId(),
      hasPrivatePrice: false,
      event: { ...event, eventID: event.eventID ?? eventId },
    };
    return record;
  }

  /** Aggregation / association and transformation links. */
  private link(event: EpcisEvent, instances: Array<{ handle: string; role: string }>, objects: Map<string, TracedObject>): void {
    if (event.type === 'AggregationEvent' || event.type === 'AssociationEvent') {
      const parent = instances.find((i) => i.role === 'parent');
      if (!parent || event.action === 'OBSERVE') return;
      const parentObject = objects.get(parent.handle)!;
      const children = instances.filter((i) => i.role === 'child').map((i) => objects.get(i.handle)!);
      if (event.action === 'ADD') {
        for (const child of children) {
          child.parent = parentObject.id;
          parentObject.children = addUnique(parentObject.children, child.id);
        }
      } else {
        const removed = children.length > 0 ? children.map((c) => c.id) : parentObject.children;
        for (const childId of removed) {
          const child = objects.get(childId);
          if (child && child.parent === parentObject.id) delete child.parent;
        }
        parentObject.children = parentObject.children.filter((c) => !removed.includes(c));
      }
    } else if (event.type === 'TransformationEvent') {
      const inputs = instances.filter((i) => i.role === 'input').map((i) => objects.get(i.handle)!);
      const outputs = instances.filter((i) => i.role === 'output').map((i) => objects.get(i.handle)!);
      for (const input of inputs) for (const output of outputs) {
        input.outputs = addUnique(input.outputs, output.id);
        output.inputs = addUnique(output.inputs, input.id);
      }
    }
  }
}

@Info({ title: 'Traceability', description: 'EPCIS 2.0 trace events about identified objects' })
export class TraceabilityContract extends Contract {
  constructor() {
    super('Traceability');
  }

  /**
   * Records one EPCIS event. For a TransactionEvent, transient `price` may carry
   * {"amount":"1250000.00","currency":"CNY","counterparty":"<org id>"}: it goes to the implicit
   * private collections of the caller's and the counterparty's orgs, never to the public state.
   */
  @Transaction()
  @Returns('string')
  async RecordEvent(ctx: Context, eventJson: string): Promise<string> {
    const state = new TxState(ctx);
    const event = parseJson(eventJson, 'event');
    const caller = await callerOrg(state);
    const recorder = new TraceRecorder(state, caller);
    const record = await recorder.record(event, 'event', 0);
    const price = ctx.stub.getTransient().get('price');
    if (price && price.length > 0) {
      if (record.type !== 'TransactionEvent') throw invalid('transient.price', 'only a TransactionEvent carries a price');
      await writePrice(state, caller, record.eventId, Buffer.from(price).toString('utf8'));
      record.hasPrivatePrice = true;
    }
    await state.putJson(KEY.traceEvent, [record.eventId], record);
    state.emit('TraceEventRecorded', eventSummary([record], recorder.recalled));
    return result(summary(record));
  }

  /** Records a batch of EPCIS events (a JSON array, applied in order), all or none. */
  @Transaction()
  @Returns('string')
  async RecordEvents(ctx: Context, eventsJson: string): Promise<string> {
    const state = new TxState(ctx);
    const events = parseJson(eventsJson, 'events');
    if (!Array.isArray(events) || events.length === 0) throw invalid('events', 'must be a non-empty array of EPCIS events');
    if (events.length > MAX_EVENTS_PER_BATCH) throw invalid('events', `must have at most ${MAX_EVENTS_PER_BATCH} items`);
    const caller = await callerOrg(state);
    const recorder = new TraceRecorder(state, caller);
    const records: TraceEventRecord[] = [];
    for (const [i, event] of events.entries()) {
      const record = await recorder.record(event, `events[${i}]`, i);
      await state.putJson(KEY.traceEvent, [record.eventId], record);
      records.push(record);
    }
    state.emit('TraceEventRecorded', eventSummary(records, recorder.recalled));
    return result(records.map(summary));
  }

  @Transaction(false)
  @Returns('string')
  async GetEvent(ctx: Context, eventId: string): Promise<string> {
    const record = await new TxState(ctx).getJson<TraceEventRecord>(KEY.traceEvent, [eventId]);
    if (!record) throw notFound(`trace event ${eventId}`);
    return result(record);
  }

  /** Events about an object, in event-time order. */
  @Transaction(false)
  @Returns('string')
  async EventsOf(ctx: Context, identifier: string): Promise<string> {
    const state = new TxState(ctx);
    const handle = identifierArgument(identifier);
    const events: TraceEventRecord[] = [];
    for (const attributes of await state.listKeys(KEY.traceEventByObject, [handle])) {
      const record = await state.getJson<TraceEventRecord>(KEY.traceEvent, [attributes[2]!]);
      if (record) events.push(record);
    }
    return result(events);
  }

  /** Current custody, disposition, location, recall status and links of an object. */
  @Transaction(false)
  @Returns('string')
  async StateOf(ctx: Context, identifier: string): Promise<string> {
    const handle = identifierArgument(identifier);
    const object = await new TxState(ctx).getJson<TracedObject>(KEY.traceObject, [handle]);
    if (!object) throw notFound(`traced object ${handle}`);
    return result(object);
  }

  /**
   * Provenance up (parent, inputs) and down (children, outputs) aggregation / transformation
   * links, to `depth` levels (1..10).
   */
  @Transaction(false)
  @Returns('string')
  async Provenance(ctx: Context, identifier: string, depth: string): Promise<string> {
    const state = new TxState(ctx);
    const handle = identifierArgument(identifier);
    const levels = Number(depth);
    if (!Number.isInteger(levels) || levels < 1 || levels > MAX_PROVENANCE_DEPTH) throw invalid('depth', `must be an integer from 1 to ${MAX_PROVENANCE_DEPTH}`);
    const root = await state.getJson<TracedObject>(KEY.traceObject, [handle]);
    if (!root) throw notFound(`traced object ${handle}`);
    const objects: Record<string, TracedObject> = { [handle]: root };
    const links: Array<{ from: string; to: string; relation: 'parent' | 'child' | 'input' | 'output'; direction: 'up' | 'down'; depth: number }> = [];
    for (const direction of ['up', 'down'] as const) {
      let frontier = [root];
      const seen = new Set([handle]);
      for (let level = 1; level <= levels && frontier.length > 0; level++) {
        const next: TracedObject[] = [];
        for (const object of frontier) {
          const neighbours: Array<[string, 'parent' | 'child' | 'input' | 'output']> =
            direction === 'up'
              ? [...(object.parent ? [[object.parent, 'parent'] as [string, 'parent']] : []), ...object.inputs.map((i) => [i, 'input'] as [string, 'input'])]
              : [...object.children.map((c) => [c, 'child'] as [string, 'child']), ...object.outputs.map((o) => [o, 'output'] as [string, 'output'])];
          for (const [id, relation] of neighbours) {
            links.push({ from: object.id, to: id, relation, direction, depth: level });
            if (seen.has(id)) continue;
            seen.add(id);
            const neighbour = objects[id] ?? (await state.getJson<TracedObject>(KEY.traceObject, [id]));
            if (neighbour) {
              objects[id] = neighbour;
              next.push(neighbour);
            }
          }
        }
        frontier = next;
      }
    }
    return result({ root: handle, depth: levels, objects, links });
  }

  /** Objects recalled by their manufacturer (the org owning their prefix). */
  @Transaction(false)
  @Returns('string')
  async Recalled(ctx: Context, manufacturerOrgId: string): Promise<string> {
    const state = new TxState(ctx);
    if (!ORG_PATTERN.test(manufacturerOrgId)) throw invalid('manufacturerOrgId', ORG_ID_SCHEMA.errorRule);
    const objects: TracedObject[] = [];
    for (const attributes of await state.listKeys(KEY.traceRecall, [manufacturerOrgId])) {
      const object = await state.getJson<TracedObject>(KEY.traceObject, [attributes[1]!]);
      if (object) objects.push(object);
    }
    return result(objects);
  }

  /** The price of a TransactionEvent, from the caller's own org's implicit collection. */
  @Transaction(false)
  @Returns('string')
  async GetPrice(ctx: Context, eventId: string): Promise<string> {
    const msp = ctx.clientIdentity.getMSPID();
    const key = ctx.stub.createCompositeKey(PRICE_KEY, [eventId]);
    const bytes = await ctx.stub.getPrivateData(`_implicit_org_${msp}`, key);
    if (!bytes || bytes.length === 0) throw notFound(`a price of trace event ${eventId} visible to ${msp}`);
    return Buffer.from(bytes).toString('utf8');
  }
}

function parseJson(json: string, field: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw invalid(field, 'must be valid JSON');
  }
}

async function writePrice(state: TxState, caller: Organization, eventId: string, priceJson: string): Promise<void> {
  const price = parseJson(priceJson, 'transient.price') as Record<string, unknown>;
  if (typeof price !== 'object' || price === null || Array.isArray(price)) throw invalid('transient.price', 'must be an object');
  for (const key of Object.keys(price)) if (!['amount', 'currency', 'counterparty'].includes(key)) throw invalid(`transient.price.${key}`, 'is not an allowed field');
  if (typeof price.amount !== 'string' || !/^\d{1,15}(\.\d{1,4})?$/.test(price.amount)) throw invalid('transient.price.amount', 'must be a decimal amount as a string, e.g. "1250000.00"');
  if (typeof price.currency !== 'string' || !/^[A-Z]{3}$/.test(price.currency)) throw invalid('transient.price.currency', 'must be an ISO 4217 currency code such as CNY');
  if (typeof price.counterparty !== 'string' || !ORG_PATTERN.test(price.counterparty)) throw invalid('transient.price.counterparty', 'must be the org id of the other party');
  if (price.counterparty === caller.id) throw invalid('transient.price.counterparty', 'must be another org than the caller');
  const counterparty = await getOrg(state, price.counterparty);
  const record: PriceRecord = { eventId, amount: price.amount, currency: price.currency, parties: [caller.id, counterparty.id].sort(), recordedAt: state.now() };
  const key = state.ctx.stub.createCompositeKey(PRICE_KEY, [eventId]);
  const bytes = Buffer.from(canonicalJson(record), 'utf8');
  for (const msp of new Set([caller.mspId, counterparty.mspId])) await state.ctx.stub.putPrivateData(`_implicit_org_${msp}`, key, bytes);
}

function summary(record: TraceEventRecord) {
  return { eventId: record.eventId, type: record.type, eventTime: record.eventTime, objects: record.objects, hasPrivatePrice: record.hasPrivatePrice, txId: record.txId };
}

function eventSummary(records: TraceEventRecord[], recalled: string[]) {
  return {
    events: records.map((r) => ({ eventId: r.eventId, type: r.type, bizStep: r.bizStep, disposition: r.disposition, objects: r.objects, eventTime: r.eventTime })),
    recordedBy: records[0]?.recordedBy,
    recalled,
  };
}
