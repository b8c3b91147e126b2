// TypeScript shapes of EPCIS 2.0 events and documents as they appear in JSON / JSON-LD
// (EPCIS 2.0 §7.4 and the GS1 JSON Schema). Every object also admits extension members named by
// a URI or a compact IRI such as `example:myField`, hence the index signatures.

/** What an event does to the objects it names. TransformationEvent has no action. */
export type EpcisAction = 'OBSERVE' | 'ADD' | 'DELETE';

/** The five EPCIS 2.0 event types. */
export type EpcisEventType =
  | 'ObjectEvent'
  | 'AggregationEvent'
  | 'TransactionEvent'
  | 'TransformationEvent'
  | 'AssociationEvent';

/** A JSON-LD context: a URI, an inline context object, or a list of them. */
export type EpcisContext = string | Record<string, unknown> | Array<string | Record<string, unknown>>;

/** A class-level object reference with an optional quantity (e.g. 200 KGM of an LGTIN). */
export interface QuantityElement {
  epcClass: string;
  quantity?: number;
  /** UN/ECE Rec 20 unit code, 2 or 3 upper-case letters or digits. */
  uom?: string;
}

export interface ReadPoint {
  id: string;
  [extension: string]: unknown;
}

export type BizLocation = ReadPoint;

export interface BizTransaction {
  /** CBV bare name (`po`, `inv`, ...) or a URI. */
  type?: string;
  bizTransaction: string;
}

export interface Source {
  /** CBV bare name (`owning_party`, `possessing_party`, `location`) or a URI. */
  type: string;
  source: string;
}

export interface Destination {
  type: string;
  destination: string;
}

export interface PersistentDisposition {
  set?: string[];
  unset?: string[];
}

export interface ErrorDeclaration {
  declarationTime: string;
  /** CBV bare name (`did_not_occur`, `incorrect_data`) or a URI. */
  reason?: string;
  correctiveEventIDs?: string[];
  [extension: string]: unknown;
}

export interface SensorElement {
  sensorMetadata?: Record<string, unknown>;
  sensorReport: Array<Record<string, unknown>>;
  [extension: string]: unknown;
}

/** Members every event type may carry (EPCIS 2.0 §7.4.1 EPCISEvent and the "what/when/where/why" members). */
export interface EpcisEventBase {
  '@context'?: EpcisContext;
  type: EpcisEventType;
  /** RFC 3339 date-time with a time zone, e.g. `2026-03-01T08:00:00.000+08:00`. */
  eventTime: string;
  /** The local offset in effect where the event happened, `-14:00` .. `+14:00`. */
  eventTimeZoneOffset: string;
  recordTime?: string;
  eventID?: string;
  certificationInfo?: string | string[];
  errorDeclaration?: ErrorDeclaration;
  /** CBV 2.0 bare name (`shipping`), its `https://ref.gs1.org/cbv/BizStep-` URI, or another URI. */
  bizStep?: string;
  /** CBV 2.0 bare name (`in_transit`), its `https://ref.gs1.org/cbv/Disp-` URI, or another URI. */
  disposition?: string;
  readPoint?: ReadPoint;
  bizLocation?: BizLocation;
  bizTransactionList?: BizTransaction[];
  sourceList?: Source[];
  destinationList?: Destination[];
  sensorElementList?: SensorElement[];
  [extension: string]: unknown;
}

/** Something happened to objects (commissioned, observed, shipped, decommissioned...). */
export interface ObjectEvent extends EpcisEventBase {
  type: 'ObjectEvent';
  action: EpcisAction;
  epcList?: string[];
  quantityList?: QuantityElement[];
  persistentDisposition?: PersistentDisposition;
  /** Instance/lot master data; only with action ADD. */
  ilmd?: Record<string, unknown>;
}

/** Children were physically put into (ADD) / taken out of (DELETE) / seen in (OBSERVE) a parent. */
export interface AggregationEvent extends EpcisEventBase {
  type: 'AggregationEvent';
  action: EpcisAction;
  /** Required for ADD and DELETE. */
  parentID?: string;
  childEPCs?: string[];
  childQuantityList?: QuantityElement[];
}

/** Objects were tied to (ADD) or released from (DELETE) a business transaction. */
export interface TransactionEvent extends EpcisEventBase {
  type: 'TransactionEvent';
  action: EpcisAction;
  bizTransactionList: BizTransaction[];
  parentID?: string;
  epcList?: string[];
  quantityList?: QuantityElement[];
}

/** Inputs were consumed to make outputs (no action). */
export interface TransformationEvent extends EpcisEventBase {
  type: 'TransformationEvent';
  inputEPCList?: string[];
  inputQuantityList?: QuantityElement[];
  outputEPCList?: string[];
  outputQuantityList?: QuantityElement[];
  transformationID?: string;
  persistentDisposition?: PersistentDisposition;
  ilmd?: Record<string, unknown>;
}

/** Children were associated with (ADD) or dissociated from (DELETE) a parent, typically a
 *  physical location or asset (e.g. a sensor on a transformer). */
export interface AssociationEvent extends EpcisEventBase {
  type: 'AssociationEvent';
  action: EpcisAction;
  parentID: string;
  childEPCs?: string[];
  childQuantityList?: QuantityElement[];
}

export type EpcisEvent =
  | ObjectEvent
  | AggregationEvent
  | TransactionEvent
  | TransformationEvent
  | AssociationEvent;

/** An EPCIS 2.0 document carrying events (capture interface). */
export interface EpcisDocument {
  '@context': EpcisContext;
  type: 'EPCISDocument';
  /** e.g. `2.0`. */
  schemaVersion: string;
  creationDate: string;
  id?: string;
  instanceIdentifier?: string;
  sender?: string;
  receiver?: string;
  epcisHeader?: Record<string, unknown>;
  epcisBody: { eventList: EpcisEvent[] };
  [extension: string]: unknown;
}

/** An EPCIS 2.0 query result document. */
export interface EpcisQueryDocument {
  '@context': EpcisContext;
  type: 'EPCISQueryDocument';
  schemaVersion?: string;
  creationDate?: string;
  id?: string;
  epcisBody: {
    queryResults: {
      queryName: string;
      subscriptionID?: string;
      resultsBody: { eventList: EpcisEvent[]; vocabularyList?: unknown[] };
    };
  };
  [extension: string]: unknown;
}

export type AnyEpcisDocument = EpcisDocument | EpcisQueryDocument;
