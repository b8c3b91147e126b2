// The objects an event is about, and its time: what the traceability contract indexes events by.
import type { EpcisEvent, QuantityElement } from './types.js';

/** The part an object plays in an event:
 *  - `epc`: named by epcList / quantityList (ObjectEvent, TransactionEvent)
 *  - `parent` / `child`: parentID / childEPCs / childQuantityList (Aggregation, Association,
 *    and the optional parentID of a TransactionEvent)
 *  - `input` / `output`: the two sides of a TransformationEvent */
export type EventObjectRole = 'epc' | 'parent' | 'child' | 'input' | 'output';

/** `instance`: one serialised object (an EPC); `class`: a class or lot (a quantity element's epcClass). */
export type EventObjectKind = 'instance' | 'class';

export interface EventObjectRef {
  id: string;
  role: EventObjectRole;
  kind: EventObjectKind;
  /** For class references only, when the event gives them. */
  quantity?: number;
  uom?: string;
}

/** Where each role's identifiers live in each event type, in the order they are reported. */
interface ObjectField {
  field: string;
  role: EventObjectRole;
  shape: 'single' | 'list' | 'quantities';
}

const OBJECT_FIELDS: Record<EpcisEvent['type'], readonly ObjectField[]> = {
  ObjectEvent: [
    { field: 'epcList', role: 'epc', shape: 'list' },
    { field: 'quantityList', role: 'epc', shape: 'quantities' },
  ],
  AggregationEvent: [
    { field: 'parentID', role: 'parent', shape: 'single' },
    { field: 'childEPCs', role: 'child', shape: 'list' },
    { field: 'childQuantityList', role: 'child', shape: 'quantities' },
  ],
  TransactionEvent: [
    { field: 'parentID', role: 'parent', shape: 'single' },
    { field: 'epcList', role: 'epc', shape: 'list' },
    { field: 'quantityList', role: 'epc', shape: 'quantities' },
  ],
  TransformationEvent: [
    { field: 'inputEPCList', role: 'input', shape: 'list' },
    { field: 'inputQuantityList', role: 'input', shape: 'quantities' },
    { field: 'outputEPCList', role: 'output', shape: 'list' },
    { field: 'outputQuantityList', role: 'output', shape: 'quantities' },
  ],
  AssociationEvent: [
    { field: 'parentID', role: 'parent', shape: 'single' },
    { field: 'childEPCs', role: 'child', shape: 'list' },
    { field: 'childQuantityList', role: 'child', shape: 'quantities' },
  ],
};

function fieldsOf(event: EpcisEvent): readonly ObjectField[] {
  const fields = OBJECT_FIELDS[event.type];
  if (fields === undefined) throw new Error(`INVALID_ARGUMENT: event.type: must be one of ${Object.keys(OBJECT_FIELDS).join(', ')}`);
  return fields;
}

/** Every object identifier an event names, with its role, in a stable order
 *  (parent first, then instances before classes, inputs before outputs). */
export function eventObjects(event: EpcisEvent): EventObjectRef[] {
  const refs: EventObjectRef[] = [];
  const record = event as Record<string, unknown>;
  for (const { field, role, shape } of fieldsOf(event)) {
    const value = record[field];
    if (value === undefined) continue;
    if (shape === 'single') refs.push({ id: value as string, role, kind: 'instance' });
    else if (shape === 'list') for (const id of value as string[]) refs.push({ id, role, kind: 'instance' });
    else {
      for (const element of value as QuantityElement[]) {
        const ref: EventObjectRef = { id: element.epcClass, role, kind: 'class' };
        if (element.quantity !== undefined) ref.quantity = element.quantity;
        if (element.uom !== undefined) ref.uom = element.uom;
        refs.push(ref);
      }
    }
  }
  return refs;
}

/** Maps one object identifier to its replacement; gets the role and kind it has in the event. */
export type ObjectIdMapper = (id: string, where: { role: EventObjectRole; kind: EventObjectKind }) => string;

/** A copy of `event` with every object reference (epcList, parentID, childEPCs, inputEPCList,
 *  outputEPCList and the epcClass of every quantity list) replaced by `mapId(id)`. Nothing else
 *  changes; the input is not modified. A mapper that sends two identifiers of one list to the same
 *  value makes the list repeat an identifier, which validation then rejects. */
export function rewriteEventObjects<E extends EpcisEvent>(event: E, mapId: ObjectIdMapper): E {
  const copy = structuredClone(event) as E & Record<string, unknown>;
  for (const { field, role, shape } of fieldsOf(event)) {
    const value = copy[field];
    if (value === undefined) continue;
    if (shape === 'single') (copy as Record<string, unknown>)[field] = mapId(value as string, { role, kind: 'instance' });
    else if (shape === 'list') {
      (copy as Record<string, unknown>)[field] = (value as string[]).map((id) => mapId(id, { role, kind: 'instance' }));
    } else {
      for (const element of value as QuantityElement[]) element.epcClass = mapId(element.epcClass, { role, kind: 'class' });
    }
  }
  return copy;
}

/** When the event happened, in milliseconds since the epoch (sub-millisecond digits dropped).
 *  Throws `INVALID_ARGUMENT: event.eventTime: ...` when it is not a date-time with a time zone. */
export function eventTime(event: Pick<EpcisEvent, 'eventTime'>): number {
  const text = event.eventTime;
  // RFC 3339 requires the offset; without one Date.parse would silently use local time.
  if (typeof text !== 'string' || !/(?:[zZ]|[+-]\d{2}:\d{2})$/.test(text)) {
    throw new Error('INVALID_ARGUMENT: event.eventTime: must be an RFC 3339 date-time with a time zone');
  }
  const millis = Date.parse(text);
  if (Number.isNaN(millis)) throw new Error('INVALID_ARGUMENT: event.eventTime: must be an RFC 3339 date-time with a time zone');
  return millis;
}
